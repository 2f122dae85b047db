import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobType, WorldKind } from '@storyline/contracts';
import { startHandlerStack, type HandlerStack } from '../testing/start-handler-stack';
import { testPng } from '../testing/story-fixtures';
import { description, insertWorldItem, setWorldImage } from '../testing/world-fixtures';

let stack: HandlerStack;

beforeAll(async () => {
  stack = await startHandlerStack();
  stack.startWorker();
});
afterAll(() => stack?.close());

const KINDS: { kind: WorldKind; jobType: JobType; items: string; versions: string; parent: string; payloadKey: string }[] = [
  { kind: 'region', jobType: 'region-version', items: 'regions', versions: 'region_versions', parent: 'region_id', payloadKey: 'regionId' },
  { kind: 'hero', jobType: 'hero-version', items: 'heroes', versions: 'hero_versions', parent: 'hero_id', payloadKey: 'heroId' },
];

describe.each(KINDS)('$jobType', ({ kind, jobType, items, versions, parent, payloadKey }) => {
  const sql = () => stack.database.sql;
  const takeVersion = async (id: string) => stack.jobEnded(await stack.startJob(jobType, id, { [payloadKey]: id }, { supersedeQueued: true }));
  const versionsOf = (id: string) =>
    sql()<{ version: number; name: string; description: unknown; imageBlobName: string | null }[]>`
      select version, name, description, image_blob_name as "imageBlobName" from ${sql()(versions)} where ${sql()(parent)} = ${id} order by version`;
  const itemRow = async (id: string) => (await sql()<{ latestVersion: number | null }[]>`select latest_version as "latestVersion" from ${sql()(items)} where id = ${id}`)[0];

  it('takes version 1, then 2, each a snapshot of the row and its image that later edits leave alone', async () => {
    const id = await insertWorldItem(stack, kind, 'First name');
    const first = await setWorldImage(stack, kind, id, testPng(41));
    expect(await takeVersion(id)).toMatchObject({ type: jobType, status: 'Completed', result: { version: 1 } });

    await sql()`update ${sql()(items)} set name = 'Second name' where id = ${id}`;
    const second = await setWorldImage(stack, kind, id, testPng(42));
    expect((await takeVersion(id)).result).toEqual({ version: 2 });

    expect(await versionsOf(id)).toEqual([
      { version: 1, name: 'First name', description, imageBlobName: first },
      { version: 2, name: 'Second name', description, imageBlobName: second },
    ]);
    expect(await itemRow(id)).toEqual({ latestVersion: 2 });
  });

  it('fails the job listing every problem at once', async () => {
    const id = await insertWorldItem(stack, kind, 'Bare', { en: '', ro: ' ' });
    const job = await takeVersion(id);
    expect(job).toMatchObject({ status: 'Failed', dequeueCount: 1, error: `This ${kind} cannot be versioned yet: the English description is empty; the Romanian description is empty` });
    expect(await versionsOf(id)).toEqual([]);
  });

  it('fails the job when the image is missing from storage', async () => {
    const id = await insertWorldItem(stack, kind, 'Lost image');
    await stack.services.blobs.delete('media', await setWorldImage(stack, kind, id, testPng(51)));
    expect(await takeVersion(id)).toMatchObject({ status: 'Failed', error: `The ${kind}'s image is missing from storage; upload it again` });
  });

  it('fails the job when the item no longer exists', async () => {
    expect(await takeVersion(randomUUID())).toMatchObject({ status: 'Failed', error: `The ${kind} no longer exists.` });
  });

  it('makes one version when the message of a completed job is delivered again', async () => {
    const id = await insertWorldItem(stack, kind, 'Delivered twice');
    const job = await takeVersion(id);

    const { before, after } = await stack.redeliver(job, () => versionsOf(id));

    expect(before.effects.map((row) => row.version)).toEqual([1]);
    expect(after).toEqual(before);
  });
});
