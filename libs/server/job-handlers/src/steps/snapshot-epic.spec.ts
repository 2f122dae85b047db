import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHandlerStack, type HandlerStack } from '../testing/start-handler-stack';
import { insertPublishedVersion, insertStory } from '../testing/story-fixtures';
import { description, insertEpic, insertWorldItem, saveEpicItems } from '../testing/world-fixtures';

let stack: HandlerStack;

beforeAll(async () => {
  stack = await startHandlerStack();
  stack.startWorker();
});
afterAll(() => stack?.close());

const run = async (type: 'epic-publish' | 'epic-version', epicId: string) => stack.jobEnded(await stack.startJob(type, epicId, { epicId }, { supersedeQueued: true }));
const story = async (title: string) => (await insertStory(stack, title, [{ en: 'Once', ro: 'A fost odată' }])).storyId;
const versionsOf = (epicId: string) =>
  stack.database.sql<{ version: number; kind: string; name: string; members: unknown }[]>`select version, kind, name, members from epic_versions where epic_id = ${epicId} order by version`;
const epicRow = async (epicId: string) =>
  (await stack.database.sql<{ publishedVersion: number | null; latestVersion: number | null }[]>`
    select published_version as "publishedVersion", latest_version as "latestVersion" from epics where id = ${epicId}`)[0];

describe('epic-publish', () => {
  it('refuses to publish, listing every unpublished story, then publishes version 1 pinning each member’s version', async () => {
    const [first, second] = [await story('First Tale'), await story('Second Tale')];
    const regionId = await insertWorldItem(stack, 'region', 'Stonewind Vale');
    await stack.database.sql`update regions set latest_version = 1 where id = ${regionId}`;
    const epicId = await insertEpic(stack, 'The Northern Saga', [
      { kind: 'story', id: first },
      { kind: 'region', id: regionId },
      { kind: 'story', id: second },
    ]);

    const refused = await run('epic-publish', epicId);
    expect(refused).toMatchObject({ status: 'Failed', dequeueCount: 1, error: 'The epic cannot be published. Not published yet: “First Tale”, “Second Tale”.' });
    expect(await versionsOf(epicId)).toEqual([]);

    await insertPublishedVersion(stack, first, 1);
    await insertPublishedVersion(stack, first, 2);
    await insertPublishedVersion(stack, second, 1);
    expect(await run('epic-publish', epicId)).toMatchObject({ status: 'Completed', progress: 100, result: { version: 1, memberCount: 3 } });
    expect(await epicRow(epicId)).toEqual({ publishedVersion: 1, latestVersion: 1 });
    expect(await versionsOf(epicId)).toEqual([
      {
        version: 1,
        kind: 'published',
        name: 'The Northern Saga',
        members: [
          { kind: 'story', id: first, name: 'First Tale', version: 2 },
          { kind: 'region', id: regionId, name: 'Stonewind Vale', version: 1 },
          { kind: 'story', id: second, name: 'Second Tale', version: 1 },
        ],
      },
    ]);
  });

  it('refuses to publish a region or hero with no version yet, naming it, and an empty epic', async () => {
    const heroId = await insertWorldItem(stack, 'hero', 'Nameless Wanderer');
    expect(await run('epic-publish', await insertEpic(stack, 'Unversioned', [{ kind: 'hero', id: heroId }]))).toMatchObject({
      status: 'Failed',
      error: 'The epic cannot be published. No version yet: “Nameless Wanderer”.',
    });
    expect(await run('epic-publish', await insertEpic(stack, 'Empty', []))).toMatchObject({
      status: 'Failed',
      error: 'The epic cannot be published. an epic needs at least one item before it can be published.',
    });
  });
});

describe('epic-version', () => {
  it('takes snapshot versions of the epic as it stands, which later edits leave alone', async () => {
    const storyId = await story('Draft Only');
    const heroId = await insertWorldItem(stack, 'hero', 'Ana');
    const epicId = await insertEpic(stack, 'Snapshot Saga', [{ kind: 'story', id: storyId }, { kind: 'hero', id: heroId }]);

    expect(await run('epic-version', epicId)).toMatchObject({ type: 'epic-version', status: 'Completed', result: { version: 1, memberCount: 2 } });
    expect(await epicRow(epicId)).toEqual({ publishedVersion: null, latestVersion: 1 });

    await stack.database.sql`update heroes set name = 'Ana Renamed', latest_version = 1 where id = ${heroId}`;
    await stack.database.sql`update epics set name = 'Snapshot Saga II' where id = ${epicId}`;
    await saveEpicItems(stack, epicId, [{ kind: 'hero', id: heroId }]);
    expect((await run('epic-version', epicId)).result).toEqual({ version: 2, memberCount: 1 });

    expect(await versionsOf(epicId)).toEqual([
      {
        version: 1,
        kind: 'snapshot',
        name: 'Snapshot Saga',
        members: [
          { kind: 'story', id: storyId, name: 'Draft Only', version: null },
          { kind: 'hero', id: heroId, name: 'Ana', version: null },
        ],
      },
      { version: 2, kind: 'snapshot', name: 'Snapshot Saga II', members: [{ kind: 'hero', id: heroId, name: 'Ana Renamed', version: 1 }] },
    ]);
    const [first] = await stack.database.sql<{ description: unknown }[]>`select description from epic_versions where epic_id = ${epicId} and version = 1`;
    expect(first.description).toEqual(description);
  });

  it('refuses a member that no longer exists or is another user’s, and an epic that no longer exists', async () => {
    const gone = await story('Gone');
    const [{ id: bobId }] = await stack.database.sql<{ id: string }[]>`insert into users (username, password_hash) values ('bob', 'unused') returning id`;
    const [{ id: bobsStory }] = await stack.database.sql<{ id: string }[]>`insert into stories (owner_id, title) values (${bobId}, 'Bob’s Tale') returning id`;
    const epicId = await insertEpic(stack, 'Mixed', [{ kind: 'story', id: gone }, { kind: 'story', id: bobsStory }]);
    await stack.database.sql`delete from stories where id = ${gone}`;

    expect(await run('epic-version', epicId)).toMatchObject({
      status: 'Failed',
      error: 'The epic cannot be versioned. an item no longer exists; remove it and save. not the owner’s: “Bob’s Tale”.',
    });
    expect(await run('epic-version', randomUUID())).toMatchObject({ status: 'Failed', error: 'The epic no longer exists.' });
  });
});

describe.each(['epic-publish', 'epic-version'] as const)('a %s message delivered again', (type) => {
  it('makes one version', async () => {
    const storyId = await story('Redelivered');
    await insertPublishedVersion(stack, storyId, 1);
    const epicId = await insertEpic(stack, 'Delivered twice', [{ kind: 'story', id: storyId }]);
    const job = await run(type, epicId);

    const { before, after } = await stack.redeliver(job, () => versionsOf(epicId));

    expect(before.effects.map((row) => row.version)).toEqual([1]);
    expect(after).toEqual(before);
  });
});
