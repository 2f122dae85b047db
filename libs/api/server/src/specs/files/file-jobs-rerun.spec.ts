import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobType } from '@storyline/contracts';
import { createJobDefinitions } from '@storyline/job-handlers';
import type { JobDefinition, JobWorker } from '@storyline/jobs';
import { buildRawZip, manifestBytes, mediaFor, storyWith } from '@storyline/story-archive/testing';
import { eventually } from '../../../../../../tools/testing/eventually';
import { blobsUnder } from '../../testing/blobs-under';
import { crashedAttempt } from '../../testing/crashed-attempt';
import { downloadArtifact, fetchImage } from '../../testing/download-artifact';
import { draftIllustratedStory } from '../../testing/draft-illustrated-story';
import { jobEnded } from '../../testing/job-ended';
import { postFile, testPng } from '../../testing/test-images';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useScratchDir, useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let aliceCookie: string;
/** Each test starts the worker it needs, so a job can wait on its queue while a test crashes an attempt by hand. */
let worker: JobWorker | undefined;

const scratch = useScratchDir('storyline-rerun-');
useTestStack(
  async (started) => {
    ({ stack, alice } = started);
    aliceCookie = await stack.loginCookie('alice');
  },
  () => ({ fileJobs: { scratchDir: scratch.path } }),
);
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

const sql = () => stack.database.sql;
const owner = () => ({ client: alice, cookie: aliceCookie });
const images = [testPng(21), testPng(22), testPng(23)];
const threeImagePages = () => images.map((png, index) => ({ en: `Page ${index + 1}`, ro: `Pagina ${index + 1}`, images: [png] }));

/** A story ZIP of three images, built here rather than exported, so an import needs no other job first. */
function threeImageZip(title: string): Buffer {
  const media = images.map((png, index) => mediaFor(`image-${index + 1}`, png));
  return buildRawZip([
    { name: 'story.json', data: manifestBytes({ ...storyWith(media), title }), method: 'deflated' },
    ...media.map((item, index) => ({ name: item.file, data: images[index] })),
  ]);
}

async function startImport(title: string): Promise<{ jobId: string; storyId: string }> {
  const started = await postFile(`${stack.baseUrl}/files/imports`, aliceCookie, { name: 'story.zip', bytes: threeImageZip(title), type: 'application/zip' });
  expect(started.status).toBe(202);
  const [{ storyId }] = await sql()<{ storyId: string }[]>`select payload->>'storyId' as "storyId" from jobs where id = ${started.body.jobId!}`;
  return { jobId: started.body.jobId!, storyId };
}

/** A story's media rows and the blobs under its folder: equal when nothing is orphaned and nothing missing. */
async function storedMedia(storyId: string) {
  const rows = await sql()<{ blobName: string; state: string }[]>`
    select blob_name as "blobName", state from media where story_id = ${storyId} order by created_at, id`;
  return { rows, blobs: await blobsUnder(stack.api.blobs, 'media', `${storyId}/`) };
}

const queueDrained = (type: JobType) => eventually(() => stack.api.queues.depth(type), (depth) => depth === 0, `the ${type} queue to drain`, { timeoutMs: 15_000 });

interface Redelivered {
  type: JobType;
  /** Runs one job of the type to completion and returns it with what it changed besides itself. */
  run: () => Promise<{ jobId: string; effects: () => Promise<unknown> }>;
}

const redelivered: Redelivered[] = [
  {
    type: 'story-export',
    run: async () => {
      const { storyId } = await draftIllustratedStory(stack, owner(), 'Exported once', threeImagePages());
      const { jobId } = await alice.stories.export.mutate({ storyId });
      return {
        jobId,
        effects: async () => ({
          artifacts: await sql()`select id, blob_name, byte_size, created_at from artifacts where job_id = ${jobId}`,
          blobs: await blobsUnder(stack.api.blobs, 'exports', `${jobId}/`),
        }),
      };
    },
  },
  {
    type: 'story-import',
    run: async () => {
      const { jobId, storyId } = await startImport('Imported once');
      return {
        jobId,
        effects: async () => ({
          stories: await sql()`select id from stories where title = 'Imported once'`,
          media: await storedMedia(storyId),
          upload: await sql()`select deleted_at from uploads u join jobs j on u.id = (j.payload->>'uploadId')::uuid where j.id = ${jobId}`,
        }),
      };
    },
  },
  {
    type: 'story-fork',
    run: async () => {
      const { storyId } = await draftIllustratedStory(stack, owner(), 'Forked once', threeImagePages());
      const { jobId } = await alice.stories.fork.mutate({ storyId });
      return {
        jobId,
        effects: async () => ({
          forks: await sql()`select id from stories where forked_from_id = ${storyId}`,
          assetsJobs: await sql()`select id, status from jobs where parent_job_id = ${jobId}`,
        }),
      };
    },
  },
];

