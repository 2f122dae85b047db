import * as z from 'zod';

export const MediaId = z.uuid({ message: 'mediaId must be a UUID' });

/**
 * The image types a page may hold, checked by content (magic bytes), never by name.
 * PNG and JPEG only: they are what every browser shows and what a PDF embeds as is.
 */
export const MediaContentType = z.enum(['image/png', 'image/jpeg']);
export type MediaContentType = z.infer<typeof MediaContentType>;

/** File name extension each media type is stored and archived under. */
export const MEDIA_EXTENSIONS: Record<MediaContentType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg' };

/** At most this many images on one page, and in one story. */
export const MEDIA_PER_PAGE_MAX = 12;
export const MEDIA_PER_STORY_MAX = 200;

/**
 * `copying` while a fork's assets job has not yet copied the blob; `ready` once the
 * bytes are in place and the image can be read.
 */
export const MediaState = z.enum(['ready', 'copying']);
export type MediaState = z.infer<typeof MediaState>;

/** One image of a story as the editor sees it; `url` serves its bytes to the owner and admins. */
export const MediaView = z.object({
  id: z.string(),
  storyId: z.string(),
  fileName: z.string(),
  contentType: MediaContentType,
  byteSize: z.number().int().nonnegative(),
  state: MediaState,
  url: z.string(),
  createdAt: z.string(),
});
export type MediaView = z.infer<typeof MediaView>;

/** The answer of `POST /files/media?storyId=…` (multipart, one `file` field). */
export const MediaUploaded = z.object({ media: MediaView });
export type MediaUploaded = z.infer<typeof MediaUploaded>;

/** The body of every refused `/files/…` request. */
export const FileError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type FileError = z.infer<typeof FileError>;

export const ListMediaInput = z.object({ storyId: z.uuid({ message: 'storyId must be a UUID' }) });
export type ListMediaInput = z.infer<typeof ListMediaInput>;
