import { eq, inArray } from 'drizzle-orm';
import { DomainError, JobMessage, OpsQueueInput, RequeuePoisonedInput, type PoisonedMessage } from '@storyline/contracts';
import { jobs, users } from '@storyline/db';
import { recordJobChange, wakeJobWorkers } from '@storyline/jobs';
import { adminProcedure, router } from '../trpc';

/** How long a message taken from a poison queue stays hidden while it is moved. */
const TAKE_VISIBILITY_SEC = 30;

const REQUEUED_MESSAGE = 'Re-queued from the poison queue by an admin';

function jobIdOf(text: string): string | null {
  try {
    return JobMessage.parse(JSON.parse(text)).jobId;
  } catch {
    return null;
  }
}

/** The admins' operations page: who is who, and the messages the workers gave up on. */
export const opsRouter = router({
  /** Every user's id and name, so the page can say whose job a row is. */
  users: adminProcedure.query(({ ctx }) => ctx.db.select({ id: users.id, username: users.username }).from(users).orderBy(users.username)),

  /** The messages in one type's poison queue (up to 32), each with the job it names and that job's status. */
  poisoned: adminProcedure.input(OpsQueueInput).query(async ({ ctx, input }): Promise<PoisonedMessage[]> => {
    const messages = await ctx.queues.peekPoisoned(input.type);
    const ids = [...new Set(messages.map((message) => jobIdOf(message.text)).filter((id): id is string => id !== null))];
    const rows = ids.length ? await ctx.db.select({ id: jobs.id, status: jobs.status }).from(jobs).where(inArray(jobs.id, ids)) : [];
    const statuses = new Map(rows.map((row) => [row.id, row.status]));
    return messages.map((message) => {
      const jobId = jobIdOf(message.text);
      return {
        messageId: message.messageId,
        insertedAt: message.insertedOn?.toISOString() ?? null,
        text: message.text,
        jobId,
        jobStatus: jobId ? (statuses.get(jobId) ?? null) : null,
      };
    });
  }),

  /**
   * Moves a poisoned message back to its queue, and its failed job back to `Queued` (with
   * its event, so every page shows it), for a worker to run afresh. Refused for a message
   * that names no job, or a job that is not failed or was already retried as a new one.
   */
  requeue: adminProcedure.input(RequeuePoisonedInput).mutation(async ({ ctx, input }) => {
    const taken = await ctx.queues.takePoisoned(input.type, input.messageId, TAKE_VISIBILITY_SEC);
    if (!taken) throw new DomainError('NOT_FOUND', 'That message is no longer in the poison queue');
    const jobId = jobIdOf(taken.text);
    if (!jobId) throw new DomainError('CONFLICT', 'That message names no job; it cannot be re-queued');
    const [job] = await ctx.db.select({ type: jobs.type, status: jobs.status, retriedAs: jobs.retriedAs }).from(jobs).where(eq(jobs.id, jobId));
    if (!job || job.type !== input.type) throw new DomainError('CONFLICT', 'That message names no job of this type');
    if (job.retriedAs) throw new DomainError('CONFLICT', `That job was already retried as job ${job.retriedAs.slice(0, 8)}`);
    const event = await ctx.db.transaction(async (tx) => {
      const changed = await recordJobChange(tx, jobId, {
        set: { status: 'Queued', error: null, completedAt: null, startedAt: null, phase: null, progress: 0, message: REQUEUED_MESSAGE },
        event: { kind: 'status', status: 'Queued', message: REQUEUED_MESSAGE },
        onlyIf: ['Failed'],
      });
      if (changed) await wakeJobWorkers(tx, input.type);
      return changed;
    });
    if (!event) throw new DomainError('CONFLICT', `Only a failed job can be re-queued; this one is ${job.status}`);
    // The job is Queued before its message exists, so a worker never drops the message as a finished job's.
    await ctx.queues.send(input.type, { jobId, type: input.type });
    await ctx.queues.deletePoisoned(input.type, taken);
    ctx.log.info({ userId: ctx.user.id, jobId, type: input.type }, 'poisoned job re-queued');
    return { jobId };
  }),
});
