import * as z from 'zod';

/** Every kind of background job Storyline runs; one Azure queue per type. */
export const JobType = z.enum([
  'story-publish',
  'story-version',
  'story-import',
  'story-export',
  'story-fork',
  'story-fork-assets',
  'story-document-export',
  'epic-publish',
  'epic-version',
  'region-version',
  'hero-version',
]);
export type JobType = z.infer<typeof JobType>;

export const JobStatus = z.enum(['Queued', 'Running', 'Completed', 'Failed', 'Superseded', 'Cancelled']);
export type JobStatus = z.infer<typeof JobStatus>;

/** Statuses a job never leaves; a watch stream ends after reporting one. */
export const TERMINAL_STATUSES: readonly JobStatus[] = ['Completed', 'Failed', 'Superseded', 'Cancelled'];

export function isTerminalStatus(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * How the editor learns about a job type's progress. `shadow` follows each job both
 * ways and reports how they differ, to prove push before polling is switched off.
 */
export const Transport = z.enum(['push', 'polling', 'shadow']);
export type Transport = z.infer<typeof Transport>;

export const JobTypeFlag = z.object({ jobType: JobType, transport: Transport });
export type JobTypeFlag = z.infer<typeof JobTypeFlag>;

export const SetJobTypeFlagInput = JobTypeFlag;
export type SetJobTypeFlagInput = z.infer<typeof SetJobTypeFlagInput>;

/** What an editor following a job in shadow mode reports once the job has ended both ways. */
export const ShadowReport = z.object({
  jobId: z.uuid({ message: 'jobId must be a UUID' }),
  jobType: JobType,
  /** How much later polling saw the terminal state than push did (negative: polling first). */
  pollingLagMs: z.number().int().min(-3_600_000).max(3_600_000),
  /** Whether both transports ended in the same status and result. */
  agreed: z.boolean(),
  detail: z.string().max(500).optional(),
});
export type ShadowReport = z.infer<typeof ShadowReport>;
