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

/** How the editor learns about a job type's progress. */
export const Transport = z.enum(['push', 'polling']);
export type Transport = z.infer<typeof Transport>;

export const JobTypeFlag = z.object({ jobType: JobType, transport: Transport });
export type JobTypeFlag = z.infer<typeof JobTypeFlag>;

export const SetJobTypeFlagInput = JobTypeFlag;
export type SetJobTypeFlagInput = z.infer<typeof SetJobTypeFlagInput>;
