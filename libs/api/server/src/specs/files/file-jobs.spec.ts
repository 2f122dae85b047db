import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { StoryPageInput } from '@storyline/contracts';
import { sweepExpiredFiles } from '@storyline/job-handlers';
import { buildRawZip } from '@storyline/story-archive/testing';
import { eventually } from '../../../../../../tools/testing/eventually';
import { blobsUnder } from '../../testing/blobs-under';
import { draftStory, saveDraftOver } from '../../testing/story-fixtures';
import { postFile, testPng } from '../../testing/test-images';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let bob: TestClient;
let aliceCookie: string;

useTestStack(
  async (started) => {
    ({ stack, alice, bob } = started);
    aliceCookie = await stack.loginCookie('alice');
    stack.startWorker();
  },
  { files: { downloadLinkTtlMs: 60_000 } },
);

const ended = (jobId: string, client = alice) =>
  eventually(() => client.jobs.get.query({ jobId }), (job) => !['Queued', 'Running'].includes(job.status), `job ${jobId} to end`, { timeoutMs: 30_000 });

/** A story of `pages` pages in both languages, with a distinct PNG on each of the first `images` pages. */
async function storyWithImages(pages: number, images: number): Promise<string> {
  const storyId = await draftStory(alice, pages);
  const drafted: StoryPageInput[] = [];
  for (let index = 0; index < pages; index += 1) {
    const page: StoryPageInput = { en: `Page ${index + 1}: the fox crossed the river.`, ro: `Pagina ${index + 1}: vulpea a trecut râul, ținând în gură o știucă.`, media: [] };
    if (index < images) {
      const answer = await postFile(`${stack.baseUrl}/files/media?storyId=${storyId}`, aliceCookie, { name: `image-${index + 1}.png`, bytes: testPng(index + 10) });
      expect(answer.status).toBe(201);
      page.media = [answer.body.media!.id];
    }
    drafted.push(page);
  }
  await saveDraftOver(alice, { storyId, title: 'Vulpea și știuca', pages: drafted });
  return storyId;
}

async function download(jobId: string, client = alice): Promise<{ response: Response; bytes: Buffer; url: string }> {
  const link = await client.files.downloadLink.mutate({ jobId });
  const response = await fetch(`${stack.baseUrl}${link.url}`);
  return { response, bytes: Buffer.from(await response.arrayBuffer()), url: link.url };
}

