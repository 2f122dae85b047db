import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '@storyline/contracts';
import { createJobDefinitions } from '@storyline/job-handlers';
import type { BlobStore } from '@storyline/storage';
import { buildRawZip, manifestBytes, mediaFor, storyWith, tinyJpeg, tinyPng, type RawZipEntry } from '@storyline/story-archive/testing';
import { eventually } from '../../../../../../tools/testing/eventually';
import { blobsUnder } from '../../testing/blobs-under';
import { jobEnded } from '../../testing/job-ended';
import { postFile } from '../../testing/test-images';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

const MiB = 1024 * 1024;
let stack: TestStack;
let alice: TestClient;
let aliceCookie: string;
/** Holds the scratch dir and nothing else, so a file an archive smuggled out of it would show here. */
let root: string;
let scratchDir: string;
/** Media uploads the import job began, by story id: a refusal that came after some shows they were cleaned up. */
const mediaUploads = new Map<string, number>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'storyline-hostile-'));
  scratchDir = join(root, 'scratch');
  await mkdir(scratchDir);
});
afterAll(() => rm(root, { recursive: true, force: true }));
useTestStack(
  async (started) => {
    ({ stack, alice } = started);
    aliceCookie = await stack.loginCookie('alice');
    stack.startWorker(createJobDefinitions({ ...stack.fileServices, blobs: countingMediaUploads(stack.fileServices.blobs) }));
  },
  () => ({ fileJobs: { scratchDir, archiveLimits: { maxTotalUncompressedBytes: 8 * MiB } } }),
);

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

/** Where an entry named by an absolute path would land if anything wrote it out: beside the scratch dir. */
const absoluteTarget = () => join(root, 'absolute.txt');

const fox = tinyPng([200, 30, 90]);
const owl = tinyPng([10, 120, 40]);
const foxMedia = mediaFor('fox', fox);
const owlMedia = mediaFor('owl', owl);
const manifest = (archive: unknown = storyWith([foxMedia])): RawZipEntry => ({ name: 'story.json', data: manifestBytes(archive), method: 'deflated' });
const foxEntry: RawZipEntry = { name: foxMedia.file, data: fox, method: 'deflated' };
/** A PNG signature and header, then zeros up to `size` bytes: an image by its bytes that deflates to almost nothing. */
const zeroPadded = (size: number) => Buffer.concat([tinyPng(), Buffer.alloc(size - tinyPng().length)]);
const sized = (id: string, byteSize: number) => ({ ...mediaFor(id, tinyPng()), byteSize });

interface HostileCase {
  what: string;
  zip: () => Buffer;
  error: RegExp;
  /** Images stored before the refusal came (and then deleted): 0 when the archive was refused before any byte was handed out. */
  storedFirst?: number;
}

