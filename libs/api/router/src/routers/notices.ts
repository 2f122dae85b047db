import { BroadcastNoticeInput } from '@storyline/contracts';
import { readRecentNotices, recordNotice } from '@storyline/realtime';
import { adminProcedure, authedProcedure, router } from '../trpc';

/** How many notices, and from how far back, a tab is given when it opens. */
const RECENT_NOTICES = { limit: 20, withinMs: 24 * 3600_000 };

export const noticesRouter = router({
  /**
   * Sends a notice to everyone with an open editor, on every API process: it is stored,
   * and a NOTIFY with its id makes each process's log reader read it and route it to its streams.
   */
  broadcast: adminProcedure.input(BroadcastNoticeInput).mutation(async ({ ctx, input }) => {
    const notice = await recordNotice(ctx.db, { level: input.level, message: input.message, sentBy: ctx.user.id });
    ctx.log.info({ userId: ctx.user.id, noticeId: notice.id, level: notice.level }, 'notice broadcast');
    return notice;
  }),
  /** The newest notices the caller may see (broadcasts and their own), newest first, for a tab that opens. */
  recent: authedProcedure.query(({ ctx }) => readRecentNotices(ctx.db, ctx.user.id, RECENT_NOTICES)),
});
