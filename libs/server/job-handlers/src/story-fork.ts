import { randomUUID } from 'node:crypto';
import { StoryForkPayload, type StoryForkResult } from '@storyline/contracts';
import { media, stories } from '@storyline/db';
import { enqueueJob, insertJob, type JobCompletion, type JobContext } from '@storyline/jobs';
import { mediaBlobName, type FileJobServices } from './file-job-services';
import type { JobTypeDefinition } from './job-type-definition';
import { readStorySource } from './steps/read-story-source';

const FORK_SUFFIX = ' (fork)';

/**
 * `story-fork`: copies a story's draft into a new story owned by the requester. The text
 * is there when this job completes; the images are rows marked `copying`, whose bytes the
 * `story-fork-assets` job (queued in the same transaction) copies one by one.
 */
export const storyForkJob: JobTypeDefinition = { type: 'story-fork', timeoutMs: 5 * 60_000, handler: storyFork };

async function storyFork({ payload, db, report, job }: JobContext, services: FileJobServices): Promise<JobCompletion> {
  const { sourceStoryId, storyId } = StoryForkPayload.parse(payload);
  await report.phase('read', 20);
  const source = await readStorySource(db, sourceStoryId, null);

  await report.phase('copy-text', 60);
  const ids = new Map(source.media.map((row) => [row.id, randomUUID()]));
  const completion = await report.complete(async (tx): Promise<StoryForkResult> => {
    const title = source.title.slice(0, 200 - FORK_SUFFIX.length) + FORK_SUFFIX;
    const pages = source.pages.map((page) => ({ en: page.en, ro: page.ro, media: page.media.map((id) => ids.get(id)!) }));
    await tx.insert(stories).values({ id: storyId, ownerId: job.ownerId, title, pages, forkedFromId: sourceStoryId, forkedFromTitle: source.title });
    if (source.media.length === 0) return { storyId, assetsJobId: null, mediaCount: 0 };
    await tx.insert(media).values(
      source.media.map((row) => {
        const id = ids.get(row.id)!;
        return {
          id,
          storyId,
          blobName: mediaBlobName(storyId, id),
          fileName: row.fileName,
          contentType: row.contentType,
          byteSize: row.byteSize,
          state: 'copying' as const,
          sourceBlobName: row.blobName,
        };
      }),
    );
    const assetsJobId = await insertJob(tx, {
      type: 'story-fork-assets',
      targetId: storyId,
      ownerId: job.ownerId,
      payload: { sourceStoryId, storyId },
      parentJobId: job.id,
    });
    return { storyId, assetsJobId, mediaCount: source.media.length };
  });
  const assetsJobId = completion.result['assetsJobId'];
  if (typeof assetsJobId === 'string') {
    // Unreachable storage fails the assets job with its reason; the user retries it from the editor.
    await enqueueJob({ db, queues: services.queues, log: services.log }, { jobId: assetsJobId, type: 'story-fork-assets' }).catch(() => undefined);
  }
  return completion;
}
