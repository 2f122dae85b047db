import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { uploads } from '@storyline/db';
import { startJob } from '@storyline/jobs';
import { BlobTooLargeError } from '@storyline/storage';
import type { Context } from '@storyline/api-router';
import { FileRequestError, sendJson } from './file-error';
import { requireUser } from './media-files';
import { formatLimit, receiveFile } from './receive-file';

const ZIP_SIGNATURES = [Buffer.from('PK\u0003\u0004'), Buffer.from('PK\u0005\u0006')];

/**
 * `POST /files/imports`: a story ZIP, streamed into blob storage, then a `story-import`
 * job that reads it. The archive's contents are the worker's to judge; here only its
 * size and its first bytes (a ZIP signature) are checked.
 */
export async function uploadImport(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const user = requireUser(ctx);
  const file = await receiveFile(req, ctx.files.importMaxBytes);
  const uploadId = randomUUID();
  const blobName = `${user.id}/${uploadId}.zip`;
  const checked = checkZipSignature(file.content);
  // The upload below sees any failure of the received bytes through `checked`.
  void pipeline(file.content, checked).catch(() => undefined);
  const { byteSize } = await ctx.blobs
    .upload('uploads', blobName, checked, {
      contentType: 'application/zip',
      maxBytes: ctx.files.importMaxBytes,
    })
    .catch((error: unknown) => {
      if (error instanceof BlobTooLargeError) {
        throw new FileRequestError(413, 'TOO_LARGE', `${file.fileName} is larger than ${formatLimit(ctx.files.importMaxBytes)}, the most an import may be`);
      }
      throw error;
    });
  await ctx.db
    .insert(uploads)
    .values({ id: uploadId, ownerId: user.id, blobName, fileName: file.fileName, byteSize, expiresAt: new Date(Date.now() + ctx.files.uploadRetentionMs) })
    .catch(async (error: unknown) => {
      // Without its row, retention would never find the blob.
      await ctx.blobs.delete('uploads', blobName).catch(() => undefined);
      throw error;
    });
  const storyId = randomUUID();
  const started = await startJob(ctx, {
    type: 'story-import',
    targetId: storyId,
    ownerId: user.id,
    payload: { uploadId, storyId, fileName: file.fileName },
  });
  sendJson(res, 202, started);
}

/** Passes the bytes on once the first four are a ZIP signature; anything else is refused at once. */
function checkZipSignature(source: Readable): Transform {
  let head = Buffer.alloc(0);
  let checked = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (checked) return done(null, chunk);
      head = Buffer.concat([head, chunk]);
      if (head.length < 4) return done();
      checked = true;
      if (!ZIP_SIGNATURES.some((signature) => head.subarray(0, 4).equals(signature))) {
        source.destroy();
        return done(new FileRequestError(415, 'NOT_A_ZIP', 'This file is not a ZIP archive; export a story from Storyline to get one'));
      }
      done(null, head);
    },
    flush(done) {
      if (!checked) return done(new FileRequestError(415, 'NOT_A_ZIP', 'This file is not a ZIP archive; export a story from Storyline to get one'));
      done();
    },
  });
}
