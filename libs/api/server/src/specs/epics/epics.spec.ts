import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpicItemRef } from '@storyline/contracts';
import type { JobWorker } from '@storyline/jobs';
import { jobEnded } from '../../testing/job-ended';
import { draftStory } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { saveOver } from '../../testing/save-over';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let bob: TestClient;
let admin: TestClient;

useTestStack((started) => ({ stack, alice, bob, admin } = started));

const description = { en: 'The long road north.', ro: 'Drumul lung spre nord, prin țara șoimilor.' };

async function region(client: TestClient, name: string): Promise<string> {
  const { id } = await client.regions.create.mutate({ name });
  await saveOver(client.regions, { id, name, description });
  return id;
}

async function hero(client: TestClient, name: string): Promise<string> {
  const { id } = await client.heroes.create.mutate({ name });
  await saveOver(client.heroes, { id, name, description });
  return id;
}

async function epicWith(items: EpicItemRef[], name = 'The Northern Saga'): Promise<string> {
  const { id } = await alice.epics.create.mutate({ name });
  await saveOver(alice.epics, { id, name, description, items });
  return id;
}

async function ended(start: Promise<{ jobId: string }>) {
  const { jobId } = await start;
  return jobEnded(alice, jobId);
}

describe('latest wins', () => {
  it.each(['publish', 'version'] as const)('marks the older queued epic %s job superseded, naming the job that replaced it', async (action) => {
    const id = await epicWith([]);
    const older = await alice.epics[action].mutate({ id });
    const newer = await alice.epics[action].mutate({ id });
    expect(await alice.jobs.get.query({ jobId: older.jobId })).toMatchObject({
      status: 'Superseded',
      message: `Replaced by a newer request (job ${newer.jobId.slice(0, 8)})`,
    });
    const worker = stack.startWorker();
    try {
      await jobEnded(alice, newer.jobId);
    } finally {
      await worker.stop();
    }
    expect(await alice.jobs.get.query({ jobId: older.jobId })).toMatchObject({ status: 'Superseded' });
  });
});

describe('epics', () => {
  let worker: JobWorker;
  beforeAll(() => {
    worker = stack.startWorker();
  });
  afterAll(async () => {
    await worker?.stop();
  });

  it('creates an epic with items in order, resolving each title or name, and lists only the caller’s own', async () => {
    const storyId = await draftStory(alice, 1, 'The Crossing');
    const regionId = await region(alice, 'Stonewind Vale');
    const heroId = await hero(alice, 'Ana the Falconer');
    const created = await alice.epics.create.mutate({ name: '  The Northern Saga  ' });
    expect(created).toMatchObject({ name: 'The Northern Saga', description: { en: '', ro: '' }, items: [], publishedVersion: null, latestVersion: null });

    const items: EpicItemRef[] = [
      { kind: 'hero', id: heroId },
      { kind: 'story', id: storyId },
      { kind: 'region', id: regionId },
    ];
    const saved = await saveOver(alice.epics, { id: created.id, name: 'The Northern Saga', description, items });
    expect(saved.items).toEqual([
      { kind: 'hero', id: heroId, name: 'Ana the Falconer', version: null },
      { kind: 'story', id: storyId, name: 'The Crossing', version: null },
      { kind: 'region', id: regionId, name: 'Stonewind Vale', version: null },
    ]);
    expect(await alice.epics.get.query({ id: created.id })).toEqual(saved);
    expect((await alice.epics.list.query()).find((row) => row.id === created.id)).toMatchObject({ itemCount: 3 });
    expect((await bob.epics.list.query()).map((row) => row.id)).not.toContain(created.id);
  });

  it('keeps a new order once saved', async () => {
    const [a, b, c] = [await draftStory(alice, 1, 'A'), await draftStory(alice, 1, 'B'), await region(alice, 'C')];
    const id = await epicWith([
      { kind: 'story', id: a },
      { kind: 'story', id: b },
      { kind: 'region', id: c },
    ]);
    await saveOver(alice.epics, { id, name: 'Reordered', description, items: [{ kind: 'region', id: c }, { kind: 'story', id: a }, { kind: 'story', id: b }] });
    expect((await alice.epics.get.query({ id })).items.map((item) => item.name)).toEqual(['C', 'A', 'B']);
    await saveOver(alice.epics, { id, name: 'Reordered', description, items: [{ kind: 'story', id: b }] });
    expect((await admin.epics.get.query({ id })).items.map((item) => item.name)).toEqual(['B']);
  });

  it('refuses an item that is not the owner’s, naming it, and an item twice', async () => {
    const bobs = await draftStory(bob, 1, 'Bob’s Tale');
    const id = await epicWith([]);
    await expect(saveOver(alice.epics, { id, name: 'x', description, items: [{ kind: 'story', id: bobs }] })).rejects.toMatchObject({
      message: 'The story “Bob’s Tale” is not yours, so it cannot be in your epic',
      data: { code: 'BAD_REQUEST' },
    });
    const mine = await region(alice, 'Twice');
    await expect(
      saveOver(alice.epics, { id, name: 'x', description, items: [{ kind: 'region', id: mine }, { kind: 'region', id: mine }] }),
    ).rejects.toThrow(/an item appears in the epic only once/);
    expect((await alice.epics.get.query({ id })).items).toEqual([]);
  });

  it('refuses writes by anyone but the owner, and lets admins read', async () => {
    const id = await epicWith([]);
    await expect(bob.epics.get.query({ id })).rejects.toThrow('This epic belongs to another user');
    await expect(saveOver(bob.epics, { id, name: 'Mine', description, items: [] })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    for (const write of [
      () => saveOver(admin.epics, { id, name: 'Mine', description, items: [] }),
      () => admin.epics.publish.mutate({ id }),
      () => admin.epics.version.mutate({ id }),
    ]) {
      await expect(write()).rejects.toThrow('Only the owner may change this epic');
    }
    expect((await admin.epics.get.query({ id })).name).toBe('The Northern Saga');
    expect(await admin.epics.versions.query({ id })).toEqual([]);
  });

  it('lists the versions its jobs made, newest first, and reads each back, refusing one that does not exist', async () => {
    const storyId = await draftStory(alice, 1, 'The Tale');
    expect((await ended(alice.stories.publish.mutate({ storyId }))).status).toBe('Completed');
    const id = await epicWith([{ kind: 'story', id: storyId }], 'Versioned Saga');

    expect(await ended(alice.epics.version.mutate({ id }))).toMatchObject({ type: 'epic-version', status: 'Completed' });
    await saveOver(alice.epics, { id, name: 'Versioned Saga II', description, items: [{ kind: 'story', id: storyId }] });
    const published = await ended(alice.epics.publish.mutate({ id }));
    expect(published).toMatchObject({ type: 'epic-publish', status: 'Completed' });
    const version = published.result?.['version'] as number;
    expect(await alice.epics.get.query({ id })).toMatchObject({ publishedVersion: version, latestVersion: version });

    const listed = await alice.epics.versions.query({ id });
    expect(listed.map(({ kind, name }) => ({ kind, name }))).toEqual([
      { kind: 'published', name: 'Versioned Saga II' },
      { kind: 'snapshot', name: 'Versioned Saga' },
    ]);
    expect(listed[0].version).toBe(version);
    expect(await admin.epics.versionGet.query({ id, version })).toMatchObject({
      kind: 'published',
      name: 'Versioned Saga II',
      description,
      members: [{ kind: 'story', id: storyId, name: 'The Tale', version: 1 }],
    });
    await expect(alice.epics.versionGet.query({ id, version: 9 })).rejects.toThrow('Version 9 of this epic does not exist');
  });
});
