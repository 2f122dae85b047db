import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UNPUBLISHED_CHANGES_MESSAGE } from '@storyline/contracts';
import { startHandlerStack, type HandlerStack } from './testing/start-handler-stack';
import { insertPublishedVersion, insertStory, readStory, saveDraft, testPng } from './testing/story-fixtures';

let stack: HandlerStack;

beforeAll(async () => {
  stack = await startHandlerStack();
});
afterEach(() => stack.stopWorkers());
afterAll(() => stack?.close());

const page = (en: string) => ({ en, ro: `${en} (ro)`, media: [] });
const openVersion = (storyId: string, version: number, discardChanges = false) =>
  stack.startJob('story-version', storyId, { storyId, version, discardChanges }, { supersedeQueued: true });

/** A story published twice: v1 says "first", v2 (and the draft) says "second". */
async function storyWithTwoVersions(): Promise<string> {
  const { storyId } = await insertStory(stack, 'Story at first', [page('first')]);
  await insertPublishedVersion(stack, storyId, 1);
  await saveDraft(stack, storyId, 'Story at second', [page('second')]);
  await insertPublishedVersion(stack, storyId, 2);
  return storyId;
}

describe('story-version', () => {
  it('opens version 1 after version 2 was published: the draft holds v1 and records it as its base', async () => {
    const storyId = await storyWithTwoVersions();
    stack.startWorker();
    const jobId = await openVersion(storyId, 1);

    expect(await stack.jobEnded(jobId)).toMatchObject({ status: 'Completed', progress: 100, result: { version: 1, draftVersion: 1, pageCount: 1, discarded: false } });
    expect(await readStory(stack, storyId)).toMatchObject({ title: 'Story at first', pages: [page('first')], baseVersion: 1, publishedVersion: 2 });
    const phases = (await stack.events(jobId)).flatMap((event) => (event.kind === 'phase' ? [event.phase] : []));
    expect(phases).toEqual(['validate', 'media', 'open']);
  });

  it('discards the unpublished changes when the user confirmed', async () => {
    const storyId = await storyWithTwoVersions();
    await saveDraft(stack, storyId, 'Renamed', [page('thrown away')]);
    stack.startWorker();

    expect(await stack.jobEnded(await openVersion(storyId, 1, true))).toMatchObject({ status: 'Completed', result: { version: 1, discarded: true } });
    expect(await readStory(stack, storyId)).toMatchObject({ title: 'Story at first', pages: [page('first')], baseVersion: 1 });
  });

  it('fails the job when the draft has unpublished changes the user did not confirm to discard, leaving the edit in place', async () => {
    const storyId = await storyWithTwoVersions();
    const jobId = await openVersion(storyId, 1);
    await saveDraft(stack, storyId, 'Story at second', [page('edited while queued')]);
    stack.startWorker();

    expect(await stack.jobEnded(jobId)).toMatchObject({ status: 'Failed', error: UNPUBLISHED_CHANGES_MESSAGE, dequeueCount: 1 });
    expect(await readStory(stack, storyId)).toMatchObject({ pages: [page('edited while queued')], baseVersion: 2 });
  });

  it('fails clearly when the version is gone by the time the job runs', async () => {
    const storyId = await storyWithTwoVersions();
    const jobId = await openVersion(storyId, 1);
    await stack.database.sql`delete from story_versions where story_id = ${storyId} and version = 1`;
    stack.startWorker();

    expect(await stack.jobEnded(jobId)).toMatchObject({ status: 'Failed', error: 'Version 1 of this story does not exist.' });
    expect((await readStory(stack, storyId)).baseVersion).toBe(2);
  });

  it('brings back the images of the version, which outlived their removal from the draft, and fails when one is gone', async () => {
    const { storyId, images } = await insertStory(stack, 'Illustrated', [{ en: 'with a picture', ro: 'cu o poză', images: [testPng(31)] }]);
    const [imageId] = images.keys();
    await insertPublishedVersion(stack, storyId, 1);
    await saveDraft(stack, storyId, 'Illustrated', [page('no picture now')]);
    stack.startWorker();

    expect(await stack.jobEnded(await openVersion(storyId, 1, true))).toMatchObject({ status: 'Completed' });
    expect((await readStory(stack, storyId)).pages).toEqual([{ en: 'with a picture', ro: 'cu o poză', media: [imageId] }]);

    await stack.database.sql`delete from media where id = ${imageId}`;
    expect(await stack.jobEnded(await openVersion(storyId, 1, true))).toMatchObject({
      status: 'Failed',
      error: 'Version 1 cannot be opened: images on page 1 are missing',
    });
  });

  it('marks the older queued request superseded: the latest wins', async () => {
    const storyId = await storyWithTwoVersions();
    const older = await openVersion(storyId, 1);
    const newer = await openVersion(storyId, 2);
    stack.startWorker();

    expect(await stack.jobEnded(newer)).toMatchObject({ status: 'Completed', result: { version: 2 } });
    expect(await stack.jobEnded(older)).toMatchObject({ status: 'Superseded' });
    expect(await readStory(stack, storyId)).toMatchObject({ pages: [page('second')], baseVersion: 2 });
  });

  it('applies once when its message is delivered again: the job, its events and the draft stay as the first delivery left them', async () => {
    const storyId = await storyWithTwoVersions();
    stack.startWorker();
    const job = await stack.jobEnded(await openVersion(storyId, 1));
    expect(job).toMatchObject({ status: 'Completed', dequeueCount: 1 });

    const { before, after } = await stack.redeliver(job, () => readStory(stack, storyId));

    expect(before.events.filter((event) => event.kind === 'completed')).toHaveLength(1);
    expect(after).toEqual(before);
  });
});
