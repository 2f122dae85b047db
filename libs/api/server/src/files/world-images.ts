import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { and, eq } from 'drizzle-orm';
import { WorldItemId, WorldVersionNumber, type WorldImageUploaded, type WorldKind } from '@storyline/contracts';
import { worldTables } from '@storyline/db';
import { BlobMissingError, BlobTooLargeError } from '@storyline/storage';
import { MediaTypeError, sniffMedia } from '@storyline/story-archive';
import { type Context, ownWorldItem, readWorldItem, toWorldImage, WORLD_KIND_NAMES } from '@storyline/api-router';
import { FileRequestError, sendJson } from './file-error';
import { requireUser } from './media-files';
import { formatLimit, receiveFile } from './receive-file';

/** The kind of world item a `/files/<area>/…` path names, or null for another area. */
export function worldKindOf(area: string | undefined): WorldKind | null {
  if (area === WORLD_KIND_NAMES.region.area) return 'region';
  if (area === WORLD_KIND_NAMES.hero.area) return 'hero';
  return null;
}

function parseId(kind: WorldKind, rawId: string): string {
  const id = WorldItemId.safeParse(rawId);
  if (!id.success) throw new FileRequestError(404, 'NOT_FOUND', `This ${WORLD_KIND_NAMES[kind].label} does not exist`);
  return id.data;
}

/**
 * `POST /files/regions/<id>/image` (or `/heroes/`): the one image of a region or hero,
 * checked by its bytes (PNG or JPEG) and streamed into the media container. Only the
 * owner may set it. The image it replaces is deleted unless a version still shows it.
 */
export async function uploadWorldImage(ctx: Context, kind: WorldKind, req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> {
  const user = requireUser(ctx);
  const { items, versions, versionParent } = worldTables[kind];
  const id = parseId(kind, rawId);
  await ownWorldItem(ctx.db, user, kind, id);

  const file = await receiveFile(req, ctx.files.mediaMaxBytes);
  const sniffed = await sniffMedia(file.content).catch((error: unknown) => {
    file.content.destroy();
    if (error instanceof MediaTypeError) throw new FileRequestError(415, 'NOT_AN_IMAGE', `${file.fileName} is not a PNG or JPEG image`);
    throw error;
  });
  const blobName = `${WORLD_KIND_NAMES[kind].area}/${id}/${randomUUID()}`;
  const { byteSize } = await ctx.blobs
    .upload('media', blobName, sniffed.content, { contentType: sniffed.contentType, maxBytes: ctx.files.mediaMaxBytes, blockBytes: 1024 * 1024 })
    .catch((error: unknown) => {
      if (error instanceof BlobTooLargeError) {
        throw new FileRequestError(413, 'TOO_LARGE', `${file.fileName} is larger than ${formatLimit(ctx.files.mediaMaxBytes)}, the most an image may be`);
      }
      throw error;
    });
  const swapped = await ctx.db
    .transaction(async (tx) => {
      // The row lock orders this swap against a version job snapshotting the old image.
      const [before] = await tx.select({ imageBlobName: items.imageBlobName }).from(items).where(eq(items.id, id)).for('update');
      if (!before) return null;
      const [row] = await tx
        .update(items)
        .set({ imageBlobName: blobName, imageContentType: sniffed.contentType, imageByteSize: byteSize, updatedAt: new Date() })
        .where(eq(items.id, id))
        .returning();
      const old = before.imageBlobName;
      const kept = old ? (await tx.select({ id: versions.id }).from(versions).where(and(eq(versionParent, id), eq(versions.imageBlobName, old))).limit(1)).length > 0 : true;
      return { row, released: kept ? null : old };
    })
    .catch(async (error: unknown) => {
      await ctx.blobs.delete('media', blobName).catch(() => undefined);
      throw error;
    });
  if (!swapped) {
    await ctx.blobs.delete('media', blobName).catch(() => undefined);
    throw new FileRequestError(404, 'NOT_FOUND', `This ${WORLD_KIND_NAMES[kind].label} does not exist`);
  }
  if (swapped.released) await ctx.blobs.delete('media', swapped.released).catch(() => undefined);
  ctx.log.info({ kind, id, byteSize }, 'world image uploaded');
  const body: WorldImageUploaded = { image: toWorldImage(kind, id, swapped.row)! };
  sendJson(res, 201, body);
}

/** `GET /files/regions/<id>/image[?version=N]`: the current image, or a version's, to the owner and admins. */
export async function serveWorldImage(ctx: Context, kind: WorldKind, res: ServerResponse, rawId: string, url: URL): Promise<void> {
  const user = requireUser(ctx);
  const { versions, versionParent } = worldTables[kind];
  const { label } = WORLD_KIND_NAMES[kind];
  const id = parseId(kind, rawId);
  let image = await readWorldItem(ctx.db, user, kind, id);
  const asked = url.searchParams.get('version');
  if (asked !== null) {
    const version = WorldVersionNumber.safeParse(asked);
    if (!version.success) throw new FileRequestError(400, 'BAD_REQUEST', 'version must be a positive whole number');
    const [row] = await ctx.db.select().from(versions).where(and(eq(versionParent, id), eq(versions.version, version.data)));
    if (!row) throw new FileRequestError(404, 'NOT_FOUND', `Version ${version.data} of this ${label} does not exist`);
    image = { ...image, ...row };
  }
  if (!image.imageBlobName || !image.imageContentType) throw new FileRequestError(404, 'NOT_FOUND', `This ${label} has no image`);
  const content = await ctx.blobs.read('media', image.imageBlobName).catch((error: unknown) => {
    if (error instanceof BlobMissingError) throw new FileRequestError(404, 'NOT_FOUND', 'This image’s file is missing from storage');
    throw error;
  });
  res.writeHead(200, {
    'content-type': image.imageContentType,
    ...(image.imageByteSize === null ? {} : { 'content-length': String(image.imageByteSize) }),
    // The current image changes on upload; a version's never does.
    'cache-control': asked === null ? 'private, no-cache' : 'private, max-age=86400, immutable',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
  });
  await pipeline(content, res).catch(() => res.destroy());
}
