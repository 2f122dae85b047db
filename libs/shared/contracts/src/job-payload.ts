import * as z from 'zod';

/**
 * The message every job queue carries. It names the job only: the job row is the
 * truth, so a message that outlives a schema change still points at current data.
 */
export const JobMessage = z.object({ jobId: z.uuid(), type: z.string() });
export type JobMessage = z.infer<typeof JobMessage>;

export const StoryPublishPayload = z.object({ storyId: z.uuid() });
export type StoryPublishPayload = z.infer<typeof StoryPublishPayload>;

export const StoryPublishResult = z.object({ version: z.number().int().positive() });
export type StoryPublishResult = z.infer<typeof StoryPublishResult>;