const cases: HostileCase[] = [
  {
    what: 'an entry whose ../ path climbs out of its folder',
    zip: () => buildRawZip([manifest(), foxEntry, { name: '../escaped.txt', data: Buffer.from('out of the sandbox') }]),
    error: /^The archive holds a path that leaves its folder: \.\.\/escaped\.txt$/,
  },
  {
    what: 'an entry with an absolute path',
    zip: () => buildRawZip([manifest(), foxEntry, { name: absoluteTarget(), data: Buffer.from('anywhere on disk') }]),
    error: /^The archive holds a path that starts at the top of a disk instead of inside its folder: \/.*absolute\.txt$/,
  },
  {
    what: 'an entry named with backslashes',
    zip: () => buildRawZip([manifest(), { ...foxEntry, name: 'media\\fox.png' }]),
    error: /^The archive holds a file name with backslashes, which ZIP files must not use: media\\fox\.png/,
  },
  {
    what: 'a symbolic link where an image should be',
    zip: () => buildRawZip([manifest(), { name: foxMedia.file, data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }]),
    error: /^The archive holds a link to another file, which is not allowed: media\/fox\.png$/,
  },
  {
    what: 'a zip bomb by total size: nine honest 1 MiB images past the 8 MiB the archive may unpack to',
    zip: () => {
      const media = Array.from({ length: 9 }, (_, index) => sized(`z${index}`, MiB));
      return buildRawZip([manifest(storyWith(media)), ...media.map((item) => ({ name: item.file, data: zeroPadded(MiB), method: 'deflated' as const }))]);
    },
    error: /^The archive unpacks to more than 8 MB, the most an archive may hold$/,
  },
  {
    what: 'a zip bomb by ratio: 4 MiB of zeros packed into a few KiB',
    zip: () => buildRawZip([manifest(storyWith([sized('fox', 4 * MiB)])), { name: foxMedia.file, data: zeroPadded(4 * MiB), method: 'deflated' }]),
    error: /^media\/fox\.png unpacks to more than 100 times its packed size, so the archive looks like a zip bomb$/,
  },
  {
    what: 'a header that under-states an entry: 2 KiB claimed, 20 MiB inside',
    zip: () =>
      buildRawZip([
        manifest(storyWith([foxMedia, sized('owl', 2048)])),
        foxEntry,
        { name: owlMedia.file, data: zeroPadded(20 * MiB), method: 'deflated', claimedSize: 2048 },
      ]),
    error: /^The archive is damaged: media\/owl\.png holds more data than the archive says$/,
    storedFirst: 1,
  },
  {
    what: '5,000 tiny entries',
    zip: () => buildRawZip([manifest(), ...Array.from({ length: 5_000 }, (_, index) => ({ name: `media/f${index}.png`, data: Buffer.from([index % 256]) }))]),
    error: /^The archive holds 5,001 files; at most 1,000 are allowed$/,
  },
  {
    what: 'the same name twice',
    zip: () => buildRawZip([manifest(), foxEntry, { ...foxEntry, data: owl }]),
    error: /^The archive holds media\/fox\.png more than once$/,
  },
  {
    what: 'an encrypted entry',
    zip: () => buildRawZip([manifest(), { name: foxMedia.file, data: Buffer.concat([Buffer.alloc(12, 7), fox]), claimedSize: fox.length, flags: 0x801 }]),
    error: /^The archive holds an encrypted file, which cannot be read: media\/fox\.png$/,
  },
  {
    what: 'a ZIP cut in half (its central directory lost)',
    zip: () => {
      const whole = buildRawZip([manifest(storyWith([foxMedia, owlMedia])), foxEntry, { name: owlMedia.file, data: owl, method: 'deflated' }]);
      return whole.subarray(0, Math.floor(whole.length / 2));
    },
    error: /^This file is not a ZIP archive or it is damaged$/,
  },
  {
    what: 'no story.json',
    zip: () => buildRawZip([foxEntry]),
    error: /^The archive holds no story\.json, so it is not a story archive$/,
  },
  {
    what: 'a story.json that breaks the schema in three places',
    zip: () => buildRawZip([manifest({ ...storyWith([]), schemaVersion: 2, title: '   ', pages: [{ en: 42, ro: 'A fost odată' }] })]),
    error: /^story\.json is not a valid story: schemaVersion: schemaVersion must be 1; title: the title is required; pages\.0\.en: the English text must be text, not a number$/,
  },
  {
    what: 'a story.json that is not JSON',
    zip: () => buildRawZip([{ name: 'story.json', data: Buffer.from('{ "schemaVersion": 1, "title": "The fox", ') }]),
    error: /^story\.json is not valid JSON, so the story in it cannot be read$/,
  },
  {
    // The bug: Postgres refused the insert, so the job was tried three times and failed as "internal error (reference …)".
    what: 'a story.json holding a NUL or half a surrogate pair, once retried three times and failed as an internal error',
    zip: () =>
      buildRawZip([
        manifest({ ...storyWith([{ ...foxMedia, fileName: 'fox\u0000.png' }]), pages: [{ en: 'Once \ud800 upon a time', ro: 'A fost\u0000odată', media: ['fox'] }] }),
        foxEntry,
      ]),
    error:
      /^story\.json is not a valid story: pages\.0\.en: holds half of a surrogate pair \(such as \\uD800 alone\), which is not a character; pages\.0\.ro: holds a NUL character \(\\u0000\), which a story cannot hold; media\.0\.fileName: holds a NUL character/,
  },
  {
    what: 'text named .png after a real image',
    zip: () => {
      const text = Buffer.from('Dear diary, today I pretended to be a picture.');
      return buildRawZip([manifest(storyWith([foxMedia, { ...owlMedia, byteSize: text.length }])), foxEntry, { name: owlMedia.file, data: text }]);
    },
    error: /^media\/owl\.png is not a PNG or JPEG image \(its type could not be recognised\)$/,
    storedFirst: 1,
  },
  {
    what: 'a JPEG that story.json calls a PNG',
    zip: () => buildRawZip([manifest(storyWith([{ ...foxMedia, byteSize: tinyJpeg().length }])), { name: foxMedia.file, data: tinyJpeg() }]),
    error: /^media\/fox\.png is a JPEG image, but story\.json says it is a PNG image$/,
  },
  {
    what: 'a story.json naming an image the archive lacks',
    zip: () => buildRawZip([manifest(storyWith([foxMedia, owlMedia])), foxEntry]),
    error: /^story\.json names media\/owl\.png, which the archive lacks$/,
  },
];

