import * as z from 'zod';

export const StoryId = z.uuid({ message: 'storyId must be a UUID' });

/** One page of a story, written in every language the platform publishes. */
export const StoryPage = z.object({
  en: z.string().max(20_000, 'a page holds at most 20,000 characters'),
  ro: z.string().max(20_000, 'a page holds at most 20,000 characters'),
});
export type StoryPage = z.infer<typeof StoryPage>;

export const StoryTitle = z.string().trim().min(1, 'the title is required').max(200, 'the title is at most 200 characters');

export const StorySummary = z.object({
  id: z.string(),
  title: z.string(),
  publishedVersion: z.number().int().nullable(),
  updatedAt: z.string(),
});
export type StorySummary = z.infer<typeof StorySummary>;

export const StoryDetail = StorySummary.extend({
  pages: z.array(StoryPage),
  ownerId: z.string(),
});
export type StoryDetail = z.infer<typeof StoryDetail>;

export const CreateStoryInput = z.object({ title: StoryTitle });
export type CreateStoryInput = z.infer<typeof CreateStoryInput>;

export const GetStoryInput = z.object({ storyId: StoryId });
export type GetStoryInput = z.infer<typeof GetStoryInput>;

export const SaveDraftInput = z.object({
  storyId: StoryId,
  title: StoryTitle,
  pages: z.array(StoryPage).max(500, 'a story holds at most 500 pages'),
});
export type SaveDraftInput = z.infer<typeof SaveDraftInput>;

export const PublishStoryInput = z.object({ storyId: StoryId });
export type PublishStoryInput = z.infer<typeof PublishStoryInput>;
