import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ArchiveMedia } from '@storyline/contracts';
import yauzl from 'yauzl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveError } from './archive-error';
import { createScratchDir, mediaFor, mustGet, storyWith } from './testing/story-archive-fixtures';
import { tinyJpeg, tinyPng } from './testing/tiny-images';
import { readStoryArchive } from './read-story-archive';
import { writeStoryArchive } from './write-story-archive';

/** Three images of `size` random bytes behind a PNG signature, which deflate cannot shrink. */
function bulkyImages(size: number): Map<string, Buffer> {
  return new Map(['a', 'b', 'c'].map((id) => [id, Buffer.concat([tinyPng(), randomBytes(size)])]));
}

async function entryNames(zipPath: string): Promise<string[]> {
  const zipfile = await yauzl.openPromise(zipPath);
  const names: string[] = [];
  for await (const entry of zipfile.eachEntry()) names.push(entry.fileName);
  return names;
}

describe('writeStoryArchive', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDir>>;
  beforeEach(async () => {
    scratch = await createScratchDir();
  });
  afterEach(() => scratch.cleanup());

  it('writes story.json first, then the images in the order story.json lists them', async () => {
    const images = new Map([['b', tinyPng()], ['a', tinyJpeg()]]);
    const archive = storyWith([mediaFor('b', mustGet(images, 'b')), mediaFor('a', mustGet(images, 'a'), 'image/jpeg')]);
    const output = writeStoryArchive({ archive, openMedia: async (media) => Readable.from([mustGet(images, media.id)]) });
    await pipeline(output, createWriteStream(scratch.path('a.zip')));
    expect(await entryNames(scratch.path('a.zip'))).toEqual(['story.json', 'media/b.png', 'media/a.jpg']);
  });

  it('writes a story without images as story.json alone', async () => {
    const output = writeStoryArchive({ archive: storyWith(), openMedia: async () => Readable.from([]) });
    await pipeline(output, createWriteStream(scratch.path('a.zip')));
    expect(await entryNames(scratch.path('a.zip'))).toEqual(['story.json']);
  });

  it('opens each image only once the one before it has been read to its end', async () => {
    const images = bulkyImages(64 * 1024);
    const archive = storyWith([...images].map(([id, bytes]) => mediaFor(id, bytes)));
    const log: string[] = [];
    const output = writeStoryArchive({
      archive,
      openMedia: async (media) => {
        log.push(`open ${media.id}`);
        const stream = Readable.from([mustGet(images, media.id)]);
        stream.once('end', () => log.push(`end ${media.id}`));
        return stream;
      },
      onMediaWritten: (written, total) => void log.push(`written ${written}/${total}`),
    });
    await pipeline(output, createWriteStream(scratch.path('a.zip')));
    expect(log).toEqual(['open a', 'end a', 'written 1/3', 'open b', 'end b', 'written 2/3', 'open c', 'end c', 'written 3/3']);
  });

  it('opens no further image while nobody reads the archive', async () => {
    const images = bulkyImages(1024 * 1024);
    const archive = storyWith([...images].map(([id, bytes]) => mediaFor(id, bytes)));
    const opened: string[] = [];
    const output = writeStoryArchive({
      archive,
      openMedia: async (media) => {
        opened.push(media.id);
        return Readable.from([mustGet(images, media.id)]);
      },
    });
    await sleep(200);
    expect(opened).toEqual(['a']);
    output.destroy();
  });

  it('surfaces an openMedia failure as an error of the archive stream', async () => {
    const png = tinyPng();
    const archive = storyWith([mediaFor('a', png), mediaFor('b', png)]);
    const opened: string[] = [];
    const output = writeStoryArchive({
      archive,
      openMedia: async (media) => {
        opened.push(media.id);
        if (media.id === 'a') throw new Error('blob a is gone');
        return Readable.from([png]);
      },
    });
    await expect(output.toArray()).rejects.toThrow('blob a is gone');
    expect(opened).toEqual(['a']);
  });

  it('surfaces an error of an image stream mid-way', async () => {
    const png = tinyPng();
    const broken = new PassThrough();
    const output = writeStoryArchive({
      archive: storyWith([mediaFor('a', png)]),
      openMedia: async () => {
        broken.write(png.subarray(0, 10));
        setImmediate(() => broken.destroy(new Error('the blob read broke off')));
        return broken;
      },
    });
    await expect(output.toArray()).rejects.toThrow('the blob read broke off');
  });

  it('surfaces an image stream that failed before openMedia returned it', async () => {
    const png = tinyPng();
    const failed = new PassThrough();
    failed.on('error', () => undefined);
    failed.destroy(new Error('the blob was already gone'));
    const output = writeStoryArchive({ archive: storyWith([mediaFor('a', png)]), openMedia: async () => failed });
    await expect(output.toArray()).rejects.toThrow('the blob was already gone');
  });

  it('refuses an image whose length is not the byteSize story.json gives', async () => {
    const png = tinyPng();
    const output = writeStoryArchive({ archive: storyWith([{ ...mediaFor('a', png), byteSize: png.length + 1 }]), openMedia: async () => Readable.from([png]) });
    await expect(output.toArray()).rejects.toThrow(`The image media/a.png holds ${png.length} bytes, but story.json says ${png.length + 1}`);
  });

  it('refuses an image longer than its byteSize as soon as it passes it', async () => {
    const png = tinyPng();
    const output = writeStoryArchive({ archive: storyWith([{ ...mediaFor('a', png), byteSize: 10 }]), openMedia: async () => Readable.from([png]) });
    await expect(output.toArray()).rejects.toThrow('The image media/a.png holds more than the 10 bytes story.json says');
  });

  it('stores a large, repetitive story.json so that the reader does not take it for a zip bomb', async () => {
    const page = { en: 'a'.repeat(20_000), ro: 'ă'.repeat(20_000), media: [] };
    const archive = { ...storyWith(), pages: Array.from({ length: 40 }, () => page) };
    await pipeline(writeStoryArchive({ archive, openMedia: async () => Readable.from([]) }), createWriteStream(scratch.path('a.zip')));
    await expect(readStoryArchive(scratch.path('a.zip'), { onMedia: async () => undefined })).resolves.toEqual(archive);
  });

  it('refuses to write a story.json the reader would refuse', async () => {
    const png = tinyPng();
    const twice: ArchiveMedia[] = [mediaFor('a', png), { ...mediaFor('b', png), file: 'media/a.png' }];
    const output = writeStoryArchive({ archive: { ...storyWith(twice), title: '' }, openMedia: async () => Readable.from([png]) });
    const error = await output.toArray().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).problems).toEqual(['title: the title is required']);
    const duplicate = writeStoryArchive({ archive: storyWith(twice), openMedia: async () => Readable.from([png]) });
    await expect(duplicate.toArray()).rejects.toThrow('The story cannot be archived: story.json lists media/a.png for more than one image');
  });

  it('stops with the abort reason and opens nothing more once the signal aborts', async () => {
    const images = bulkyImages(64 * 1024);
    const archive = storyWith([...images].map(([id, bytes]) => mediaFor(id, bytes)));
    const controller = new AbortController();
    const opened: string[] = [];
    const output = writeStoryArchive({
      archive,
      signal: controller.signal,
      openMedia: async (media) => {
        opened.push(media.id);
        controller.abort(new Error('the export was cancelled'));
        return Readable.from([mustGet(images, media.id)]);
      },
    });
    await expect(output.toArray()).rejects.toThrow('the export was cancelled');
    await sleep(50);
    expect(opened).toEqual(['a']);
  });

  it('errors at once when the signal has already aborted', async () => {
    const output = writeStoryArchive({ archive: storyWith(), signal: AbortSignal.abort(new Error('too late')), openMedia: async () => Readable.from([]) });
    await expect(output.toArray()).rejects.toThrow('too late');
  });
});
