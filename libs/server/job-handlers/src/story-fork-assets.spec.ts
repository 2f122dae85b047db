import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '@storyline/storage';
import { createJobDefinitions } from './index';
import { crashingAt } from './testing/crashing-at';
import { startHandlerStack, type HandlerStack } from './testing/start-handler-stack';
import { insertStory, readStory, testPng } from './testing/story-fixtures';

let stack: HandlerStack;

beforeAll(async () => {
  stack = await startHandlerStack();
});
afterEach(() => stack.stopWorkers());
afterAll(() => stack?.close());

describe('story-fork-assets that died mid-way, then ran again', () => {
  it('copies only the fork’s images still marked copying, and ends with each image ready once', async () => {
    const images = [testPng(61), testPng(62), testPng(63)];
    const { storyId } = await insertStory(stack, 'Forked after a crash', images.map((png, index) => ({ en: `Page ${index + 1}`, ro: `Pagina ${index + 1}`, images: [png] })));
    const all = createJobDefinitions(stack.services);
    stack.startWorker(all.filter((definition) => definition.type === 'story-fork'));
    const forked = await stack.jobEnded(await stack.startJob('story-fork', storyId, { sourceStoryId: storyId, storyId: randomUUID() }));
    const [forkId, assetsJobId] = [forked.result!['storyId'] as string, forked.result!['assetsJobId'] as string];
    await stack.stopWorkers();
    const stored = async () => {
      const rows = await stack.database.sql<{ blobName: string; state: string }[]>`select blob_name as "blobName", state from media where story_id = ${forkId}`;
      return { rows: rows.sort((a, b) => a.blobName.localeCompare(b.blobName)), blobs: await stack.blobsUnder('media', `${forkId}/`) };
    };

    const crashing = crashingAt(all, 'story-fork-assets', 'first-progress');
    stack.startWorker(crashing.definitions);
    await crashing.reached;
    await stack.stopWorkers();
    const half = await stored();
    expect(half.rows.filter((row) => row.state === 'ready')).toEqual([{ blobName: half.blobs[0], state: 'ready' }]);
    expect(half.blobs).toHaveLength(1);

    const copied: string[] = [];
    const blobs: BlobStore = { ...stack.services.blobs, copy: (from, to, signal) => (copied.push(to.name), stack.services.blobs.copy(from, to, signal)) };
    stack.startWorker(createJobDefinitions({ ...stack.services, blobs }));

    expect(await stack.jobEnded(assetsJobId)).toMatchObject({ status: 'Completed', dequeueCount: 2, result: { storyId: forkId, assetsCopied: 3 } });
    expect(copied.sort()).toEqual(half.rows.filter((row) => row.state === 'copying').map((row) => row.blobName));
    const after = await stored();
    expect(after.rows.map((row) => row.state)).toEqual(['ready', 'ready', 'ready']);
    expect(after.blobs).toEqual(after.rows.map((row) => row.blobName));
    const shown = (await readStory(stack, forkId)).pages.flatMap((page) => page.media ?? []);
    const bytes = await Promise.all(shown.map((id) => stack.readBlob('media', `${forkId}/${id}`)));
    expect(bytes.map((image) => image.toString('base64'))).toEqual(images.map((image) => image.toString('base64')));
  });
});
