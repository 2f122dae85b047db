import { and, asc, eq } from 'drizzle-orm';
import { StoryForkAssetsPayload, type StoryForkAssetsResult } from '@storyline/contracts';
import { media } from '@storyline/db';
import { JobInputError, type JobCompletion, type JobContext } from '@storyline/jobs';
import type { FileJobServices } from './file-job-services';
import type { JobTypeDefinition } from './job-type-definition';

/**
 * `story-fork-assets`: copies the images of a fork inside blob storage (the bytes never
 * pass through the worker), marking each `ready` as it lands, so the editor fills them in
 * one by one. A re-run skips the images already copied.
 */
export const storyForkAssetsJob: JobTypeDefinition = { type: 'story-fork-assets', timeoutMs: 15 * 60_000, handler: storyForkAssets };

async function storyForkAssets({ payload, db, report, signal }: JobContext, services: FileJobServices): Promise<JobCompletion> {
  const { storyId } = StoryForkAssetsPayload.parse(payload);
  const rows = await db.select().from(media).where(eq(media.storyId, storyId)).orderBy(asc(media.createdAt), asc(media.id));
  const pending = rows.filter((row) => row.state === 'copying');
  const total = rows.length;
  let copied = total - pending.length;
  await report.phase('copy', Math.round((100 * copied) / Math.max(1, total)));
  for (const row of pending) {
    signal.throwIfAborted();
    if (!row.sourceBlobName) throw new JobInputError(`The image ${row.fileName} has no source to copy from.`);
    await services.blobs.copy({ container: 'media', name: row.sourceBlobName }, { container: 'media', name: row.blobName }, signal);
    await db
      .update(media)
      .set({ state: 'ready' })
      .where(and(eq(media.id, row.id), eq(media.state, 'copying')));
    copied += 1;
    // Each image is told: the editor fills it in when its event arrives.
    await report.progress(Math.round((99 * copied) / total), `Copied ${copied} of ${total} images`, { every: true });
  }
  return report.complete(async (): Promise<StoryForkAssetsResult> => ({ storyId, assetsCopied: copied }));
}
