import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveError } from './archive-error';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive-limits';
import { InflateBudget } from './inflate-budget';
import { readStoryArchive } from './read-story-archive';
import { flipEntryByte } from './testing/flip-entry-byte';
import { createScratchDir, manifestBytes, mediaFor, refusalOf, storyWith, writeRawZip, writeYazlZip } from './testing/story-archive-fixtures';
import { tinyPng, zeroPaddedPng } from './testing/tiny-images';
import { writeStoryArchive } from './write-story-archive';

const MiB = 1024 * 1024;
const KiB = 1024;

/**
 * Feeds `chunks` of `size` bytes through a budget and says how many it passed on before it failed.
 * Counted as the budget pushes them, not as a reader takes them: a stream holds up to its
 * high-water mark (64 KiB since Node 22) for a reader that has yet to ask, and drops it when the
 * stream fails, so what a reader got before the error depends on timing, not on the budget.
 */
async function passedBefore(budget: InflateBudget, chunks: number, size: number): Promise<{ passed: number; error: unknown }> {
  let passed = 0;
  const push = budget.push.bind(budget);
  budget.push = (chunk: Buffer | null, encoding?: BufferEncoding) => {
    passed += chunk?.length ?? 0;
    return push(chunk, encoding);
  };
  const source = Readable.from((function* () {
    for (let index = 0; index < chunks; index += 1) yield Buffer.alloc(size);
  })());
  const reader = new Writable({ write: (_chunk, _encoding, done) => done() });
  const error = await pipeline(source, budget, reader).then(() => undefined, (thrown: unknown) => thrown);
  return { passed, error };
}

describe('InflateBudget', () => {
  const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, maxMediaBytes: 100 * KiB, maxTotalUncompressedBytes: 8 * MiB, maxEntryRatio: 100 };

  it('fails the chunk that takes an entry past its limit, not at the end', async () => {
    const budget = new InflateBudget({ name: 'media/a.png', compressedSize: 50 * KiB, uncompressedSize: 10 * MiB, crc32: 0 }, limits, { bytes: 0 });
    const { passed, error } = await passedBefore(budget, 640, 16 * KiB);
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as Error).message).toBe('media/a.png is larger than 100 KB, the most an image may be');
    expect(passed).toBe(96 * KiB);
  });

  it('fails as soon as the whole archive passes its total, counting earlier entries', async () => {
    const tally = { bytes: 7 * MiB };
    const budget = new InflateBudget({ name: 'story.json', compressedSize: 4 * MiB, uncompressedSize: 4 * MiB, crc32: 0 }, limits, tally);
    const { passed, error } = await passedBefore(budget, 256, 16 * KiB);
    expect((error as Error).message).toBe('The archive unpacks to more than 8 MB, the most an archive may hold');
    expect(passed).toBe(1 * MiB);
  });

  it('fails once an entry inflates past ratio × its packed size, beyond the first MiB', async () => {
    const budget = new InflateBudget({ name: 'story.json', compressedSize: 20 * KiB, uncompressedSize: 4 * MiB, crc32: 0 }, limits, { bytes: 0 });
    const { passed, error } = await passedBefore(budget, 256, 16 * KiB);
    expect((error as Error).message).toBe('story.json unpacks to more than 100 times its packed size, so the archive looks like a zip bomb');
    expect(passed).toBe(100 * 20 * KiB);
  });

  it('lets a tiny entry have any ratio', async () => {
    const budget = new InflateBudget({ name: 'story.json', compressedSize: 1, uncompressedSize: 64 * KiB, crc32: crc32(Buffer.alloc(64 * KiB)) }, limits, { bytes: 0 });
    expect(await passedBefore(budget, 4, 16 * KiB)).toEqual({ passed: 64 * KiB, error: undefined });
  });

  it('fails an entry that ends short of the size the directory gave it', async () => {
    const budget = new InflateBudget({ name: 'media/a.png', compressedSize: 32 * KiB, uncompressedSize: 64 * KiB, crc32: crc32(Buffer.alloc(64 * KiB)) }, limits, { bytes: 0 });
    const { error } = await passedBefore(budget, 2, 16 * KiB);
    expect((error as Error).message).toBe('The archive is damaged: media/a.png holds less data than the archive says');
  });

  it('passes every byte on and fails at the end an entry whose bytes do not match its CRC-32', async () => {
    const budget = new InflateBudget({ name: 'media/a.png', compressedSize: 64 * KiB, uncompressedSize: 64 * KiB, crc32: crc32(Buffer.alloc(64 * KiB, 1)) }, limits, { bytes: 0 });
    const { passed, error } = await passedBefore(budget, 4, 16 * KiB);
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as Error).message).toBe('The archive is damaged: media/a.png does not match its checksum');
    expect(passed).toBe(64 * KiB);
  });
});

