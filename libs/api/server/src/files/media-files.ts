import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { count, eq } from 'drizzle-orm';
import { DomainError, MEDIA_PER_STORY_MAX, MediaId, StoryId, type MediaUploaded } from '@storyline/contracts';
import { media, stories } from '@storyline/db';
import { BlobMissingError, BlobTooLargeError } from '@storyline/storage';
import { MediaTypeError, sniffMedia } from '@storyline/story-archive';
import { type Context, ownStory, readStory, toMediaView } from '@storyline/api-router';
import { FileRequestError, sendJson } from './file-error';
import { formatLimit, receiveFile } from './receive-file';

const tooMany = () =>
  new FileRequestError(409, 'TOO_MANY', `This story already holds ${MEDIA_PER_STORY_MAX} images, the most it may; delete one it no longer shows before adding another`);

/**
 * `POST /files/media?storyId=…`: one image, checked by its bytes (PNG or JPEG), streamed
 * into blob storage and recorded as the story's. Only the story's owner may add images.
 */
export async function uploadMedia(ctx: Context, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const user = requireUser(ctx);
  const storyId = StoryId.safeParse(url.searchParams.get('storyId'));
  if (!storyId.success) throw new FileRequestError(400, 'BAD_REQUEST', 'storyId must be a UUID');
  await ownStory(ctx.db, user, storyId.data);
  const [{ held }] = await ctx.db.select({ held: count() }).from(media).where(eq(media.storyId, storyId.data));
  if (held >= MEDIA_PER_STORY_MAX) throw tooMany();

  const file = await receiveFile(req, ctx.files.mediaMaxBytes);
  const sniffed = await sniffMedia(file.content).catch((error: unknown) => {
    file.content.destroy();
    if (error instanceof MediaTypeError) throw new FileRequestError(415, 'NOT_AN_IMAGE', `${file.fileName} is not a PNG or JPEG image`);
    throw error;
  });
  const id = randomUUID();
  const blobName = `${storyId.data}/${id}`;
  const { byteSize } = await ctx.blobs
    .upload('media', blobName, sniffed.content, {
      contentType: sniffed.contentType,
      maxBytes: ctx.files.mediaMaxBytes,
      // Images are small: 1 MiB blocks keep each upload's buffers at 2 MiB.
      blockBytes: 1024 * 1024,
    })
    .catch((error: unknown) => {
      if (error instanceof BlobTooLargeError) {
        throw new FileRequestError(413, 'TOO_LARGE', `${file.fileName} is larger than ${formatLimit(ctx.files.mediaMaxBytes)}, the most an image may be`);
      }
      throw error;
    });
  const row = await ctx.db.transaction(async (tx) => {
    // The story row lock makes the count and the insert one step for concurrent uploads.
    await tx.select({ id: stories.id }).from(stories).where(eq(stories.id, storyId.data)).for('update');
    const [{ now }] = await tx.select({ now: count() }).from(media).where(eq(media.storyId, storyId.data));
    if (now >= MEDIA_PER_STORY_MAX) return null;
    const [inserted] = await tx
      .insert(media)
      .values({ id, storyId: storyId.data, blobName, fileName: file.fileName, contentType: sniffed.contentType, byteSize })
      .returning();
    return inserted;
  }).catch(async (error: unknown) => {
    // Nothing records the blob yet: without its row it would never be found again.
    await ctx.blobs.delete('media', blobName).catch(() => undefined);
    throw error;
  });
  if (!row) {
    await ctx.blobs.delete('media', blobName);
    throw tooMany();
  }
  ctx.log.info({ storyId: storyId.data, mediaId: id, byteSize }, 'media uploaded');
  const body: MediaUploaded = { media: toMediaView(row) };
  sendJson(res, 201, body);
}

/** `GET /files/media/<id>`: an image's bytes, to its story's owner and admins only. */
export async function serveMedia(ctx: Context, res: ServerResponse, rawId: string): Promise<void> {
  const user = requireUser(ctx);
  const id = MediaId.safeParse(rawId);
  if (!id.success) throw new FileRequestError(404, 'NOT_FOUND', 'This image does not exist');
  const [row] = await ctx.db.select().from(media).where(eq(media.id, id.data));
  if (!row) throw new FileRequestError(404, 'NOT_FOUND', 'This image does not exist');
  await readStory(ctx.db, user, row.storyId);
  if (row.state !== 'ready') throw new FileRequestError(409, 'NOT_READY', 'This image is still being copied');
  const content = await ctx.blobs.read('media', row.blobName).catch((error: unknown) => {
    if (error instanceof BlobMissingError) throw new FileRequestError(404, 'NOT_FOUND', 'This image’s file is missing from storage');
    throw error;
  });
  res.writeHead(200, {
    'content-type': row.contentType,
    'content-length': String(row.byteSize),
    // An id's bytes never change; only this user's browser may keep them.
    'cache-control': 'private, max-age=86400, immutable',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
  });
  await pipeline(content, res).catch(() => res.destroy());
}

export function requireUser(ctx: Context) {
  if (!ctx.user) throw new FileRequestError(401, 'UNAUTHORIZED', 'Please log in');
  return ctx.user;
}

/** The HTTP answer for a domain refusal met on a file route. */
export function fileErrorOf(error: DomainError): FileRequestError {
  const status = { NOT_FOUND: 404, FORBIDDEN: 403, UNAUTHORIZED: 401, CONFLICT: 409, INVALID: 400, UNAVAILABLE: 503 }[error.code];
  return new FileRequestError(status, error.code, error.message);
}
