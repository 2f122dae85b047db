import { isTRPCClientError } from '@trpc/client';

/** Codes that asking again cannot change: the request itself is wrong or not allowed. */
const PERMANENT_CODES: readonly string[] = ['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'];

/**
 * Whether an API error would come back the same on every retry, so retrying or
 * falling back to another transport would only delay the message the user needs.
 */
export function isPermanentError(error: unknown): boolean {
  if (!isTRPCClientError(error)) return false;
  const code: unknown = error.data?.code;
  return typeof code === 'string' && PERMANENT_CODES.includes(code);
}
