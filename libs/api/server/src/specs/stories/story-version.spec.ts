import { afterEach, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import type { JobWorker } from '@storyline/jobs';
import type { AppRouter } from '@storyline/api-router';
import { draftIllustratedStory } from '../../testing/draft-illustrated-story';
import { jobEnded } from '../../testing/job-ended';
import { draftStory, saveDraftOver } from '../../testing/story-fixtures';
import { testPng } from '../../testing/test-images';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let bob: TestClient;
let aliceCookie: string;
let worker: JobWorker | undefined;

useTestStack(async (started) => {
  ({ stack, alice, bob } = started);
  aliceCookie = await stack.loginCookie('alice');
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

/** Stops the worker, so a job started next waits in its queue. */
async function stopWorker(): Promise<void> {
  await worker?.stop();
  worker = undefined;
}

const page = (en: string) => ({ en, ro: `${en} (ro)`, media: [] });

/** Saves `en` as the draft's one page and publishes it; answers the new version number. */
async function publishText(storyId: string, en: string): Promise<number> {
  await saveDraftOver(alice, { storyId, title: `Story at ${en}`, pages: [page(en)] });
  const { jobId } = await alice.stories.publish.mutate({ storyId });
  const job = await jobEnded(alice, jobId);
  expect(job.status).toBe('Completed');
  return job.result?.['version'] as number;
}

/** A story published twice: v1 says "first", v2 (the draft too) says "second". */
async function storyWithTwoVersions(): Promise<string> {
  worker ??= stack.startWorker();
  const storyId = await draftStory(alice, [page('first')]);
  expect(await publishText(storyId, 'first')).toBe(1);
  expect(await publishText(storyId, 'second')).toBe(2);
  return storyId;
}

function codeOf(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data?.code : undefined;
}

describe('opening a published version as the draft', () => {
  it('opens version 1 after version 2 was published: Queued at once, then the draft holds v1 and records it as its base', async () => {
    const storyId = await storyWithTwoVersions();
    expect(await alice.stories.get.query({ storyId })).toMatchObject({ baseVersion: 2, hasUnpublishedChanges: false, publishedVersion: 2 });

    const started = await alice.stories.openVersion.mutate({ storyId, version: 1 });
    expect(started).toEqual({ jobId: expect.any(String), status: 'Queued' });
    expect(await jobEnded(alice, started.jobId)).toMatchObject({ status: 'Completed', result: { version: 1 } });
    expect(await alice.stories.get.query({ storyId })).toMatchObject({ title: 'Story at first', pages: [page('first')], baseVersion: 1, publishedVersion: 2, hasUnpublishedChanges: false });
  });

  it('keeps the base version when the draft is saved, and counts the edit as unpublished', async () => {
    const storyId = await storyWithTwoVersions();
    await saveDraftOver(alice, { storyId, title: 'Story at second', pages: [page('second, edited')] });
    expect(await alice.stories.get.query({ storyId })).toMatchObject({ baseVersion: 2, hasUnpublishedChanges: true });
  });

  it('refuses with CONFLICT and a sentence when the draft has unpublished changes, starting no job, and opens the version once the user confirms', async () => {
    const storyId = await storyWithTwoVersions();
    await saveDraftOver(alice, { storyId, title: 'Story at second', pages: [page('not published yet')] });
    const error = await alice.stories.openVersion.mutate({ storyId, version: 1 }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('CONFLICT');
    expect((error as Error).message).toBe('The draft has changes that are not published; confirm to discard them');
    expect(await stack.database.sql`select id from jobs where type = 'story-version' and target_id = ${storyId}`).toEqual([]);
    expect((await alice.stories.get.query({ storyId })).pages).toEqual([page('not published yet')]);

    const { jobId } = await alice.stories.openVersion.mutate({ storyId, version: 1, discardChanges: true });
    expect(await jobEnded(alice, jobId)).toMatchObject({ status: 'Completed', result: { version: 1, discarded: true } });
    expect(await alice.stories.get.query({ storyId })).toMatchObject({ pages: [page('first')], baseVersion: 1, hasUnpublishedChanges: false });
  });

  it('answers NOT_FOUND for a version that was never published', async () => {
    const storyId = await storyWithTwoVersions();
    const error = await alice.stories.openVersion.mutate({ storyId, version: 7 }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('NOT_FOUND');
    expect((error as Error).message).toBe('Version 7 of this story does not exist');
  });

  it('lets only the owner open a version: another user gets FORBIDDEN', async () => {
    const storyId = await storyWithTwoVersions();
    const error = await bob.stories.openVersion.mutate({ storyId, version: 1, discardChanges: true }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('FORBIDDEN');
  });

  it('counts a never-published story with text as changed, and an empty new one as not', async () => {
    const empty = await alice.stories.create.mutate({ title: 'Blank' });
    expect(empty).toMatchObject({ baseVersion: null, hasUnpublishedChanges: false });
    const written = await draftStory(alice, [page('some text')]);
    expect(await alice.stories.get.query({ storyId: written })).toMatchObject({ baseVersion: null, hasUnpublishedChanges: true });
  });

  it('keeps an image a published version shows when a save drops it from the draft, so opening the version brings it back', async () => {
    worker = stack.startWorker();
    const { storyId } = await draftIllustratedStory(stack, { client: alice, cookie: aliceCookie }, 'Illustrated', [{ en: 'with a picture', ro: 'cu o poză', images: [testPng(31)] }]);
    const [imageId] = (await alice.stories.get.query({ storyId })).pages[0].media;
    const { jobId } = await alice.stories.publish.mutate({ storyId });
    expect(await jobEnded(alice, jobId)).toMatchObject({ status: 'Completed' });
    await saveDraftOver(alice, { storyId, title: 'Illustrated', pages: [page('no picture now')] });
    expect((await alice.stories.get.query({ storyId })).media.map((item) => item.id)).toEqual([imageId]);

    const opened = await alice.stories.openVersion.mutate({ storyId, version: 1, discardChanges: true });
    expect(await jobEnded(alice, opened.jobId)).toMatchObject({ status: 'Completed' });
    const story = await alice.stories.get.query({ storyId });
    expect(story.pages).toEqual([{ en: 'with a picture', ro: 'cu o poză', media: [imageId] }]);
    expect(story.media.map((item) => item.id)).toEqual([imageId]);
  });

  it('marks the older queued request superseded when asked again: the latest wins', async () => {
    const storyId = await storyWithTwoVersions();
    await stopWorker();
    const older = await alice.stories.openVersion.mutate({ storyId, version: 1 });
    const newer = await alice.stories.openVersion.mutate({ storyId, version: 2 });
    expect(await alice.jobs.get.query({ jobId: older.jobId })).toMatchObject({
      status: 'Superseded',
      message: `Replaced by a newer request (job ${newer.jobId.slice(0, 8)})`,
    });
  });
});
