import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHandlerStack, type HandlerStack } from './testing/start-handler-stack';
import { insertStory, readStory, testPng } from './testing/story-fixtures';

let stack: HandlerStack;

beforeAll(async () => {
  stack = await startHandlerStack();
  stack.startWorker();
});
afterAll(() => stack?.close());

const fork = (sourceStoryId: string) => stack.startJob('story-fork', sourceStoryId, { sourceStoryId, storyId: randomUUID() });
const mediaOf = (storyId: string) =>
  stack.database.sql<{ id: string; blobName: string; state: string }[]>`select id, blob_name as "blobName", state from media where story_id = ${storyId} order by created_at, id`;

describe('story-fork and its story-fork-assets job', () => {
  it('forks into a new story of the requester, then copies its images as a second job of the chain, telling each image', async () => {
    const images = [testPng(51), testPng(52), testPng(53)];
    const { storyId } = await insertStory(stack, 'Vulpea și știuca', images.map((png, index) => ({ en: `Page ${index + 1}`, ro: `Pagina ${index + 1}`, images: [png] })));

    const forked = await stack.jobEnded(await fork(storyId));
    expect(forked).toMatchObject({ status: 'Completed', result: { storyId: expect.any(String), assetsJobId: expect.any(String), mediaCount: 3 } });
    const forkId = forked.result!['storyId'] as string;
    const assets = await stack.jobEnded(forked.result!['assetsJobId'] as string);
    expect(assets).toMatchObject({ status: 'Completed', type: 'story-fork-assets', targetId: forkId, parentJobId: forked.id, result: { storyId: forkId, assetsCopied: 3 } });
    const steps = (await stack.events(assets.id)).flatMap((event) => (event.kind === 'progress' ? [event.message] : []));
    expect(steps).toEqual(['Copied 1 of 3 images', 'Copied 2 of 3 images', 'Copied 3 of 3 images']);

    expect(await readStory(stack, forkId)).toMatchObject({ ownerId: stack.ownerId, title: 'Vulpea și știuca (fork)', forkedFromId: storyId, forkedFromTitle: 'Vulpea și știuca' });
    const copies = new Map((await mediaOf(forkId)).map((row) => [row.id, row]));
    expect([...copies.values()].map((row) => row.state)).toEqual(['ready', 'ready', 'ready']);
    const shown = (await readStory(stack, forkId)).pages.flatMap((page) => page.media ?? []);
    const copied = await Promise.all(shown.map((id) => stack.readBlob('media', copies.get(id)!.blobName)));
    expect(copied.map((bytes) => bytes.toString('base64'))).toEqual(images.map((bytes) => bytes.toString('base64')));
  });

  it('forks a story without images in one job', async () => {
    const { storyId } = await insertStory(stack, 'Words only', [{ en: 'One', ro: 'Unu' }]);
    const forked = await stack.jobEnded(await fork(storyId));
    expect(forked).toMatchObject({ status: 'Completed', result: { assetsJobId: null, mediaCount: 0 } });
    expect(await stack.database.sql`select id from jobs where parent_job_id = ${forked.id}`).toEqual([]);
  });

  it('fails at once when the story to fork no longer exists', async () => {
    expect(await stack.jobEnded(await fork(randomUUID()))).toMatchObject({ status: 'Failed', error: 'The story no longer exists.', dequeueCount: 1 });
  });

  it('makes one fork and one assets job when its message is delivered again', async () => {
    const { storyId } = await insertStory(stack, 'Forked once', [{ en: 'One', ro: 'Unu', images: [testPng(54)] }]);
    const forked = await stack.jobEnded(await fork(storyId));
    await stack.jobEnded(forked.result!['assetsJobId'] as string);

    const { before, after } = await stack.redeliver(forked, async () => ({
      forks: await stack.database.sql`select id from stories where forked_from_id = ${storyId}`,
      assetsJobs: await stack.database.sql`select id, status from jobs where parent_job_id = ${forked.id}`,
    }));

    expect(before.effects.forks).toHaveLength(1);
    expect(after).toEqual(before);
  });
});
