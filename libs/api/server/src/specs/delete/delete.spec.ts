import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { purgeDeleted } from '@storyline/job-handlers';
import { blobsUnder } from '../../testing/blobs-under';
import { downloadArtifact } from '../../testing/download-artifact';
import { draftIllustratedStory } from '../../testing/draft-illustrated-story';
import { beginHeld } from '../../testing/held-transaction';
import { jobEnded } from '../../testing/job-ended';
import { saveOver } from '../../testing/save-over';
import { draftStory, saveDraftOver } from '../../testing/story-fixtures';
import { postFile, testPng } from '../../testing/test-images';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';
import { eventually } from '../../../../../../tools/testing/eventually';

let stack: TestStack;
let alice: TestClient;
let bob: TestClient;
let admin: TestClient;
let aliceCookie: string;

useTestStack(async (started) => {
  ({ stack, alice, bob, admin } = started);
  aliceCookie = await stack.loginCookie('alice');
  stack.startWorker();
});

const TEN_MINUTES = 600_000;
const purgeNow = () => purgeDeleted(stack.database.db, stack.api.blobs, 0);
const storyIds = async (client: TestClient) => (await client.stories.list.query()).map((story) => story.id);

describe('deleting a story', () => {
  it('takes it out of the list and every read at once, and Undo brings it back whole', async () => {
    const { storyId, images } = await draftIllustratedStory(stack, { client: alice, cookie: aliceCookie }, 'The Fox and the Lantern', [
      { en: 'A fox', ro: 'O vulpe', images: [testPng(5)] },
    ]);
    const [imageId] = images.keys();
    const before = await alice.stories.get.query({ storyId });

    expect(await alice.stories.delete.mutate({ storyId })).toEqual({ kind: 'story', id: storyId, name: 'The Fox and the Lantern' });
    expect(await storyIds(alice)).not.toContain(storyId);
    await expect(alice.stories.get.query({ storyId })).rejects.toThrow('This story does not exist');
    await expect(admin.stories.get.query({ storyId })).rejects.toThrow('This story does not exist');
    await expect(alice.stories.exportDocument.mutate({ storyId, language: 'en' })).rejects.toThrow('This story does not exist');
    expect((await fetch(`${stack.baseUrl}/files/media/${imageId}`, { headers: { cookie: aliceCookie } })).status).toBe(404);
    await expect(alice.stories.delete.mutate({ storyId })).rejects.toThrow('This story does not exist');

    expect(await alice.stories.restore.mutate({ storyId })).toEqual({ kind: 'story', id: storyId, name: 'The Fox and the Lantern' });
    expect(await alice.stories.restore.mutate({ storyId })).toMatchObject({ id: storyId });
    expect(await storyIds(alice)).toContain(storyId);
    expect(await alice.stories.get.query({ storyId })).toEqual(before);
    expect((await fetch(`${stack.baseUrl}/files/media/${imageId}`, { headers: { cookie: aliceCookie } })).status).toBe(200);
  });

  it('refuses another user’s story as if it did not exist, and an admin’s delete too: only the owner deletes', async () => {
    const storyId = await draftStory(alice, 1, 'Alice’s own');
    await expect(bob.stories.delete.mutate({ storyId })).rejects.toThrow('This story does not exist');
    await expect(admin.stories.delete.mutate({ storyId })).rejects.toThrow('This story does not exist');
    await alice.stories.delete.mutate({ storyId });
    await expect(bob.stories.restore.mutate({ storyId })).rejects.toThrow('This story does not exist, or was deleted too long ago to restore');
    await expect(alice.stories.delete.mutate({ storyId: 'not-a-uuid' })).rejects.toThrow('storyId must be a UUID');
  });

  it('purges it once the undo window passed: its images, published pages and exports are gone from storage, and it can no longer be restored', async () => {
    const { storyId } = await draftIllustratedStory(stack, { client: alice, cookie: aliceCookie }, 'To be purged', [{ en: 'Words', ro: 'Cuvinte', images: [testPng(6)] }]);
    expect((await jobEnded(alice, (await alice.stories.publish.mutate({ storyId })).jobId)).status).toBe('Completed');
    const exported = await alice.stories.export.mutate({ storyId, version: 1 });
    expect((await jobEnded(alice, exported.jobId)).status).toBe('Completed');
    const exportBlob = async () => (await stack.database.sql<{ blob_name: string }[]>`select blob_name from artifacts where job_id = ${exported.jobId}`)[0].blob_name;
    const blobName = await exportBlob();
    expect(await blobsUnder(stack.api.blobs, 'media', `${storyId}/`)).toHaveLength(1);
    expect(await blobsUnder(stack.api.blobs, 'published', `${storyId}/`)).toHaveLength(1);
    expect(await blobsUnder(stack.api.blobs, 'exports', blobName)).toEqual([blobName]);

    await alice.stories.delete.mutate({ storyId });
    expect((await purgeDeleted(stack.database.db, stack.api.blobs, TEN_MINUTES)).story).toBe(0);
    expect(await blobsUnder(stack.api.blobs, 'media', `${storyId}/`)).toHaveLength(1);

    expect((await purgeNow()).story).toBeGreaterThanOrEqual(1);
    expect(await blobsUnder(stack.api.blobs, 'media', `${storyId}/`)).toEqual([]);
    expect(await blobsUnder(stack.api.blobs, 'published', `${storyId}/`)).toEqual([]);
    expect(await blobsUnder(stack.api.blobs, 'exports', blobName)).toEqual([]);
    expect(await stack.database.sql`select 1 from stories where id = ${storyId}`).toHaveLength(0);
    expect(await stack.database.sql`select 1 from media where story_id = ${storyId}`).toHaveLength(0);
    await expect(downloadArtifact(stack, alice, exported.jobId)).rejects.toThrow(/deleted/);
    await expect(alice.stories.restore.mutate({ storyId })).rejects.toThrow('This story does not exist, or was deleted too long ago to restore');
  });

  it('ends a running job on it as failed with “The story was deleted.”, and refuses a retry of it: none can succeed on a deleted story', async () => {
    const storyId = await draftStory(alice, 3, 'Held export');
    // The export reads the story's images after it started; a lock on the media table holds it there, Running.
    const hold = await beginHeld(stack.database.db);
    await hold.tx.execute(sql`lock table media in access exclusive mode`);
    let jobId: string;
    try {
      ({ jobId } = await alice.stories.exportDocument.mutate({ storyId, language: 'en' }));
      await eventually(() => alice.jobs.get.query({ jobId }), (job) => job.status === 'Running', 'the export to run');
      await alice.stories.delete.mutate({ storyId });
      expect(await alice.jobs.get.query({ jobId })).toMatchObject({ status: 'Failed', error: 'The story was deleted.' });
    } finally {
      await hold.rollback();
    }
    const events = await stack.database.sql<{ kind: string }[]>`select kind from job_events where job_id = ${jobId} order by seq`;
    expect(events.map((event) => event.kind).filter((kind) => kind === 'failed' || kind === 'completed')).toEqual(['failed']);

    expect(await alice.jobs.get.query({ jobId })).toMatchObject({ failure: { retryable: false, remedy: null } });
    await expect(alice.jobs.retry.mutate({ jobId })).rejects.toMatchObject({ data: { code: 'CONFLICT' }, message: expect.stringMatching(/Retrying cannot help/) });
  });
});

