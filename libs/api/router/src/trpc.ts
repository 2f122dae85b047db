import { initTRPC, TRPCError } from '@trpc/server';
import { getErrorShape, getTRPCErrorFromUnknown } from '@trpc/server/unstable-core-do-not-import';
import { DomainError, type DomainErrorCode } from '@storyline/contracts';
import { ZodError } from 'zod';
import type { Context } from './context';
import { errorReference } from './error-reference';

const TRPC_CODES: Record<DomainErrorCode, TRPCError['code']> = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  CONFLICT: 'CONFLICT',
  INVALID: 'BAD_REQUEST',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/** Keep-alive comments this often keep proxies from closing a quiet stream. */
export const SSE_PING_MS = 10_000;
/** Sent to every stream client in its `connected` event. */
export const SSE_CLIENT_OPTIONS = { reconnectAfterInactivityMs: 25_000 };

const t = initTRPC.context<Context>().create({
  // Never send stack traces, whatever NODE_ENV says.
  isDev: false,
  sse: { ping: { enabled: true, intervalMs: SSE_PING_MS }, client: SSE_CLIENT_OPTIONS },
  errorFormatter({ shape, error }) {
    const data: Omit<typeof shape.data, 'stack'> & { stack?: string } = { ...shape.data };
    delete data.stack;
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // The cause may be SQL, a path or a driver's text: the client gets a reference to the log line instead.
      return { ...shape, message: `internal error (reference ${errorReference(error)})`, data };
    }
    if (!(error.cause instanceof ZodError)) return { ...shape, data };
    const issues = error.cause.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const message = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
    return { ...shape, message, data: { ...data, issues } };
  },
});

/** The one place domain errors become tRPC errors; anything else passes unchanged. */
export function toTRPCError(error: unknown): unknown {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (!(cause instanceof DomainError)) return error;
  return new TRPCError({ code: TRPC_CODES[cause.code], message: cause.message, cause });
}

/**
 * The error shape tRPC itself would send for `error` on the subscription at `path`,
 * through the same formatter, for streams served by the lean writer.
 */
export function subscriptionErrorShape(error: unknown, path: string): unknown {
  const trpcError = getTRPCErrorFromUnknown(toTRPCError(error));
  return getErrorShape({ config: t._config, error: trpcError, type: 'subscription', path, input: undefined, ctx: undefined });
}

const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error);
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapDomainErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please log in' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'Only an admin may do this' });
  return next();
});
