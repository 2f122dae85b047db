import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '@storyline/contracts';
import { uploads } from '@storyline/db';
import type { JobDefinition } from '@storyline/jobs';
import type { BlobStore } from '@storyline/storage';
import { buildRawZip, manifestBytes, mediaFor, storyWith } from '@storyline/story-archive/testing';
import { eventually } from '../../../../tools/testing/eventually';
import { createJobDefinitions } from './index';
import { crashingAt } from './testing/crashing-at';
import { acceptedArchives, refusedArchives } from './testing/refused-archives';
import { startHandlerStack, type HandlerStack } from './testing/start-handler-stack';
import { insertStory, readStory, testPng } from './testing/story-fixtures';

const MiB = 1024 * 1024;
let stack: HandlerStack;
/** Holds the scratch dir and nothing else, so a file an archive smuggled out of it would show here. */
let root: string;
let scratchDir: string;
/** Media uploads the import began, by story id: a refusal that came after some shows they were removed. */
const mediaUploads = new Map<string, number>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'storyline-import-'));
  scratchDir = join(root, 'scratch');
  await mkdir(scratchDir);
  stack = await startHandlerStack({ services: (base) => ({ blobs: countingMediaUploads(base.blobs), scratchDir, archiveLimits: { maxTotalUncompressedBytes: 8 * MiB } }) });
});
afterEach(() => stack.stopWorkers());
afterAll(async () => {
  await stack?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

function countingMediaUploads(blobs: BlobStore): BlobStore {
  return {
    ...blobs,
    upload(container, name, content, options) {
      const storyId = name.split('/')[0];
      if (container === 'media') mediaUploads.set(storyId, (mediaUploads.get(storyId) ?? 0) + 1);
      return blobs.upload(container, name, content, options);
    },
  };
}

/** Stores `zip` as an upload of the stack's owner, as the API's import route does, and starts its import. */
async function startImport(zip: Buffer): Promise<{ jobId: string; storyId: string; uploadId: string }> {
  const [uploadId, storyId] = [randomUUID(), randomUUID()];
  const blobName = `${stack.ownerId}/${uploadId}.zip`;
  const { byteSize } = await stack.services.blobs.upload('uploads', blobName, Readable.from([zip]), { contentType: 'application/zip' });
  await stack.database.db.insert(uploads).values({ id: uploadId, ownerId: stack.ownerId, blobName, fileName: 'story.zip', byteSize, expiresAt: new Date(Date.now() + 86_400_000) });
  const jobId = await stack.startJob('story-import', storyId, { uploadId, storyId, fileName: 'story.zip' });
  return { jobId, storyId, uploadId };
}

async function importZip(zip: Buffer): Promise<{ job: JobView; storyId: string }> {
  const { jobId, storyId } = await startImport(zip);
  return { job: await stack.jobEnded(jobId), storyId };
}

/** A story's media rows and the blobs under its folder: equal when nothing is orphaned and nothing missing. */
async function storedMedia(storyId: string) {
  const rows = await stack.database.sql<{ blobName: string }[]>`select blob_name as "blobName" from media where story_id = ${storyId} order by blob_name`;
  return { rows: rows.map((row) => row.blobName), blobs: await stack.blobsUnder('media', `${storyId}/`) };
}

/** Once the job is Completed, a moment before the handler's `finally` deletes its copy of the ZIP. */
const scratchEmptied = () => eventually(() => readdir(scratchDir), (left) => left.length === 0, 'the job to delete its copy of the ZIP', { timeoutMs: 5_000 });

/** Where an entry named by an absolute path would land if anything wrote it out: beside the scratch dir. */
const absoluteTarget = () => join(root, 'absolute.txt');

describe('story-import refusing damaged, hostile and broken archives', () => {
  it.each(refusedArchives(absoluteTarget))('fails at once, clearly, and keeps nothing, for $what', async ({ zip, error, storedFirst = 0 }) => {
    stack.startWorker();
    const { job, storyId } = await importZip(zip());

    expect(job).toMatchObject({ status: 'Failed', dequeueCount: 1, result: null });
    expect(job.error).toMatch(error);
    expect(mediaUploads.get(storyId) ?? 0).toBe(storedFirst);
    expect(await readStory(stack, storyId)).toBeUndefined();
    expect(await storedMedia(storyId)).toEqual({ rows: [], blobs: [] });
    expect(await readdir(scratchDir)).toEqual([]);
    expect(await readdir(root)).toEqual(['scratch']);
    expect(existsSync(absoluteTarget())).toBe(false);
  });

  it('imports a well-formed archive, and the same archive undamaged, so the refusals above are the archives’ own', async () => {
    stack.startWorker();
    for (const zip of acceptedArchives()) {
      const { job, storyId } = await importZip(zip);
      expect(job).toMatchObject({ status: 'Completed', dequeueCount: 1, result: { storyId, title: 'The fox', pageCount: 1, mediaCount: 2 } });
      expect((await storedMedia(storyId)).blobs).toHaveLength(2);
      await scratchEmptied();
    }
  });
});

/** Three pages of one image each, as a ZIP built here, so an import needs no other job first. */
const images = [testPng(21), testPng(22), testPng(23)];
function threeImageZip(title: string): Buffer {
  const media = images.map((png, index) => mediaFor(`image-${index + 1}`, png));
  return buildRawZip([
    { name: 'story.json', data: manifestBytes({ ...storyWith(media), title }), method: 'deflated' },
    ...media.map((item, index) => ({ name: item.file, data: images[index] })),
  ]);
}

describe('story-import', () => {
  it('gives back what story-export wrote: the text in every language and the image bytes, and lets the upload go', async () => {
    stack.startWorker();
    const pages = [1, 2, 3, 4].map((number) => ({ en: `Page ${number}: the fox crossed the river.`, ro: `Pagina ${number}: vulpea a trecut râul.`, images: number < 4 ? [testPng(number + 30)] : [] }));
    const { storyId: sourceId, images: sourceImages } = await insertStory(stack, 'Vulpea și știuca', pages);
    const exported = await stack.jobEnded(await stack.startJob('story-export', sourceId, { storyId: sourceId, version: null }));

    const { jobId, storyId, uploadId } = await startImport(await stack.readBlob('exports', `${exported.id}/file.zip`));
    const job = await stack.jobEnded(jobId);

    expect(job).toMatchObject({ status: 'Completed', result: { storyId, title: 'Vulpea și știuca', pageCount: 4, mediaCount: 3 } });
    const imported = await readStory(stack, storyId);
    expect(imported).toMatchObject({ ownerId: stack.ownerId, title: 'Vulpea și știuca' });
    expect(imported.pages.map(({ en, ro }) => ({ en, ro }))).toEqual(pages.map(({ en, ro }) => ({ en, ro })));
    const shown = imported.pages.flatMap((page) => page.media ?? []);
    const bytes = await Promise.all(shown.map((id) => stack.readBlob('media', `${storyId}/${id}`)));
    expect(bytes.map((image) => image.toString('base64'))).toEqual([...sourceImages.values()].map((image) => image.toString('base64')));
    const [upload] = await stack.database.sql<{ deleted: boolean; blobName: string }[]>`select deleted_at is not null as deleted, blob_name as "blobName" from uploads where id = ${uploadId}`;
    expect(upload.deleted).toBe(true);
    await eventually(() => stack.blobsUnder('uploads', upload.blobName), (left) => left.length === 0, 'the imported upload to be deleted', { timeoutMs: 5_000 });
  });

  it('imports an upload once: a second job for it fails, saying the file is no longer kept', async () => {
    stack.startWorker();
    const { jobId, uploadId, storyId } = await startImport(threeImageZip('Imported once'));
    expect(await stack.jobEnded(jobId)).toMatchObject({ status: 'Completed' });

    const again = randomUUID();
    const second = await stack.jobEnded(await stack.startJob('story-import', again, { uploadId, storyId: again, fileName: 'story.zip' }));

    expect(second).toMatchObject({ status: 'Failed', error: 'The uploaded file is no longer kept; upload it again.', dequeueCount: 1 });
    expect(await stack.database.sql`select id from stories where title = 'Imported once'`).toEqual([{ id: storyId }]);
  });

  it('makes one story when its message is delivered again', async () => {
    stack.startWorker();
    const { jobId, storyId } = await startImport(threeImageZip('Delivered twice'));
    const job = await stack.jobEnded(jobId);

    const { before, after } = await stack.redeliver(job, async () => ({
      stories: await stack.database.sql`select id from stories where title = 'Delivered twice'`,
      media: await storedMedia(storyId),
    }));

    expect(before.effects.media.rows).toHaveLength(3);
    expect(after).toEqual(before);
  });
});

describe('story-import run again after an attempt that failed or died', () => {
  it('imports once when the first attempt failed at its last step and the worker retried it', async () => {
    const failFirstCompletion = (definition: JobDefinition): JobDefinition => ({
      ...definition,
      handler: (context) =>
        definition.handler(context.attempt > 1 ? context : { ...context, report: { ...context.report, complete: () => Promise.reject(new Error('The database went away at the last step')) } }),
    });
    stack.startWorker(createJobDefinitions(stack.services).map((definition) => (definition.type === 'story-import' ? failFirstCompletion(definition) : definition)));
    const { jobId, storyId } = await startImport(threeImageZip('Failed at the last step'));

    expect(await stack.jobEnded(jobId)).toMatchObject({ status: 'Completed', dequeueCount: 2, result: { storyId, mediaCount: 3 } });
    const warnings = (await stack.events(jobId)).flatMap((event) => (event.kind === 'warning' ? [event.message] : []));
    expect(warnings).toEqual(['Attempt 1 of 3 failed: The database went away at the last step. Retrying.']);
    const { rows, blobs } = await storedMedia(storyId);
    expect(rows).toHaveLength(3);
    expect(blobs).toEqual(rows);
    expect(await stack.database.sql`select id from stories where title = 'Failed at the last step'`).toEqual([{ id: storyId }]);
  });

  it('imports once after an attempt died mid-way: the dead attempt’s images are removed, its ZIP copy deleted, one story made', async () => {
    const crashing = crashingAt(createJobDefinitions(stack.services), 'story-import', 'complete');
    stack.startWorker(crashing.definitions);
    const { jobId, storyId } = await startImport(threeImageZip('Crashed before completing'));
    await crashing.reached;
    await stack.stopWorkers();
    const orphaned = await storedMedia(storyId);
    expect(orphaned.rows).toEqual([]);
    expect(orphaned.blobs).toHaveLength(3);
    expect(await readdir(scratchDir)).toEqual([`${jobId}-1.zip`]);

    stack.startWorker();
    expect(await stack.jobEnded(jobId)).toMatchObject({ status: 'Completed', dequeueCount: 2, result: { storyId, mediaCount: 3 } });

    const { rows, blobs } = await storedMedia(storyId);
    expect(rows).toHaveLength(3);
    expect(blobs).toEqual(rows);
    expect(blobs.filter((name) => orphaned.blobs.includes(name))).toEqual([]);
    expect(await stack.database.sql`select id from stories where title = 'Crashed before completing'`).toEqual([{ id: storyId }]);
    await scratchEmptied();
    const shown = (await readStory(stack, storyId)).pages.flatMap((page) => page.media ?? []);
    const bytes = await Promise.all(shown.map((id) => stack.readBlob('media', `${storyId}/${id}`)));
    expect(bytes.map((image) => image.toString('base64'))).toEqual(images.map((image) => image.toString('base64')));
  });
});