describe('removing an image from a draft', () => {
  it('keeps the image through the undo window, so a later save can put it back; once purged, its blob is gone', async () => {
    const { storyId, images } = await draftIllustratedStory(stack, { client: alice, cookie: aliceCookie }, 'Pictures', [{ en: 'One', ro: 'Unu', images: [testPng(7)] }]);
    const [imageId] = images.keys();
    const withImage = [{ en: 'One', ro: 'Unu', media: [imageId] }];
    const withoutImage = [{ en: 'One', ro: 'Unu', media: [] }];

    await saveDraftOver(alice, { storyId, title: 'Pictures', pages: withoutImage });
    expect(await blobsUnder(stack.api.blobs, 'media', `${storyId}/`)).toHaveLength(1);
    expect((await saveDraftOver(alice, { storyId, title: 'Pictures', pages: withImage })).pages).toEqual(withImage);
    await purgeNow();
    expect(await blobsUnder(stack.api.blobs, 'media', `${storyId}/`)).toHaveLength(1);
    expect((await fetch(`${stack.baseUrl}/files/media/${imageId}`, { headers: { cookie: aliceCookie } })).status).toBe(200);

    await saveDraftOver(alice, { storyId, title: 'Pictures', pages: withoutImage });
    expect((await purgeDeleted(stack.database.db, stack.api.blobs, TEN_MINUTES)).media).toBe(0);
    expect((await purgeNow()).media).toBe(1);
    expect(await blobsUnder(stack.api.blobs, 'media', `${storyId}/`)).toEqual([]);
    await expect(saveDraftOver(alice, { storyId, title: 'Pictures', pages: withImage })).rejects.toThrow(/names images that are not this story/);
  });
});

