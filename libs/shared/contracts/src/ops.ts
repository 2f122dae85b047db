import * as z from 'zod';
import { JobType } from './job-type';

/** One queue's figures: messages waiting, and messages moved aside as unprocessable. */
export const OpsQueueFigures = z.object({ type: JobType, depth: z.number(), poisoned: z.number() });
export type OpsQueueFigures = z.infer<typeof OpsQueueFigures>;

/**
 * What one API process measured over its last sampling interval: the figures `/metrics`
 * exposes, as deltas where they are counters. Small on purpose (well under Postgres's
 * 8000-byte NOTIFY limit): it travels as one `pg_notify('ops_sample', …)` to every process.
 */
export const OpsSample = z.object({
  /** `hostname:pid` of the process that measured. */
  process: z.string(),
  at: z.string(),
  intervalSec: z.number(),
  streams: z.object({ feed: z.number(), job: z.number() }),
  /** Job events sent on streams per second, over the interval. */
  eventsPerSec: z.number(),
  /** Notification latency over the interval, in milliseconds; null when nothing was sent. */
  latencyMs: z.object({ p50: z.number().nullable(), p99: z.number().nullable() }),
  /** Absent when this process did not read the queues (no admin watching on it). */
  queues: z.array(OpsQueueFigures).optional(),
});
export type OpsSample = z.infer<typeof OpsSample>;

export const OpsQueueInput = z.object({ type: JobType });
export type OpsQueueInput = z.infer<typeof OpsQueueInput>;

export const RequeuePoisonedInput = z.object({ type: JobType, messageId: z.string().min(1) });
export type RequeuePoisonedInput = z.infer<typeof RequeuePoisonedInput>;

/** A message in a poison queue, as an admin looks at it. */
export interface PoisonedMessage {
  messageId: string;
  insertedAt: string | null;
  /** The raw text, as the queue holds it. */
  text: string;
  /** The job it names, when the text is a valid job message. */
  jobId: string | null;
  /** That job's status now; null when the text names no job or the job is gone. */
  jobStatus: string | null;
}