describe('readStoryArchive against zip bombs and lying headers', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDir>>;
  beforeEach(async () => {
    scratch = await createScratchDir();
  });
  afterEach(() => scratch.cleanup());

  it('refuses a zip bomb by total size before handing out any image', async () => {
    const big = zeroPaddedPng(5 * MiB);
    const [first, second] = [mediaFor('a', big), mediaFor('b', big)];
    await writeYazlZip(scratch.path('a.zip'), [
      { name: 'story.json', data: manifestBytes(storyWith([first, second])) },
      { name: first.file, data: big },
      { name: second.file, data: big },
    ]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'), { maxTotalUncompressedBytes: 8 * MiB, maxMediaBytes: 6 * MiB, maxEntryRatio: 100_000 });
    expect(error.message).toBe('The archive unpacks to more than 8 MB, the most an archive may hold');
    expect(handed).toEqual([]);
  });

  it('refuses a zip bomb by ratio before handing out any image', async () => {
    const big = zeroPaddedPng(2 * MiB);
    const bomb = mediaFor('a', big);
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(storyWith([bomb])) }, { name: bomb.file, data: big }]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'), { maxMediaBytes: 4 * MiB, maxTotalUncompressedBytes: 8 * MiB });
    expect(error.message).toBe('media/a.png unpacks to more than 100 times its packed size, so the archive looks like a zip bomb');
    expect(handed).toEqual([]);
  });

  it('errors the content mid-way when a deflated entry holds more than its header says', async () => {
    const claimed = 20_000;
    const liar = { ...mediaFor('a', zeroPaddedPng(claimed)) };
    await writeRawZip(scratch.path('a.zip'), [
      { name: 'story.json', data: manifestBytes(storyWith([liar])) },
      { name: liar.file, data: zeroPaddedPng(512 * KiB), method: 'deflated', claimedSize: claimed },
    ]);
    const { error, handed, contentErrors } = await refusalOf(scratch.path('a.zip'), { maxTotalUncompressedBytes: 8 * MiB });
    expect(error.message).toBe('The archive is damaged: media/a.png holds more data than the archive says');
    expect(handed).toEqual(['media/a.png']);
    expect(contentErrors).toEqual([error]);
  });

  it('refuses a stored entry whose two sizes disagree', async () => {
    await writeRawZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(storyWith()), claimedSize: 10 }]);
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive is damaged: the sizes it records for one of its files disagree');
  });

  it('refuses an image larger than maxMediaBytes', async () => {
    const big = zeroPaddedPng(300 * KiB);
    const large = mediaFor('a', big);
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(storyWith([large])) }, { name: large.file, data: big, compress: false }]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'), { maxMediaBytes: 256 * KiB });
    expect(error.message).toBe('media/a.png is larger than 256 KB, the most an image may be');
    expect(handed).toEqual([]);
  });

  it('refuses a story.json larger than maxManifestBytes', async () => {
    const manifest = manifestBytes({ ...storyWith(), padding: 'x'.repeat(4 * KiB) });
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifest }]);
    const { error } = await refusalOf(scratch.path('a.zip'), { maxManifestBytes: 2 * KiB });
    expect(error.message).toBe('story.json is larger than 2 KB, the most story.json may be');
  });
});

describe('readStoryArchive against damaged entries', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDir>>;
  const fox = tinyPng([200, 30, 90]);
  // Large enough to reach onMedia in several chunks, so its damage shows only after it was handed out.
  const owl = zeroPaddedPng(1 * MiB);
  const [foxMedia, owlMedia] = [mediaFor('fox', fox), mediaFor('owl', owl)];
  beforeEach(async () => {
    scratch = await createScratchDir();
  });
  afterEach(() => scratch.cleanup());

  /** An archive as the export job writes it: story.json deflated, the images stored. */
  async function exported(): Promise<Buffer> {
    const images = new Map([
      [foxMedia.id, fox],
      [owlMedia.id, owl],
    ]);
    const archive = writeStoryArchive({ archive: storyWith([foxMedia, owlMedia]), openMedia: async (item) => Readable.from([images.get(item.id) ?? Buffer.alloc(0)]) });
    await pipeline(archive, createWriteStream(scratch.path('whole.zip')));
    return readFile(scratch.path('whole.zip'));
  }

  it('refuses a stored image with one flipped byte, which its sizes cannot show', async () => {
    await writeFile(scratch.path('a.zip'), flipEntryByte(await exported(), owlMedia.file));
    const { error, handed, contentErrors } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive is damaged: media/owl.png does not match its checksum');
    expect(handed).toEqual(['media/fox.png', 'media/owl.png']);
    expect(contentErrors).toEqual([error]);
  });

  it('refuses a deflated story.json whose headers give the wrong CRC-32, before handing out any image', async () => {
    const manifest = manifestBytes(storyWith([foxMedia]));
    await writeRawZip(scratch.path('a.zip'), [
      { name: 'story.json', data: manifest, method: 'deflated', claimedCrc: (crc32(manifest) ^ 0x1) >>> 0 },
      { name: foxMedia.file, data: fox },
    ]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive is damaged: story.json does not match its checksum');
    expect(handed).toEqual([]);
  });

  it('refuses a deflated entry whose headers promise more bytes than it holds', async () => {
    const manifest = manifestBytes(storyWith([foxMedia]));
    await writeRawZip(scratch.path('a.zip'), [
      { name: 'story.json', data: manifest, method: 'deflated', claimedSize: manifest.length + 1 },
      { name: foxMedia.file, data: fox },
    ]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive is damaged: story.json holds less data than the archive says');
    expect(handed).toEqual([]);
  });

  it('still reads the same archives whole, every image byte intact', async () => {
    const manifest = manifestBytes(storyWith([foxMedia, owlMedia]));
    await writeFile(scratch.path('exported.zip'), await exported());
    await writeRawZip(scratch.path('raw.zip'), [
      { name: 'story.json', data: manifest, method: 'deflated' },
      { name: foxMedia.file, data: fox, method: 'deflated' },
      { name: owlMedia.file, data: owl },
    ]);
    for (const zip of ['exported.zip', 'raw.zip']) {
      const received: Buffer[] = [];
      const read = await readStoryArchive(scratch.path(zip), {
        onMedia: async (_media, content) => void received.push(Buffer.concat((await content.toArray()) as Buffer[])),
      });
      expect(read).toEqual(storyWith([foxMedia, owlMedia]));
      expect(received).toEqual([fox, owl]);
    }
  });
});
