import { and, eq, inArray } from 'drizzle-orm';
import { jobs, type Db } from '@storyline/db';
import { JobCancelledError } from '../cancel-job';

/** The running jobs of one worker process, each with the controller that cancels its handler. */
export interface JobCancellers {
  /** Registers a message's job; its signal aborts with a {@link JobCancelledError} on cancel. `done()` forgets it. */
  add(jobId: string): { signal: AbortSignal; done(): void };
  /** Aborts every handler of `jobId` in this process (a duplicate message may share the id). */
  abort(jobId: string): void;
  /** Aborts each registered job that the database says is Cancelled (after a missed NOTIFY). */
  abortCancelled(db: Db): Promise<void>;
}

export function createJobCancellers(): JobCancellers {
  const entries = new Set<{ jobId: string; controller: AbortController }>();
  const abort = (jobId: string) => {
    for (const entry of entries) if (entry.jobId === jobId) entry.controller.abort(new JobCancelledError(jobId));
  };
  return {
    add(jobId) {
      const entry = { jobId, controller: new AbortController() };
      entries.add(entry);
      return { signal: entry.controller.signal, done: () => entries.delete(entry) };
    },
    abort,
    async abortCancelled(db) {
      const ids = [...new Set([...entries].map((entry) => entry.jobId))];
      if (ids.length === 0) return;
      const rows = await db.select({ id: jobs.id }).from(jobs).where(and(inArray(jobs.id, ids), eq(jobs.status, 'Cancelled')));
      for (const { id } of rows) abort(id);
    },
  };
}
