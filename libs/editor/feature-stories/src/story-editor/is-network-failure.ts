import { isTRPCClientError } from '@trpc/client';

/**
 * Whether an API call failed before the server answered it (offline, connection refused, a
 * proxy's page instead of the API's answer), so the same call may well succeed later. An
 * error the server answered carries its `shape`; one the network caused has none.
 */
export function isNetworkFailure(error: unknown): boolean {
  return isTRPCClientError(error) && !error.shape;
}