describe('a message delivered again for a job that has completed', () => {
  it.each(redelivered)('is dropped by the worker for $type: one completion, and its effects once', async ({ type, run }) => {
    worker = stack.startWorker();
    const { jobId, effects } = await run();
    expect(await jobEnded(alice, jobId)).toMatchObject({ status: 'Completed', dequeueCount: 1 });
    await eventually(() => sql()`select status from jobs where parent_job_id = ${jobId} and status <> 'Completed'`, (open) => open.length === 0, 'child jobs to end');
    await queueDrained(type);
    const snapshot = async () => ({
      job: await sql()`select status, last_seq, dequeue_count, completed_at, result from jobs where id = ${jobId}`,
      events: await sql()`select kind, count(*)::int from job_events where job_id = ${jobId} group by kind order by kind`,
      effects: await effects(),
    });
    const before = await snapshot();
    expect(before.events).toContainEqual({ kind: 'completed', count: 1 });

    await stack.api.queues.send(type, { jobId, type });
    await queueDrained(type);

    expect(await snapshot()).toEqual(before);
  });
});

describe('an attempt that died mid-way, then ran again', () => {
  it('imports once: the dead attempt’s images are removed, its ZIP copy deleted, one story made', async () => {
    const { jobId, storyId } = await startImport('Crashed before completing');
    await crashedAttempt(stack, jobId, 'complete');
    const orphaned = await storedMedia(storyId);
    expect(orphaned).toMatchObject({ rows: [], blobs: expect.arrayContaining([expect.stringMatching(`^${storyId}/`)]) });
    expect(orphaned.blobs).toHaveLength(3);
    expect(await readdir(scratch.path)).toEqual([`${jobId}-1.zip`]);

    worker = stack.startWorker();
    expect(await jobEnded(alice, jobId)).toMatchObject({ status: 'Completed', dequeueCount: 1, result: { storyId, mediaCount: 3 } });

    const { rows, blobs } = await storedMedia(storyId);
    expect(rows).toHaveLength(3);
    expect(blobs).toEqual(rows.map((row) => row.blobName).sort());
    expect(blobs.filter((name) => orphaned.blobs.includes(name))).toEqual([]);
    expect(await sql()`select id from stories where title = 'Crashed before completing'`).toEqual([{ id: storyId }]);
    // Completed commits a moment before the handler's `finally` deletes the ZIP.
    await eventually(() => readdir(scratch.path), (left) => left.length === 0, 'the rerun to delete the ZIP copy', { timeoutMs: 5_000 });
    const story = await alice.stories.get.query({ storyId });
    const served = await Promise.all(story.pages.flatMap((page) => page.media).map((id) => fetchImage(stack, aliceCookie, id)));
    expect(served.map((bytes) => bytes.toString('base64'))).toEqual(images.map((bytes) => bytes.toString('base64')));
  });

  it('imports once when the first attempt failed at its last step and the worker retried it', async () => {
    const failFirstCompletion = (definition: JobDefinition): JobDefinition => ({
      ...definition,
      handler: (context) =>
        definition.handler(
          context.attempt > 1
            ? context
            : { ...context, report: { ...context.report, complete: () => Promise.reject(new Error('The database went away at the last step')) } },
        ),
    });
    worker = stack.startWorker(createJobDefinitions(stack.fileServices).map((definition) => (definition.type === 'story-import' ? failFirstCompletion(definition) : definition)));
    const { jobId, storyId } = await startImport('Failed at the last step');

    expect(await jobEnded(alice, jobId)).toMatchObject({ status: 'Completed', dequeueCount: 2, result: { storyId, mediaCount: 3 } });
    const warnings = await sql()<{ message: string }[]>`select data->>'message' as message from job_events where job_id = ${jobId} and kind = 'warning'`;
    expect(warnings.map((warning) => warning.message)).toEqual(['Attempt 1 of 3 failed: The database went away at the last step. Retrying.']);
    const { rows, blobs } = await storedMedia(storyId);
    expect(rows).toHaveLength(3);
    expect(blobs).toEqual(rows.map((row) => row.blobName).sort());
    expect(await sql()`select id from stories where title = 'Failed at the last step'`).toEqual([{ id: storyId }]);
  });

  it.each([
    { type: 'story-export', start: (storyId: string) => alice.stories.export.mutate({ storyId }) },
    { type: 'story-document-export', start: (storyId: string) => alice.stories.exportDocument.mutate({ storyId, language: 'ro' }) },
  ])('leaves one file for $type: the rerun overwrites what the dead attempt stored, even after a rename that once left a second file', async ({ start }) => {
    const { storyId } = await draftIllustratedStory(stack, owner(), 'Exported after a crash', threeImagePages());
    const { jobId } = await start(storyId);
    await crashedAttempt(stack, jobId, 'complete');
    expect(await blobsUnder(stack.api.blobs, 'exports', `${jobId}/`)).toHaveLength(1);
    expect(await sql()`select id from artifacts where job_id = ${jobId}`).toEqual([]);
    // The file name follows the title; the stored blob must not.
    await sql()`update stories set title = 'Renamed between attempts' where id = ${storyId}`;

    worker = stack.startWorker();
    const job = await jobEnded(alice, jobId);
    expect(job).toMatchObject({ status: 'Completed', dequeueCount: 1 });

    const fileName = job.result!['fileName'] as string;
    expect(fileName).toMatch(/^renamed-between-attempts-/);
    const stored = `${jobId}/file.${fileName.split('.').pop()}`;
    expect(await blobsUnder(stack.api.blobs, 'exports', `${jobId}/`)).toEqual([stored]);
    expect(await sql()`select blob_name from artifacts where job_id = ${jobId}`).toEqual([{ blob_name: stored }]);
    const { response, bytes } = await downloadArtifact(stack, alice, jobId);
    expect(response.status).toBe(200);
    expect(bytes.length).toBe(job.result!['byteSize']);
  });

  it('copies only the fork’s images still marked copying, and ends with each image ready once', async () => {
    const { storyId } = await draftIllustratedStory(stack, owner(), 'Forked after a crash', threeImagePages());
    worker = stack.startWorker(createJobDefinitions(stack.fileServices).filter((definition) => definition.type === 'story-fork'));
    const fork = await jobEnded(alice, (await alice.stories.fork.mutate({ storyId })).jobId);
    const [forkId, assetsJobId] = [fork.result!['storyId'] as string, fork.result!['assetsJobId'] as string];
    await worker.stop();
    worker = undefined;

    await crashedAttempt(stack, assetsJobId, 'first-progress');
    const half = await storedMedia(forkId);
    expect(half.rows.map((row) => row.state)).toEqual(['ready', 'copying', 'copying']);
    expect(half.blobs).toEqual([half.rows[0].blobName]);

    const copied: string[] = [];
    const { blobs } = stack.fileServices;
    const counting = { ...blobs, copy: (from: Parameters<typeof blobs.copy>[0], to: Parameters<typeof blobs.copy>[1], signal?: AbortSignal) => (copied.push(to.name), blobs.copy(from, to, signal)) };
    worker = stack.startWorker(createJobDefinitions({ ...stack.fileServices, blobs: counting }));
    expect(await jobEnded(alice, assetsJobId)).toMatchObject({ status: 'Completed', dequeueCount: 1, result: { storyId: forkId, assetsCopied: 3 } });

    expect(copied.sort()).toEqual(half.rows.slice(1).map((row) => row.blobName).sort());
    const after = await storedMedia(forkId);
    expect(after.rows.map((row) => row.state)).toEqual(['ready', 'ready', 'ready']);
    expect(after.blobs).toEqual(after.rows.map((row) => row.blobName).sort());
    const forked = await alice.stories.get.query({ storyId: forkId });
    const served = await Promise.all(forked.pages.flatMap((page) => page.media).map((id) => fetchImage(stack, aliceCookie, id)));
    expect(served.map((bytes) => bytes.toString('base64'))).toEqual(images.map((bytes) => bytes.toString('base64')));
  });
});
