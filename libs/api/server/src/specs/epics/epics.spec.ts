import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpicItemRef } from '@storyline/contracts';
import type { JobWorker } from '@storyline/jobs';
import { eventually } from '../../../../../../tools/testing/eventually';
import { jobEnded } from '../../testing/job-ended';
import { draftStory } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let bob: TestClient;
let admin: TestClient;

useTestStack((started) => ({ stack, alice, bob, admin } = started));

const description = { en: 'The long road north.', ro: 'Drumul lung spre nord, prin țara șoimilor.' };

async function region(client: TestClient, name: string): Promise<string> {
  const { id } = await client.regions.create.mutate({ name });
  await client.regions.save.mutate({ id, name, description });
  return id;
}

async function hero(client: TestClient, name: string): Promise<string> {
  const { id } = await client.heroes.create.mutate({ name });
  await client.heroes.save.mutate({ id, name, description });
  return id;
}

async function epicWith(items: EpicItemRef[], name = 'The Northern Saga'): Promise<string> {
  const { id } = await alice.epics.create.mutate({ name });
  await alice.epics.save.mutate({ id, name, description, items });
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
    const saved = await alice.epics.save.mutate({ id: created.id, name: 'The Northern Saga', description, items });
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
    await alice.epics.save.mutate({ id, name: 'Reordered', description, items: [{ kind: 'region', id: c }, { kind: 'story', id: a }, { kind: 'story', id: b }] });
    expect((await alice.epics.get.query({ id })).items.map((item) => item.name)).toEqual(['C', 'A', 'B']);
    await alice.epics.save.mutate({ id, name: 'Reordered', description, items: [{ kind: 'story', id: b }] });
    expect((await admin.epics.get.query({ id })).items.map((item) => item.name)).toEqual(['B']);
  });

  it('refuses an item that is not the owner’s, naming it, and an item twice', async () => {
    const bobs = await draftStory(bob, 1, 'Bob’s Tale');
    const id = await epicWith([]);
    await expect(alice.epics.save.mutate({ id, name: 'x', description, items: [{ kind: 'story', id: bobs }] })).rejects.toMatchObject({
      message: 'The story “Bob’s Tale” is not yours, so it cannot be in your epic',
      data: { code: 'BAD_REQUEST' },
    });
    const mine = await region(alice, 'Twice');
    await expect(
      alice.epics.save.mutate({ id, name: 'x', description, items: [{ kind: 'region', id: mine }, { kind: 'region', id: mine }] }),
    ).rejects.toThrow(/an item appears in the epic only once/);
    expect((await alice.epics.get.query({ id })).items).toEqual([]);
  });

  it('refuses writes by anyone but the owner, and lets admins read', async () => {
    const id = await epicWith([]);
    await expect(bob.epics.get.query({ id })).rejects.toThrow('This epic belongs to another user');
    await expect(bob.epics.save.mutate({ id, name: 'Mine', description, items: [] })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    for (const write of [
      admin.epics.save.mutate({ id, name: 'Mine', description, items: [] }),
      admin.epics.publish.mutate({ id }),
      admin.epics.version.mutate({ id }),
    ]) {
      await expect(write).rejects.toThrow('Only the owner may change this epic');
    }
    expect((await admin.epics.get.query({ id })).name).toBe('The Northern Saga');
    expect(await admin.epics.versions.query({ id })).toEqual([]);
  });

  it('refuses to publish listing every unpublished story, then publishes version 1 pinning each member’s version', async () => {
    const first = await draftStory(alice, 1, 'First Tale');
    const second = await draftStory(alice, 1, 'Second Tale');
    const regionId = await region(alice, 'Stonewind Vale');
    expect((await ended(alice.regions.version.mutate({ id: regionId }))).status).toBe('Completed');
    const id = await epicWith([
      { kind: 'story', id: first },
      { kind: 'region', id: regionId },
      { kind: 'story', id: second },
    ]);

    const refused = await ended(alice.epics.publish.mutate({ id }));
    expect(refused.status).toBe('Failed');
    expect(refused.error).toContain('Not published yet: “First Tale”, “Second Tale”');
    expect(await alice.epics.versions.query({ id })).toEqual([]);

    for (const storyId of [first, second, first]) expect((await ended(alice.stories.publish.mutate({ storyId }))).status).toBe('Completed');
    const published = await ended(alice.epics.publish.mutate({ id }));
    expect(published).toMatchObject({ type: 'epic-publish', status: 'Completed', progress: 100, result: { version: 1, memberCount: 3 } });
    expect(await alice.epics.get.query({ id })).toMatchObject({ publishedVersion: 1, latestVersion: 1 });
    expect(await admin.epics.versionGet.query({ id, version: 1 })).toMatchObject({
      version: 1,
      kind: 'published',
      name: 'The Northern Saga',
      description,
      members: [
        { kind: 'story', id: first, name: 'First Tale', version: 2 },
        { kind: 'region', id: regionId, name: 'Stonewind Vale', version: 1 },
        { kind: 'story', id: second, name: 'Second Tale', version: 1 },
      ],
    });
  });

  it('refuses to publish a region or hero with no version yet, naming it', async () => {
    const heroId = await hero(alice, 'Nameless Wanderer');
    const id = await epicWith([{ kind: 'hero', id: heroId }]);
    const refused = await ended(alice.epics.publish.mutate({ id }));
    expect(refused).toMatchObject({ status: 'Failed', error: expect.stringContaining('No version yet: “Nameless Wanderer”') });
  });

  it('takes snapshot versions of the epic as it stands, which later edits leave alone', async () => {
    const storyId = await draftStory(alice, 1, 'Draft Only');
    const heroId = await hero(alice, 'Ana');
    const id = await epicWith([{ kind: 'story', id: storyId }, { kind: 'hero', id: heroId }], 'Snapshot Saga');

    const first = await ended(alice.epics.version.mutate({ id }));
    expect(first).toMatchObject({ type: 'epic-version', status: 'Completed', result: { version: 1, memberCount: 2 } });
    expect(await alice.epics.get.query({ id })).toMatchObject({ latestVersion: 1, publishedVersion: null });

    await ended(alice.heroes.version.mutate({ id: heroId }));
    await alice.heroes.save.mutate({ id: heroId, name: 'Ana Renamed', description });
    await alice.epics.save.mutate({ id, name: 'Snapshot Saga II', description: { en: 'Changed', ro: 'Schimbat' }, items: [{ kind: 'hero', id: heroId }] });
    expect((await ended(alice.epics.version.mutate({ id }))).result).toEqual({ version: 2, memberCount: 1 });

    expect((await alice.epics.versions.query({ id })).map(({ version, kind, name }) => ({ version, kind, name }))).toEqual([
      { version: 2, kind: 'snapshot', name: 'Snapshot Saga II' },
      { version: 1, kind: 'snapshot', name: 'Snapshot Saga' },
    ]);
    expect(await alice.epics.versionGet.query({ id, version: 1 })).toMatchObject({
      name: 'Snapshot Saga',
      description,
      members: [
        { kind: 'story', id: storyId, name: 'Draft Only', version: null },
        { kind: 'hero', id: heroId, name: 'Ana', version: null },
      ],
    });
    expect((await alice.epics.versionGet.query({ id, version: 2 })).members).toEqual([{ kind: 'hero', id: heroId, name: 'Ana Renamed', version: 1 }]);
    await expect(alice.epics.versionGet.query({ id, version: 9 })).rejects.toThrow('Version 9 of this epic does not exist');
  });

  it.each(['epic-publish', 'epic-version'] as const)('makes one version when the message of a completed %s job is delivered again', async (jobType) => {
    const storyId = await draftStory(alice, 1, 'Redelivered');
    await ended(alice.stories.publish.mutate({ storyId }));
    const id = await epicWith([{ kind: 'story', id: storyId }]);
    const job = await ended(jobType === 'epic-publish' ? alice.epics.publish.mutate({ id }) : alice.epics.version.mutate({ id }));
    expect(job).toMatchObject({ status: 'Completed', dequeueCount: 1 });
    await stack.api.queues.send(jobType, { jobId: job.id, type: jobType });
    await eventually(() => stack.api.queues.depth(jobType), (depth) => depth === 0, `the ${jobType} queue to drain`, { timeoutMs: 15_000 });
    const rows = await stack.database.sql`select version from epic_versions where epic_id = ${id}`;
    expect(rows.map((row) => row['version'])).toEqual([1]);
    expect(await alice.jobs.get.query({ jobId: job.id })).toMatchObject({ status: 'Completed', result: { version: 1 } });
  });
});
