import { TRPCError } from '@trpc/server';
import { LoginInput } from '@storyline/contracts';
import { authenticate, createSession, deleteSession } from '../auth/sessions';
import { authedProcedure, publicProcedure, router } from '../trpc';

export const authRouter = router({
  login: publicProcedure.input(LoginInput).mutation(async ({ ctx, input }) => {
    const user = await authenticate(ctx.db, input.username, input.password);
    if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong username or password' });
    ctx.setSessionCookie(await createSession(ctx.db, user.id, ctx.sessionTtlMs));
    ctx.log.info({ userId: user.id }, 'logged in');
    return user;
  }),
  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await deleteSession(ctx.db, ctx.sessionToken);
    ctx.setSessionCookie(null);
    return { ok: true as const };
  }),
  /** Who the session belongs to; UNAUTHORIZED without one, like every procedure but login. */
  me: authedProcedure.query(({ ctx }) => ctx.user),
});
