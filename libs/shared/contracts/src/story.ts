import * as z from 'zod';
import { MediaId, MediaView, MEDIA_PER_PAGE_MAX } from './media';
import { DraftRevision } from './draft-revision';
import { storable } from './storable-text';

export const StoryId = z.uuid({ message: 'storyId must be a UUID' });

/** The message for page text that is missing or not a string. */
function pageTextError(language: string) {
  return (issue: { input?: unknown }) => {
    if (issue.input === undefined) return `the ${language} text is missing`;
    const found = issue.input === null ? 'null' : Array.isArray(issue.input) ? 'a list' : `a ${typeof issue.input}`;
    return `the ${language} text must be text, not ${found}`;
  };
}

/** One page of a story, written in every language the platform publishes. */
export const StoryPage = z.object({
  en: storable(z.string({ error: pageTextError('English') }).max(20_000, 'a page holds at most 20,000 characters')),
  ro: storable(z.string({ error: pageTextError('Romanian') }).max(20_000, 'a page holds at most 20,000 characters')),
  /** The page's images in the order shown, by media id (each belongs to the story). */
  media: z.array(MediaId).max(MEDIA_PER_PAGE_MAX, `a page holds at most ${MEDIA_PER_PAGE_MAX} images`).default([]),
});
export type StoryPage = z.infer<typeof StoryPage>;
/** A page as a client may send it: `media` may be left out (no images). */
export type StoryPageInput = z.input<typeof StoryPage>;

export const StoryTitle = storable(z.string({ error: (issue) => (issue.input === undefined ? 'the title is required' : 'the title must be text') }).trim().min(1, 'the title is required').max(200, 'the title is at most 200 characters'));

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
  media: z.array(MediaView),
  /** The story this one was forked from, if any (its title as it was at the fork). */
  forkedFrom: z.object({ storyId: z.string(), title: z.string() }).nullable(),
  /** The published version the draft was last opened from or published as; null if neither happened. */
  baseVersion: z.number().int().nullable(),
  /** Whether the draft differs from the version it is based on (see {@link draftDiffers}). */
  hasUnpublishedChanges: z.boolean(),
  /** Counts every change to the draft; a save names it (see {@link DraftRevision}). */
  revision: z.number().int(),
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
  /** The revision this draft was based on. */
  revision: DraftRevision,
});
export type SaveDraftInput = z.infer<typeof SaveDraftInput>;

export const PublishStoryInput = z.object({ storyId: StoryId });
export type PublishStoryInput = z.infer<typeof PublishStoryInput>;

/** Export the draft (`version` null or absent) or a published version. */
export const ExportStoryInput = z.object({
  storyId: StoryId,
  version: z.number().int().positive('version must be a positive whole number').nullish(),
});
export type ExportStoryInput = z.infer<typeof ExportStoryInput>;

export const ExportDocumentInput = ExportStoryInput.extend({
  language: z.enum(['en', 'ro'], { message: 'language must be en or ro' }),
});
export type ExportDocumentInput = z.infer<typeof ExportDocumentInput>;

export const ForkStoryInput = z.object({ storyId: StoryId });
export type ForkStoryInput = z.infer<typeof ForkStoryInput>;

/** Open a published version as the new draft; `discardChanges` confirms losing unpublished edits. */
export const OpenVersionInput = z.object({
  storyId: StoryId,
  version: z.number().int('version must be a whole number').positive('version must be a positive whole number'),
  discardChanges: z.boolean().optional(),
});
export type OpenVersionInput = z.infer<typeof OpenVersionInput>;

/** Why a version is not opened over a draft whose edits the user has not agreed to lose. */
export const UNPUBLISHED_CHANGES_MESSAGE = 'The draft has changes that are not published; confirm to discard them';

/** The parts of a draft or a version that publishing snapshots: its title and pages. */
export interface StoryContent {
  title: string;
  pages: readonly StoryPageInput[];
}

const pageKey = (page: StoryPageInput) => JSON.stringify([page.en, page.ro, page.media ?? []]);

/**
 * Whether `draft` holds changes that `base` (the version it is based on) does not. With
 * no base (never published, never opened from a version) any page text or image counts.
 */
export function draftDiffers(draft: StoryContent, base: StoryContent | null): boolean {
  if (!base) return draft.pages.some((page) => page.en.trim() !== '' || page.ro.trim() !== '' || (page.media ?? []).length > 0);
  if (draft.title !== base.title || draft.pages.length !== base.pages.length) return true;
  return draft.pages.some((page, index) => pageKey(page) !== pageKey(base.pages[index]));
}

export const StoryVersionSummary = z.object({ version: z.number().int(), title: z.string(), publishedAt: z.string() });
export type StoryVersionSummary = z.infer<typeof StoryVersionSummary>;