describe('story-export', () => {
  it('hands the ZIP out through an expiring link, named after the story', async () => {
    const storyId = await storyWithImages(2, 1);
    const { jobId } = await alice.stories.export.mutate({ storyId });
    const job = await ended(jobId);
    expect(job).toMatchObject({ status: 'Completed', result: { fileName: 'vulpea-si-stiuca-draft.zip', contentType: 'application/zip' } });

    const { response, bytes: zip } = await download(jobId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toContain('vulpea-si-stiuca-draft.zip');
    expect(zip.length).toBe(job.result?.['byteSize']);
    expect(zip.subarray(0, 2).toString()).toBe('PK');
  });

  it('refuses to export a version that was never published', async () => {
    const storyId = await draftStory(alice, 1);
    await expect(alice.stories.export.mutate({ storyId, version: 9 })).rejects.toThrow(/Version 9 of this story does not exist/);
  });

  it('gives the link to the owner only, refuses a tampered or expired link clearly, and forgets files past retention', async () => {
    const storyId = await draftStory(alice, 1);
    const { jobId } = await alice.stories.export.mutate({ storyId });
    await ended(jobId);
    await expect(bob.files.downloadLink.mutate({ jobId })).rejects.toThrow(/belongs to another user/);

    const { url } = await download(jobId);
    const tampered = url.replace(/sig=[^&]+/, `sig=${encodeURIComponent(Buffer.alloc(32, 1).toString('base64'))}`);
    const refused = await fetch(`${stack.baseUrl}${tampered}`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/not valid: it was changed/);
    for (const extra of ['&comp=blocklist', '&restype=container&comp=list', '&snapshot=2020-01-01T00:00:00.0000000Z']) {
      const bent = await fetch(`${stack.baseUrl}${url}${extra}`);
      expect(bent.status, extra).toBe(200);
      expect(Buffer.from(await bent.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    }
    const past = url.replace(/se=([^&]+)/, `se=${encodeURIComponent('2020-01-01T00:00:00Z')}`);
    const expired = await fetch(`${stack.baseUrl}${past}`);
    expect(expired.status).toBe(410);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(/expired/);

    await stack.database.sql`update artifacts set expires_at = now() - interval '1 minute' where job_id = ${jobId}`;
    await sweepExpiredFiles(stack.database.db, stack.api.blobs);
    await expect(alice.files.downloadLink.mutate({ jobId })).rejects.toThrow(/deleted .* after its retention period/);
    const gone = await fetch(`${stack.baseUrl}${url}`);
    expect(gone.status).toBe(410);
  });
});

describe('story-import', () => {
  it('takes an exported story back through the upload route: 202 Queued, then a story of the uploader’s own with its images served', async () => {
    const storyId = await storyWithImages(2, 1);
    const exported = await alice.stories.export.mutate({ storyId });
    await ended(exported.jobId);
    const zip = (await download(exported.jobId)).bytes;

    const started = await postFile(`${stack.baseUrl}/files/imports`, aliceCookie, { name: 'vulpea.zip', bytes: zip, type: 'application/zip' });
    expect(started).toMatchObject({ status: 202, body: { jobId: expect.any(String), status: 'Queued' } });
    const job = await ended(started.body.jobId!);
    expect(job).toMatchObject({ status: 'Completed', result: { storyId: expect.any(String), title: 'Vulpea și știuca', pageCount: 2, mediaCount: 1 } });

    const imported = await alice.stories.get.query({ storyId: job.result!['storyId'] as string });
    expect(imported).toMatchObject({ title: 'Vulpea și știuca', pages: [{ en: 'Page 1: the fox crossed the river.' }, { en: 'Page 2: the fox crossed the river.' }] });
    for (const id of imported.pages.flatMap((page) => page.media)) {
      expect((await fetch(`${stack.baseUrl}/files/media/${id}`, { headers: { cookie: aliceCookie } })).status).toBe(200);
    }
  });

  it('fails a broken ZIP for good, naming another file as the cure, and refuses to retry it', async () => {
    const broken = buildRawZip([{ name: 'story.json', data: Buffer.from('{ "title": "half a story') }]);
    const started = await postFile(`${stack.baseUrl}/files/imports`, aliceCookie, { name: 'broken.zip', bytes: broken, type: 'application/zip' });
    const job = await ended(started.body.jobId!);
    expect(job).toMatchObject({ status: 'Failed', failure: { retryable: false, remedy: { action: 'choose-another-file', page: null } } });
    expect(job.error).toMatch(/story.json is not valid JSON/);
    await expect(alice.jobs.retry.mutate({ jobId: job.id })).rejects.toThrow(/Retrying cannot help.*choose another file/);
    // What the stream carried says the same as the row.
    const [event] = await stack.database.sql<{ data: { retryable: boolean } }[]>`select data from job_events where job_id = ${job.id} and kind = 'failed'`;
    expect(event.data.retryable).toBe(false);
  });

  it('refuses a file that is not a ZIP with 415 NOT_A_ZIP, before any job or upload exists', async () => {
    const bobCookie = await stack.loginCookie('bob');
    const [{ id: bobId }] = await stack.database.sql<{ id: string }[]>`select id from users where username = 'bob'`;
    const before = await stack.database.sql`select id from jobs where type = 'story-import'`;

    for (const file of [{ name: 'story.zip', bytes: testPng() }, { name: 'story.zip', bytes: Buffer.from('Rar!\u001a\u0007\u0000 not a zip at all'), type: 'application/zip' }]) {
      const answer = await postFile(`${stack.baseUrl}/files/imports`, bobCookie, file);
      expect(answer).toMatchObject({ status: 415, body: { error: { code: 'NOT_A_ZIP', message: 'This file is not a ZIP archive; export a story from Storyline to get one' } } });
    }
    expect(await stack.database.sql`select id from jobs where type = 'story-import'`).toHaveLength(before.length);
    expect(await stack.database.sql`select id from uploads where owner_id = ${bobId}`).toHaveLength(0);
    expect(await blobsUnder(stack.api.blobs, 'uploads', `${bobId}/`)).toEqual([]);
  });
});

describe('story-fork and story-fork-assets', () => {
  it('forks into a new story of the requester, whose images a second job of the chain copies', async () => {
    const storyId = await storyWithImages(2, 2);
    const { jobId } = await alice.stories.fork.mutate({ storyId });
    const fork = await ended(jobId);
    expect(fork).toMatchObject({ status: 'Completed', result: { storyId: expect.any(String), assetsJobId: expect.any(String) } });
    expect(await ended(fork.result!['assetsJobId'] as string)).toMatchObject({ status: 'Completed', type: 'story-fork-assets', parentJobId: jobId });

    const forked = await alice.stories.get.query({ storyId: fork.result!['storyId'] as string });
    expect(forked).toMatchObject({ title: 'Vulpea și știuca (fork)', forkedFrom: { storyId, title: 'Vulpea și știuca' } });
    expect(forked.media.map((media) => media.state)).toEqual(['ready', 'ready']);
    for (const id of forked.pages.flatMap((page) => page.media)) {
      expect((await fetch(`${stack.baseUrl}/files/media/${id}`, { headers: { cookie: aliceCookie } })).status).toBe(200);
    }
  });

  it('refuses to fork a story the requester may not read', async () => {
    const storyId = await draftStory(alice, 1);
    await expect(bob.stories.fork.mutate({ storyId })).rejects.toThrow(/belongs to another user/);
  });
});

describe('retry', () => {
  it('starts a failed job again as a new job, and refuses to retry one that did not fail', async () => {
    const storyId = await draftStory(alice, 1);
    const failed = await stack.database.sql<{ id: string }[]>`
      insert into jobs (type, target_id, owner_id, payload, status, error)
      select 'story-export', ${storyId}, owner_id, ${JSON.stringify({ storyId, version: null })}::jsonb, 'Failed', 'storage went away'
      from stories where id = ${storyId} returning id`;
    const retried = await alice.jobs.retry.mutate({ jobId: failed[0].id });
    expect(retried.jobId).not.toBe(failed[0].id);
    expect((await ended(retried.jobId)).status).toBe('Completed');
    await expect(alice.jobs.retry.mutate({ jobId: retried.jobId })).rejects.toThrow(/Only a failed or cancelled job can be retried/);
    await expect(bob.jobs.retry.mutate({ jobId: failed[0].id })).rejects.toThrow(/belongs to another user/);
  });

  it('lets an admin retry as an operator: the new job stays the owner’s and says who retried it', async () => {
    const admin = await stack.login('admin');
    const storyId = await draftStory(alice, 1);
    const [failed] = await stack.database.sql<{ id: string }[]>`
      insert into jobs (type, target_id, owner_id, payload, status, error)
      select 'story-publish', ${storyId}, owner_id, ${JSON.stringify({ storyId })}::jsonb, 'Failed', 'renderer crashed'
      from stories where id = ${storyId} returning id`;
    const retried = await admin.jobs.retry.mutate({ jobId: failed.id });
    const [first] = await stack.database.sql<{ message: string }[]>`select data->>'message' as message from job_events where job_id = ${retried.jobId} order by seq limit 1`;
    expect(first.message).toBe(`Retried by admin (job ${failed.id.slice(0, 8)}); waiting for a worker`);
    const done = await ended(retried.jobId);
    expect(done).toMatchObject({ status: 'Completed', ownerId: (await alice.stories.get.query({ storyId })).ownerId, result: { version: 1 } });
  });

  it('retries a job once however often it is asked, so a double click never imports a ZIP twice', async () => {
    const storyId = await draftStory(alice, 1, 'Imported once');
    const exported = await alice.stories.export.mutate({ storyId });
    await ended(exported.jobId);
    const zip = (await download(exported.jobId)).bytes;
    const [{ ownerId }] = await stack.database.sql<{ ownerId: string }[]>`select owner_id as "ownerId" from stories where id = ${storyId}`;
    const uploadId = randomUUID();
    const blobName = `${ownerId}/${uploadId}.zip`;
    await stack.api.blobs.upload('uploads', blobName, Readable.from([zip]), { contentType: 'application/zip' });
    await stack.database.sql`insert into uploads (id, owner_id, blob_name, file_name, byte_size, expires_at)
      values (${uploadId}, ${ownerId}, ${blobName}, 'once.zip', ${zip.length}, now() + interval '1 day')`;
    const [failed] = await stack.database.sql<{ id: string }[]>`
      insert into jobs (type, target_id, owner_id, payload, status, error) values ('story-import', gen_random_uuid(), ${ownerId},
        ${JSON.stringify({ uploadId, storyId: randomUUID(), fileName: 'once.zip' })}::jsonb, 'Failed', 'storage went away') returning id`;

    const [first, second] = await Promise.all([alice.jobs.retry.mutate({ jobId: failed.id }), alice.jobs.retry.mutate({ jobId: failed.id })]);
    expect(second.jobId).toBe(first.jobId);
    expect(await ended(first.jobId)).toMatchObject({ status: 'Completed', result: { title: 'Imported once' } });
    expect(await stack.database.sql`select id from jobs where payload->>'uploadId' = ${uploadId}`).toHaveLength(2);
    expect(await stack.database.sql`select id from stories where title = 'Imported once'`).toHaveLength(2);
  });
});