describe('deleting regions, heroes and epics', () => {
  it('deletes and restores a hero, and purges its image with it', async () => {
    const hero = await alice.heroes.create.mutate({ name: 'Ana' });
    expect((await postFile(`${stack.baseUrl}/files/heroes/${hero.id}/image`, aliceCookie, { name: 'ana.png', bytes: testPng(8) })).status).toBe(201);
    await alice.heroes.delete.mutate({ id: hero.id });
    expect((await alice.heroes.list.query()).map((item) => item.id)).not.toContain(hero.id);
    await expect(alice.heroes.get.query({ id: hero.id })).rejects.toThrow('This hero does not exist');
    await expect(bob.heroes.restore.mutate({ id: hero.id })).rejects.toThrow(/does not exist/);
    expect(await alice.heroes.restore.mutate({ id: hero.id })).toEqual({ kind: 'hero', id: hero.id, name: 'Ana' });
    expect((await alice.heroes.get.query({ id: hero.id })).image).not.toBeNull();

    await alice.heroes.delete.mutate({ id: hero.id });
    expect(await blobsUnder(stack.api.blobs, 'media', `heroes/${hero.id}/`)).toHaveLength(1);
    expect((await purgeNow()).hero).toBe(1);
    expect(await blobsUnder(stack.api.blobs, 'media', `heroes/${hero.id}/`)).toEqual([]);
  });

  it('shows a deleted member in its epic as deleted: the epic still saves, and publishing asks to remove it first', async () => {
    const storyId = await draftStory(alice, 1, 'Member story');
    const region = await alice.regions.create.mutate({ name: 'The Valley' });
    const epic = await alice.epics.create.mutate({ name: 'Saga' });
    const items = [
      { kind: 'story' as const, id: storyId },
      { kind: 'region' as const, id: region.id },
    ];
    await saveOver(alice.epics, { id: epic.id, name: 'Saga', description: { en: '', ro: '' }, items });

    await alice.stories.delete.mutate({ storyId });
    const shown = await alice.epics.get.query({ id: epic.id });
    expect(shown.items.map((item) => item.name)).toEqual(['(deleted story)', 'The Valley']);
    expect((await saveOver(alice.epics, { id: epic.id, name: 'Saga, still', description: { en: '', ro: '' }, items })).items).toHaveLength(2);
    const { jobId } = await alice.epics.publish.mutate({ id: epic.id });
    expect((await jobEnded(alice, jobId)).error).toMatch(/an item no longer exists; remove it and save/);

    await alice.stories.restore.mutate({ storyId });
    expect((await alice.epics.get.query({ id: epic.id })).items[0].name).toBe('Member story');

    await alice.epics.delete.mutate({ id: epic.id });
    expect((await alice.epics.list.query()).map((item) => item.id)).not.toContain(epic.id);
    await expect(alice.epics.get.query({ id: epic.id })).rejects.toThrow('This epic does not exist');
    await alice.regions.delete.mutate({ id: region.id });
    await purgeNow();
    expect(await stack.database.sql`select 1 from epics where id = ${epic.id} union all select 1 from regions where id = ${region.id}`).toHaveLength(0);
  });
});
