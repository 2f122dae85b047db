import { TRPCError } from '@trpc/server';
import { LoginInput } from '@storyline/contracts';
import { knownDevice, rememberDevice } from '../auth/devices';
import { announceSessionEnded } from '../auth/session-ended';
import { authenticate, createSession, deleteSession } from '../auth/sessions';
import { authedProcedure, publicProcedure, router } from '../trpc';

export const authRouter = router({
  /**
   * Unknown users and wrong passwords fail alike: the same message, the same time (a
   * dummy hash is verified) and the same counts towards the locks of the name tried.
   * A success makes this browser a known device of the account (its own count from now on).
   */
  login: publicProcedure.input(LoginInput).mutation(async ({ ctx, input }) => {
    const device = await knownDevice(ctx.db, ctx.deviceToken, input.username);
    const attempt = await ctx.loginThrottle.attempt({ username: input.username, address: ctx.clientAddress, device }, () =>
      authenticate(ctx.db, input.username, input.password),
    );
    if (attempt.status === 'locked') {
      ctx.setResponseHeader('Retry-After', String(attempt.retryAfterSec));
      ctx.log.warn({ address: ctx.clientAddress }, 'login refused: too many failures');
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `Too many failed logins. Try again in ${inWords(attempt.retryAfterSec)}.` });
    }
    const user = attempt.result;
    if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong username or password' });
    const deviceToken = await rememberDevice(ctx.db, ctx.deviceToken, user.id);
    // The session's cookie first: a simple client that keeps only the first one stays signed in.
    ctx.setSessionCookie(await createSession(ctx.db, user.id, ctx.sessionTtlMs));
    ctx.setDeviceCookie(deviceToken);
    ctx.log.info({ userId: user.id }, 'logged in');
    return user;
  }),
  /** Ends the session, and with it the session's open streams on every API process. */
  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await deleteSession(ctx.db, ctx.sessionToken);
    if (ctx.session) await announceSessionEnded(ctx.db, ctx.session.key);
    ctx.setSessionCookie(null);
    return { ok: true as const };
  }),
  /** Who the session belongs to; UNAUTHORIZED without one, like every procedure but login. */
  me: authedProcedure.query(({ ctx }) => ctx.user),
});

/** "45 seconds", "1 minute", "15 minutes": rounded up, so trying again then works. */
function inWords(seconds: number): string {
  const [count, unit] = seconds < 60 ? [seconds, 'second'] : [Math.ceil(seconds / 60), 'minute'];
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
