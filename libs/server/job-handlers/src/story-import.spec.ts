import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobView } from '@storyline/contracts';
import { media, stories, uploads, users } from '@storyline/db';
import { createTestDatabase, type TestDatabase } from '@storyline/db/testing';
import { createJobWorker, findJob, startJob, type JobWorker } from '@storyline/jobs';
import { createBlobStore, createJobQueues, type BlobStore, type JobQueues } from '@storyline/storage';
import { buildRawZip, flipEntryByte, manifestBytes, mediaFor, storyWith, tinyPng, zeroPaddedPng } from '@storyline/story-archive/testing';
import pino from 'pino';
import '../../../../tools/testing/provided-context';
import { eventually } from '../../../../tools/testing/eventually';
import { storyImportJob } from './story-import';

const log = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
let database: TestDatabase;
let blobs: BlobStore;
let queues: JobQueues;
let worker: JobWorker;
let scratchDir: string;
let ownerId: string;
/** Media uploads the import began, by story id: a failure that came after some shows they were removed. */
const mediaUploads = new Map<string, number>();

beforeAll(async () => {
  database = await createTestDatabase(inject('pgAdminUrl'));
  const prefix = `i${randomBytes(4).toString('hex')}-`;
  blobs = createBlobStore({ connectionString: inject('storageConnectionString'), prefix });
  queues = createJobQueues({ connectionString: inject('storageConnectionString'), prefix });
  await Promise.all([blobs.ensure(), queues.ensure()]);
  scratchDir = await mkdtemp(join(tmpdir(), 'storyline-import-'));
  [{ id: ownerId }] = await database.db.insert(users).values({ username: 'owner', passwordHash: 'unused' }).returning({ id: users.id });
  const services = { db: database.db, blobs: countingMediaUploads(blobs), queues, log, exportRetentionMs: 86_400_000, scratchDir };
  worker = createJobWorker(
    { db: database.db, queues, log, listen: (channel, onNotify, onListen) => database.sql.listen(channel, onNotify, onListen) },
    { definitions: [storyImportJob(services)], retryDelaySec: 0, maxDeliveries: 3 },
  );
  worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await database?.destroy();
  if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
});

function countingMediaUploads(store: BlobStore): BlobStore {
  return {
    ...store,
    upload(container, name, content, options) {
      const storyId = name.split('/')[0];
      if (container === 'media') mediaUploads.set(storyId, (mediaUploads.get(storyId) ?? 0) + 1);
      return store.upload(container, name, content, options);
    },
  };
}

/** Uploads `zip` as the API would, queues its import, and waits for the job to end. */
async function importZip(zip: Buffer): Promise<{ job: JobView; storyId: string }> {
  const [uploadId, storyId] = [randomUUID(), randomUUID()];
  const blobName = `${ownerId}/${uploadId}.zip`;
  const { byteSize } = await blobs.upload('uploads', blobName, Readable.from([zip]), { contentType: 'application/zip' });
  await database.db.insert(uploads).values({ id: uploadId, ownerId, blobName, fileName: 'story.zip', byteSize, expiresAt: new Date(Date.now() + 86_400_000) });
  const { jobId } = await startJob(
    { db: database.db, queues, log },
    { type: 'story-import', targetId: storyId, ownerId, payload: { uploadId, storyId, fileName: 'story.zip' } },
  );
  const job = await eventually(() => findJob(database.db, jobId), (seen) => seen !== null && !['Queued', 'Running'].includes(seen.status), `job ${jobId} to end`, {
    timeoutMs: 30_000,
  });
  return { job: job!, storyId };
}

async function mediaBlobsOf(storyId: string): Promise<string[]> {
  const names: string[] = [];
  for await (const name of blobs.list('media', `${storyId}/`)) names.push(name);
  return names;
}

const fox = tinyPng([200, 30, 90]);
// Large enough to be uploaded in several chunks before its end shows the damage.
const owl = zeroPaddedPng(1024 * 1024);
const [foxMedia, owlMedia] = [mediaFor('fox', fox), mediaFor('owl', owl)];
const manifest = manifestBytes(storyWith([foxMedia, owlMedia]));
/** story.json deflated and the images stored, as an export writes them. */
const wholeZip = () =>
  buildRawZip([
    { name: 'story.json', data: manifest, method: 'deflated' },
    { name: foxMedia.file, data: fox },
    { name: owlMedia.file, data: owl },
  ]);

describe('story-import of a damaged archive', () => {
  const cases = [
    {
      what: 'a stored image with one flipped byte, after another image was stored',
      zip: () => flipEntryByte(wholeZip(), owlMedia.file),
      error: 'The archive is damaged: media/owl.png does not match its checksum',
      uploadsBegun: 2,
    },
    {
      what: 'a deflated story.json whose CRC-32 is wrong',
      zip: () =>
        buildRawZip([
          { name: 'story.json', data: manifest, method: 'deflated', claimedCrc: (crc32(manifest) ^ 1) >>> 0 },
          { name: foxMedia.file, data: fox },
          { name: owlMedia.file, data: owl },
        ]),
      error: 'The archive is damaged: story.json does not match its checksum',
      uploadsBegun: 0,
    },
  ];

  it.each(cases)('fails at once as damaged and keeps nothing, for $what', async ({ zip, error, uploadsBegun }) => {
    const { job, storyId } = await importZip(zip());

    expect(job).toMatchObject({ status: 'Failed', dequeueCount: 1, result: null, error });
    expect(mediaUploads.get(storyId) ?? 0).toBe(uploadsBegun);
    expect(await database.db.select().from(stories).where(eq(stories.id, storyId))).toEqual([]);
    expect(await database.db.select().from(media).where(eq(media.storyId, storyId))).toEqual([]);
    expect(await mediaBlobsOf(storyId)).toEqual([]);
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('imports the same archive undamaged, so the failures above are the damage’s own', async () => {
    const { job, storyId } = await importZip(wholeZip());

    expect(job).toMatchObject({ status: 'Completed', dequeueCount: 1, result: { storyId, title: 'The fox', pageCount: 1, mediaCount: 2 } });
    expect(await database.db.select({ id: stories.id }).from(stories).where(eq(stories.id, storyId))).toEqual([{ id: storyId }]);
    expect(await mediaBlobsOf(storyId)).toHaveLength(2);
  });
});
