import { TRPCError } from '@trpc/server';
import { StreamLimitError } from '@storyline/realtime';
import { toTRPCError } from '../trpc';

const LIMIT_CODES: Record<StreamLimitError['limit'], TRPCError['code']> = {
  process: 'SERVICE_UNAVAILABLE',
  user: 'TOO_MANY_REQUESTS',
  'session-ended': 'UNAUTHORIZED',
};

/**
 * What a failed stream tells its client: refusals and domain errors keep their
 * code and sentence; anything else is an internal error (its cause stays in the log).
 */
export function toStreamError(error: unknown): TRPCError {
  if (error instanceof StreamLimitError) return new TRPCError({ code: LIMIT_CODES[error.limit], message: error.message });
  const mapped = toTRPCError(error);
  return mapped instanceof TRPCError ? mapped : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
}
