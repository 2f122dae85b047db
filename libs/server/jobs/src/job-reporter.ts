import { eq } from 'drizzle-orm';
import { jobs, type Db, type Tx } from '@storyline/db';
import { recordJobChange, type JobChange } from './record-job-change';

/** Thrown when a job stopped being Running under a handler (cancelled, superseded, taken over). */
export class JobNotRunningError extends Error {
  constructor(jobId: string) {
    super(`Job ${jobId} is no longer running`);
    this.name = 'JobNotRunningError';
  }
}

declare const completion: unique symbol;
/** Proof that a handler completed its job; only {@link JobReporter.complete} makes one. */
export type JobCompletion = { readonly [completion]: true; result: Record<string, unknown> };

/** The only way a job handler tells the world what it is doing. */
export interface JobReporter {
  phase(name: string, progress: number): Promise<void>;
  /**
   * Reports progress; bursts are coalesced to at most one write per `minProgressIntervalMs`,
   * unless `every` says each step must be told (one event per image copied, say).
   */
  progress(percent: number, message?: string, options?: { every?: boolean }): Promise<void>;
  warn(message: string): Promise<void>;
  /**
   * Runs `work` and marks the job Completed with `result` in one transaction, so the
   * job's effect and its completion are never seen apart (a redelivered message then
   * finds the job done instead of doing the work twice).
   */
  complete<R extends Record<string, unknown>>(work: (tx: Tx) => Promise<R>): Promise<JobCompletion>;
}

/**
 * A reporter for one attempt of a job. Every write holds only while the job is Running
 * *this* attempt (its dequeue count): an attempt that outlived its timeout and was
 * taken over can no longer move the job, or complete it, under its successor.
 */
export function createJobReporter(db: Db, jobId: string, attempt: number, minProgressIntervalMs = 100): JobReporter {
  let lastProgressAt = 0;
  const thisAttempt = eq(jobs.dequeueCount, attempt);
  const write = async (change: Omit<JobChange, 'onlyIf'>) => {
    const event = await db.transaction((tx) => recordJobChange(tx, jobId, { ...change, onlyIf: ['Running'], andWhere: thisAttempt }));
    if (!event) throw new JobNotRunningError(jobId);
  };
  const clamp = (percent: number) => Math.max(0, Math.min(100, Math.round(percent)));
  return {
    async phase(name, progress) {
      lastProgressAt = Date.now();
      await write({ set: { phase: name, progress: clamp(progress) }, event: { kind: 'phase', phase: name, progress: clamp(progress) } });
    },
    async progress(percent, message, options) {
      const now = Date.now();
      if (!options?.every && now - lastProgressAt < minProgressIntervalMs) return;
      lastProgressAt = now;
      const set = message === undefined ? { progress: clamp(percent) } : { progress: clamp(percent), message };
      await write({ set, event: { kind: 'progress', progress: clamp(percent), message: message ?? null } });
    },
    async warn(message) {
      await write({ set: { message }, event: { kind: 'warning', message } });
    },
    async complete(work) {
      return db.transaction(async (tx) => {
        const result = await work(tx);
        const event = await recordJobChange(tx, jobId, {
          set: { status: 'Completed', progress: 100, result, completedAt: new Date(), message: null },
          event: { kind: 'completed', result },
          onlyIf: ['Running'],
          andWhere: thisAttempt,
        });
        if (!event) throw new JobNotRunningError(jobId);
        return { result } as JobCompletion;
      });
    },
  };
}
