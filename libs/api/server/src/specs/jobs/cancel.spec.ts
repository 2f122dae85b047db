import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobType } from '@storyline/contracts';
import type { FileJobServices } from '@storyline/job-handlers';
import { createJobWorker, JobCancelledError, type JobWorker } from '@storyline/jobs';
import { buildRawZip, manifestBytes, mediaFor, storyWith } from '@storyline/story-archive/testing';
import { eventually, until } from '../../../../../../tools/testing/eventually';
import { blobsUnder } from '../../testing/blobs-under';
import { jobEnded } from '../../testing/job-ended';
import { observedDefinitions, stallingUploads, type ObservedRun } from '../../testing/observed-definitions';
import { draftStory } from '../../testing/story-fixtures';
import { postFile, testPng } from '../../testing/test-images';
import { log, type TestClient, type TestStack } from '../../testing/test-stack';
import { useScratchDir, useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let bob: TestClient;
let admin: TestClient;
let aliceCookie: string;
/** Each test starts the worker it needs, so a job can be cancelled while it still waits on its queue. */
let worker: JobWorker | undefined;

const scratch = useScratchDir('storyline-cancel-');
useTestStack(
  async (started) => {
    ({ stack, alice, bob, admin } = started);
    aliceCookie = await stack.loginCookie('alice');
  },
  () => ({ fileJobs: { scratchDir: scratch.path } }),
);
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

const sql = () => stack.database.sql;
const eventKinds = async (jobId: string) =>
  (await sql()<{ kind: string }[]>`select kind from job_events where job_id = ${jobId} order by seq`).map((row) => row.kind);
const terminalEvents = async (jobId: string) =>
  (await eventKinds(jobId)).filter((kind) => ['completed', 'failed', 'cancelled', 'superseded'].includes(kind));
const queueDrained = (type: JobType) => eventually(() => stack.api.queues.depth(type), (depth) => depth === 0, `the ${type} queue to drain`, { timeoutMs: 15_000 });
const runOf = (runs: ObservedRun[], jobId: string) => eventually(() => runs.find((run) => run.jobId === jobId), Boolean, `job ${jobId} to run`);

/** Starts a worker of the real handlers over `services`, observing each run. */
function startObservedWorker(services: FileJobServices = stack.fileServices): ObservedRun[] {
  const { definitions, runs } = observedDefinitions(services);
  worker = stack.startWorker(definitions);
  return runs;
}

/**
 * Cancels `jobId` as alice and measures it: the job must read Cancelled as soon as the
 * mutation answers, and the handler's signal must abort, and the handler stop, within a second.
 */
async function cancelRunning(runs: ObservedRun[], jobId: string) {
  const cancelledAt = performance.now();
  const answer = await alice.jobs.cancel.mutate({ jobId });
  const answeredMs = performance.now() - cancelledAt;
  expect(answer.status).toBe('Cancelled');
  expect((await alice.jobs.get.query({ jobId })).status).toBe('Cancelled');
  const run = await eventually(() => runs.find((candidate) => candidate.jobId === jobId), (found) => found?.settledAt !== undefined, `the handler of ${jobId} to stop`, { timeoutMs: 5_000 });
  const abortedMs = run!.abortedAt! - cancelledAt;
  const stoppedMs = run!.settledAt! - cancelledAt;
  log.info({ answeredMs, abortedMs, stoppedMs }, 'cancel latency');
  expect(abortedMs).toBeLessThan(1000);
  expect(stoppedMs).toBeLessThan(1000);
  expect(run!.reason).toBeInstanceOf(JobCancelledError);
  return { answeredMs, abortedMs, stoppedMs };
}

function twoImageZip(): Buffer {
  const images = [testPng(31), testPng(32)];
  const media = images.map((png, index) => mediaFor(`image-${index + 1}`, png));
  return buildRawZip([
    { name: 'story.json', data: manifestBytes({ ...storyWith(media), title: 'Cancelled import' }), method: 'deflated' },
    ...media.map((item, index) => ({ name: item.file, data: images[index] })),
  ]);
}

describe('jobs.cancel', () => {
  it('cancels a queued job at once, and the worker drops its message without running the handler', async () => {
    const storyId = await draftStory(alice, 1);
    const { jobId } = await alice.stories.export.mutate({ storyId });
    const cancelled = await alice.jobs.cancel.mutate({ jobId });
    expect(cancelled).toMatchObject({ status: 'Cancelled', message: null });
    expect(cancelled.completedAt).not.toBeNull();
    expect(await eventKinds(jobId)).toEqual(['status', 'cancelled']);

    const runs = startObservedWorker();
    await queueDrained('story-export');
    expect(runs.filter((run) => run.jobId === jobId)).toEqual([]);
    expect(await eventKinds(jobId)).toEqual(['status', 'cancelled']);
  });

  it('aborts a running export blocked in its upload within a second, and leaves no file behind', async () => {
    const storyId = await draftStory(alice, 2);
    const stalled = stallingUploads(stack.fileServices, 'exports', 1);
    const runs = startObservedWorker(stalled.services);
    const { jobId } = await alice.stories.export.mutate({ storyId });
    await stalled.reached;
    await runOf(runs, jobId);
    expect((await alice.jobs.get.query({ jobId })).status).toBe('Running');

    await cancelRunning(runs, jobId);
    await queueDrained('story-export');
    const job = await alice.jobs.get.query({ jobId });
    expect(job).toMatchObject({ status: 'Cancelled', error: null, result: null });
    expect(await terminalEvents(jobId)).toEqual(['cancelled']);
    expect(await sql()`select id from artifacts where job_id = ${jobId}`).toHaveLength(0);
    expect(await blobsUnder(stack.api.blobs, 'exports', `${jobId}/`)).toEqual([]);
  });

  it('aborts a running import after it stored an image, leaving no story and no blobs under its story folder', async () => {
    const stalled = stallingUploads(stack.fileServices, 'media', 2);
    const runs = startObservedWorker(stalled.services);
    const started = await postFile(`${stack.baseUrl}/files/imports`, aliceCookie, { name: 'story.zip', bytes: twoImageZip(), type: 'application/zip' });
    expect(started.status).toBe(202);
    const jobId = started.body.jobId!;
    const [{ storyId }] = await sql()<{ storyId: string }[]>`select payload->>'storyId' as "storyId" from jobs where id = ${jobId}`;
    await stalled.reached;
    expect(await blobsUnder(stack.api.blobs, 'media', `${storyId}/`)).toHaveLength(1);

    await cancelRunning(runs, jobId);
    await queueDrained('story-import');
    expect(await terminalEvents(jobId)).toEqual(['cancelled']);
    expect(await sql()`select id from stories where id = ${storyId}`).toHaveLength(0);
    await eventually(() => blobsUnder(stack.api.blobs, 'media', `${storyId}/`), (names) => names.length === 0, 'the imported images to be deleted', { timeoutMs: 5_000 });
  });

  it('aborts a running publish mid-render and removes the pages it had rendered, recording no version', async () => {
    const storyId = await draftStory(alice, 3);
    const stalled = stallingUploads(stack.fileServices, 'published', 2);
    const runs = startObservedWorker(stalled.services);
    const { jobId } = await alice.stories.publish.mutate({ storyId });
    await stalled.reached;
    expect(await blobsUnder(stack.api.blobs, 'published', `${storyId}/${jobId}/`)).toHaveLength(1);

    await cancelRunning(runs, jobId);
    expect(await terminalEvents(jobId)).toEqual(['cancelled']);
    expect(await sql()`select id from story_versions where story_id = ${storyId}`).toHaveLength(0);
    await eventually(() => blobsUnder(stack.api.blobs, 'published', `${storyId}/${jobId}/`), (names) => names.length === 0, 'the rendition to be removed', { timeoutMs: 5_000 });
  });

  it('aborts a running job at its next heartbeat when its worker missed the cancel notification', async () => {
    const storyId = await draftStory(alice, 1);
    const stalled = stallingUploads(stack.fileServices, 'exports', 1);
    const { definitions, runs } = observedDefinitions(stalled.services);
    // No `listen`: this worker never hears the NOTIFY; a 1.5 s visibility timeout beats every half second.
    worker = createJobWorker({ db: stack.database.db, queues: stack.api.queues, log }, { definitions, visibilityTimeoutSec: 1.5, idlePollMs: 100 });
    worker.start();
    const { jobId } = await alice.stories.export.mutate({ storyId });
    await stalled.reached;
    await runOf(runs, jobId);

    await alice.jobs.cancel.mutate({ jobId });
    await until(() => runs.find((run) => run.jobId === jobId)?.settledAt !== undefined, 'the handler to stop at its heartbeat', 5_000);
    expect(runs.find((run) => run.jobId === jobId)?.reason).toBeInstanceOf(JobCancelledError);
    await queueDrained('story-export');
    expect(await terminalEvents(jobId)).toEqual(['cancelled']);
    expect(await blobsUnder(stack.api.blobs, 'exports', `${jobId}/`)).toEqual([]);
  });

  it('refuses to cancel a job that already ended, saying so', async () => {
    startObservedWorker();
    const storyId = await draftStory(alice, 1);
    const { jobId } = await alice.stories.export.mutate({ storyId });
    expect((await jobEnded(alice, jobId)).status).toBe('Completed');
    await expect(alice.jobs.cancel.mutate({ jobId })).rejects.toMatchObject({
      data: { code: 'CONFLICT' },
      message: 'This job already ended (Completed); there is nothing to cancel',
    });
    expect(await terminalEvents(jobId)).toEqual(['completed']);
  });

  it('lets only the job’s owner or an admin cancel it', async () => {
    const storyId = await draftStory(alice, 1);
    const first = await alice.stories.export.mutate({ storyId });
    await expect(bob.jobs.cancel.mutate({ jobId: first.jobId })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' }, message: 'Only the job’s owner or an admin may cancel it' });
    expect((await alice.jobs.get.query({ jobId: first.jobId })).status).toBe('Queued');
    expect(await admin.jobs.cancel.mutate({ jobId: first.jobId })).toMatchObject({ status: 'Cancelled' });
  });

  it('retries a cancelled job as a new job that runs to completion', async () => {
    const storyId = await draftStory(alice, 1);
    const { jobId } = await alice.stories.export.mutate({ storyId });
    await alice.jobs.cancel.mutate({ jobId });
    const retried = await alice.jobs.retry.mutate({ jobId });
    expect(retried.jobId).not.toBe(jobId);
    startObservedWorker();
    expect((await jobEnded(alice, retried.jobId)).status).toBe('Completed');
    expect((await alice.jobs.get.query({ jobId })).status).toBe('Cancelled');
  });
});
