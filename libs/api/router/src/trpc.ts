import { initTRPC, TRPCError } from '@trpc/server';
import { DomainError, type DomainErrorCode } from '@storyline/contracts';
import { ZodError } from 'zod';
import type { Context } from './context';

const TRPC_CODES: Record<DomainErrorCode, TRPCError['code']> = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  CONFLICT: 'CONFLICT',
  INVALID: 'BAD_REQUEST',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

const t = initTRPC.context<Context>().create({
  sse: {
    // Comments every 10 s keep proxies from closing a quiet stream.
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 25_000 },
  },
  errorFormatter({ shape, error }) {
    if (!(error.cause instanceof ZodError)) return shape;
    const issues = error.cause.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const message = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
    return { ...shape, message, data: { ...shape.data, issues } };
  },
});

/** The one place domain errors become tRPC errors; anything else passes unchanged. */
export function toTRPCError(error: unknown): unknown {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (!(cause instanceof DomainError)) return error;
  return new TRPCError({ code: TRPC_CODES[cause.code], message: cause.message, cause });
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
