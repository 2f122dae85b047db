import * as z from 'zod';
import { MediaContentType } from './media';
import { storable } from './storable-text';
import { StoryPage, StoryTitle } from './story';

/** The version of `story.json`'s shape; an importer refuses versions it does not know. */
export const STORY_ARCHIVE_SCHEMA_VERSION = 1;

/** The languages every story is written in, in the order archives and documents list them. */
export const StoryLanguage = z.enum(['en', 'ro']);
export type StoryLanguage = z.infer<typeof StoryLanguage>;
export const STORY_LANGUAGES = StoryLanguage.options;

/** An archive-local media name: `media/<id>.<png|jpg>`, nothing else. */
export const ArchiveMediaPath = z
  .string()
  .regex(/^media\/[A-Za-z0-9_-]{1,64}\.(png|jpg)$/, 'a media file must be named media/<id>.png or media/<id>.jpg');

export const ArchiveMedia = z.object({
  /** The id pages use to refer to this image inside the archive. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a media id holds 1–64 letters, digits, - or _'),
  file: ArchiveMediaPath,
  contentType: MediaContentType,
  byteSize: z.number().int().nonnegative(),
  /** The name the image had when it was uploaded. */
  fileName: storable(z.string().min(1).max(255)),
});
export type ArchiveMedia = z.infer<typeof ArchiveMedia>;

/** A page as a story has it, but naming its images by archive id. */
const ArchivePage = StoryPage.pick({ en: true, ro: true }).extend({
  media: z.array(z.string()).max(12, 'a page holds at most 12 images').default([]),
});

/**
 * `story.json`, the heart of an exported story ZIP: the text in every language, and
 * the list of media files beside it. Pages name media by their archive id.
 */
export const StoryArchive = z
  .object({
    schemaVersion: z.literal(STORY_ARCHIVE_SCHEMA_VERSION, { message: `schemaVersion must be ${STORY_ARCHIVE_SCHEMA_VERSION}` }),
    title: StoryTitle,
    languages: z.array(StoryLanguage).min(1),
    pages: z.array(ArchivePage).min(1, 'a story needs at least one page').max(500, 'a story holds at most 500 pages'),
    media: z.array(ArchiveMedia).max(200, 'a story holds at most 200 images').default([]),
    exportedAt: z.string().optional(),
    source: z.object({ storyId: z.string(), version: z.number().int().positive().nullable() }).optional(),
  })
  .superRefine((archive, ctx) => {
    const ids = new Set<string>();
    archive.media.forEach((media, index) => {
      if (ids.has(media.id)) ctx.addIssue({ code: 'custom', path: ['media', index, 'id'], message: `media id ${media.id} is listed twice` });
      ids.add(media.id);
    });
    archive.pages.forEach((page, index) => {
      for (const id of page.media) {
        if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['pages', index, 'media'], message: `page ${index + 1} names media ${id}, which the media list lacks` });
      }
    });
  });
export type StoryArchive = z.infer<typeof StoryArchive>;