async function importZip(bytes: Buffer, name = 'story.zip'): Promise<JobView> {
  const started = await postFile(`${stack.baseUrl}/files/imports`, aliceCookie, { name, bytes, type: 'application/zip' });
  expect(started).toMatchObject({ status: 202, body: { status: 'Queued' } });
  return jobEnded(alice, started.body.jobId!);
}

async function storyIdOf(jobId: string): Promise<string> {
  const [row] = await stack.database.sql<{ storyId: string }[]>`select payload->>'storyId' as "storyId" from jobs where id = ${jobId}`;
  expect(row.storyId).toMatch(/^[0-9a-f-]{36}$/);
  return row.storyId;
}

describe('story-import refusing hostile and broken archives', () => {
  it.each(cases)('fails at once, clearly, and keeps nothing, for $what', async ({ zip, error, storedFirst = 0 }) => {
    const job = await importZip(zip());

    expect(job).toMatchObject({ status: 'Failed', dequeueCount: 1, result: null });
    expect(job.error).toMatch(error);
    const storyId = await storyIdOf(job.id);
    expect(mediaUploads.get(storyId) ?? 0).toBe(storedFirst);
    const sql = stack.database.sql;
    expect(await sql`select s.id from stories s join jobs j on s.id = (j.payload->>'storyId')::uuid where j.id = ${job.id}`).toHaveLength(0);
    expect(await sql`select id from media where story_id = ${storyId}`).toHaveLength(0);
    expect(await blobsUnder(stack.api.blobs, 'media', `${storyId}/`)).toEqual([]);
    expect(await readdir(scratchDir)).toEqual([]);
    expect(await readdir(root)).toEqual(['scratch']);
    expect(existsSync(absoluteTarget())).toBe(false);
  });

  it('refuses a file that is not a ZIP with 415 NOT_A_ZIP, before any job or upload exists', async () => {
    const bobCookie = await stack.loginCookie('bob');
    const [bob] = await stack.database.sql<{ id: string }[]>`select id from users where username = 'bob'`;
    const before = await stack.database.sql`select id from jobs where type = 'story-import'`;

    const answer = await postFile(`${stack.baseUrl}/files/imports`, bobCookie, { name: 'story.zip', bytes: Buffer.from('Rar!\u001a\u0007\u0000 not a zip at all'), type: 'application/zip' });

    expect(answer).toMatchObject({ status: 415, body: { error: { code: 'NOT_A_ZIP', message: 'This file is not a ZIP archive; export a story from Storyline to get one' } } });
    expect(await stack.database.sql`select id from jobs where type = 'story-import'`).toHaveLength(before.length);
    expect(await stack.database.sql`select id from uploads where owner_id = ${bob.id}`).toHaveLength(0);
    expect(await blobsUnder(stack.api.blobs, 'uploads', `${bob.id}/`)).toEqual([]);
  });

  it('still imports a well-formed archive on the same stack, so the refusals above are the archives’ own', async () => {
    const job = await importZip(buildRawZip([manifest(storyWith([foxMedia, owlMedia])), foxEntry, { name: owlMedia.file, data: owl, method: 'deflated' }]));

    expect(job).toMatchObject({ status: 'Completed', dequeueCount: 1, result: { title: 'The fox', pageCount: 1, mediaCount: 2 } });
    const storyId = await storyIdOf(job.id);
    expect(await blobsUnder(stack.api.blobs, 'media', `${storyId}/`)).toHaveLength(2);
    // The job is Completed when its transaction commits, a moment before the handler's `finally` deletes the ZIP.
    await eventually(() => readdir(scratchDir), (left) => left.length === 0, 'the job to delete its copy of the ZIP', { timeoutMs: 5_000 });
  });
});
