import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { and, eq, isNull } from 'drizzle-orm';
import { StoryImportPayload, type StoryImportResult } from '@storyline/contracts';
import { media, stories, uploads } from '@storyline/db';
import { JobInputError, type JobCompletion, type JobContext } from '@storyline/jobs';
import { ArchiveError, readStoryArchive } from '@storyline/story-archive';
import { mediaBlobName, type FileJobServices } from './file-job-services';
import type { JobTypeDefinition } from './job-type-definition';

/**
 * `story-import`: creates a new draft story from an uploaded ZIP, all or nothing: the
 * images go to blob storage first, under the new story's folder; the story and its media
 * rows are written in the transaction that completes the job. A refused archive fails the
 * job at once (no retry cures it), and everything it had stored is deleted.
 */
export const storyImportJob: JobTypeDefinition = { type: 'story-import', timeoutMs: 15 * 60_000, handler: storyImport };

async function storyImport({ payload, db, report, job, signal, attempt }: JobContext, services: FileJobServices): Promise<JobCompletion> {
  const { uploadId, storyId } = StoryImportPayload.parse(payload);
  const [upload] = await db.select().from(uploads).where(eq(uploads.id, uploadId));
  if (!upload || upload.deletedAt) throw new JobInputError('The uploaded file is no longer kept; upload it again.', { remedy: { action: 'choose-another-file', page: null } });

  // An earlier attempt that died mid-way may have left images; the story does not exist yet, so none are in use.
  await removeBlobsUnder(services, `${storyId}/`);
  await mkdir(services.scratchDir, { recursive: true });
  // One file per attempt: a timed-out attempt still winding down never shares it with the
  // next. Earlier attempts' files are removed (an open one stays readable to its reader).
  const zipPath = join(services.scratchDir, `${job.id}-${attempt}.zip`);
  for (let earlier = 1; earlier < attempt; earlier += 1) await rm(join(services.scratchDir, `${job.id}-${earlier}.zip`), { force: true });
  const stored: string[] = [];
  try {
    await report.phase('download', 5);
    await downloadTo(services, upload.blobName, zipPath, signal, (bytes) =>
      report.progress(5 + Math.round((15 * bytes) / Math.max(1, upload.byteSize)), `Read ${formatBytes(bytes)} of ${formatBytes(upload.byteSize)}`),
    );

    await report.phase('unpack', 20);
    const ids = new Map<string, string>();
    const rows: (typeof media.$inferInsert)[] = [];
    const archive = await readStoryArchive(zipPath, {
      limits: services.archiveLimits,
      signal,
      onProgress: (done, total) => report.progress(20 + Math.round((75 * done) / Math.max(1, total)), `Stored ${done} of ${total} images`),
      onMedia: async (entry, content) => {
        const id = randomUUID();
        const blobName = mediaBlobName(storyId, id);
        stored.push(blobName);
        const { byteSize } = await services.blobs.upload('media', blobName, content, { contentType: entry.contentType, signal });
        ids.set(entry.id, id);
        rows.push({ id, storyId, blobName, fileName: entry.fileName, contentType: entry.contentType, byteSize });
      },
    });

    await report.phase('finalise', 96);
    const completion = await report.complete(async (tx): Promise<StoryImportResult> => {
      const pages = archive.pages.map((page) => ({ en: page.en, ro: page.ro, media: page.media.map((id) => ids.get(id)!) }));
      await tx.insert(stories).values({ id: storyId, ownerId: job.ownerId, title: archive.title, pages });
      if (rows.length > 0) await tx.insert(media).values(rows);
      // Two imports of one upload (a retry clicked twice) make one story: the second finds the upload taken.
      const [taken] = await tx
        .update(uploads)
        .set({ deletedAt: new Date() })
        .where(and(eq(uploads.id, uploadId), isNull(uploads.deletedAt)))
        .returning({ id: uploads.id });
      if (!taken) throw new JobInputError('This file was already imported; upload it again to import it once more.', { remedy: { action: 'choose-another-file', page: null } });
      return { storyId, title: archive.title, pageCount: pages.length, mediaCount: rows.length };
    });
    await services.blobs.delete('uploads', upload.blobName).catch((error: unknown) => services.log.warn({ err: error }, 'could not delete an imported upload'));
    return completion;
  } catch (error) {
    await Promise.allSettled(stored.map((name) => services.blobs.delete('media', name)));
    // The file itself is at fault: the same file fails the same way, another one may not.
    if (error instanceof ArchiveError) throw new JobInputError(error.message, { remedy: { action: 'choose-another-file', page: null } });
    throw error;
  } finally {
    await rm(zipPath, { force: true });
  }
}

async function downloadTo(services: FileJobServices, blobName: string, path: string, signal: AbortSignal, onBytes: (bytes: number) => Promise<void>) {
  const content = await services.blobs.read('uploads', blobName, signal);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      onBytes(bytes).then(() => done(null, chunk), done);
    },
  });
  await pipeline(content, counter, createWriteStream(path), { signal });
}

async function removeBlobsUnder(services: FileJobServices, prefix: string): Promise<void> {
  for await (const name of services.blobs.list('media', prefix)) await services.blobs.delete('media', name);
}

function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
