import * as z from 'zod';
import { JobStatus, JobType, type JobTypeFlag } from './job-type';
import { JobRemedy, RETRYABLE_FAILURE, type JobView } from './job';
import type { Notice } from './notice';
import type { OpsSample } from './ops';

const base = { jobId: z.string(), seq: z.number().int().positive(), at: z.string() };

/** One entry of a job's append-only event log; `seq` orders it within its job. */
export const JobEvent = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('status'), status: JobStatus, message: z.string().nullable() }),
  z.object({ ...base, kind: z.literal('phase'), phase: z.string(), progress: z.number() }),
  z.object({ ...base, kind: z.literal('progress'), progress: z.number(), message: z.string().nullable() }),
  z.object({ ...base, kind: z.literal('warning'), message: z.string() }),
  z.object({ ...base, kind: z.literal('completed'), result: z.record(z.string(), z.unknown()) }),
  /** `retryable` and `remedy` are absent from events written before failures were told apart: those count as retryable. */
  z.object({ ...base, kind: z.literal('failed'), error: z.string(), retryable: z.boolean().optional(), remedy: JobRemedy.nullable().optional() }),
  z.object({ ...base, kind: z.literal('cancelled') }),
  z.object({ ...base, kind: z.literal('superseded'), supersededBy: z.string() }),
]);
export type JobEvent = z.infer<typeof JobEvent>;
export type JobEventKind = JobEvent['kind'];

/** What a watched job's stream (`jobs.watch`) carries: first the job as it stands, then each event. */
export type WatchedJobMessage = { kind: 'snapshot'; job: JobView } | { kind: 'event'; event: JobEvent };

/**
 * What a user stream (`jobs.onMyJobs`) carries: on a fresh start the current
 * state of the jobs concerned and the flags; then each event of those jobs, and the
 * flags again whenever an admin changes one, and notices (an admin's broadcast, or one
 * for this user) as they are sent.
 */
export type UserStreamMessage =
  | { kind: 'snapshot'; jobs: JobView[]; flags: JobTypeFlag[] }
  /**
   * `ownerId`: whose job it is, and `targetId`: what it works on, which events themselves
   * do not say (an admin's user stream carries everyone's; a page picks up a job started
   * elsewhere on what it shows).
   */
  | { kind: 'event'; jobType: JobType; ownerId?: string; targetId?: string; event: JobEvent }
  | { kind: 'flags'; flags: JobTypeFlag[] }
  | { kind: 'notice'; notice: Notice }
  /** Admins' streams only: one API process's figures, every few seconds. */
  | { kind: 'ops'; sample: OpsSample };

const TERMINAL_EVENT_KINDS: readonly JobEventKind[] = ['completed', 'failed', 'cancelled', 'superseded'];

export function isTerminalEvent(event: JobEvent): boolean {
  return TERMINAL_EVENT_KINDS.includes(event.kind);
}

/** Folds one event into a job view, so push and polling end in the same shape. */
export function applyJobEvent(job: JobView, event: JobEvent): JobView {
  if (event.seq <= job.lastSeq) return job;
  const next: JobView = { ...job, lastSeq: event.seq };
  switch (event.kind) {
    case 'status':
      return { ...next, status: event.status, message: event.message ?? job.message };
    case 'phase':
      return { ...next, phase: event.phase, progress: event.progress };
    case 'progress':
      return { ...next, progress: event.progress, message: event.message ?? job.message };
    case 'warning':
      return { ...next, message: event.message };
    // A finished job speaks through its status, result or error, not its last message.
    case 'completed':
      return { ...next, status: 'Completed', progress: 100, result: event.result, message: null, completedAt: event.at };
    case 'failed': {
      const failure = { retryable: event.retryable ?? RETRYABLE_FAILURE.retryable, remedy: event.remedy ?? null };
      return { ...next, status: 'Failed', error: event.error, failure, message: null, completedAt: event.at };
    }
    case 'cancelled':
      return { ...next, status: 'Cancelled', message: null, completedAt: event.at };
    case 'superseded':
      return { ...next, status: 'Superseded', message: supersededMessage(event.supersededBy), completedAt: event.at };
  }
}

/** What a superseded job says, on every path: which newer job replaced it. */
export function supersededMessage(supersededBy: string): string {
  return `Replaced by a newer request (job ${supersededBy.slice(0, 8)})`;
}
