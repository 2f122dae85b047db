import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArchiveMedia } from '@storyline/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveError } from './archive-error';
import { readStoryArchive } from './read-story-archive';
import { createScratchDir, manifestBytes, mediaFor, mustGet, refusalOf, storyWith, writeYazlZip } from './testing/story-archive-fixtures';
import { tinyJpeg, tinyPng } from './testing/tiny-images';
import { writeStoryArchive } from './write-story-archive';

describe('readStoryArchive', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDir>>;
  const png = tinyPng();
  const media = mediaFor('fox', png);
  const manifest = { name: 'story.json', data: manifestBytes(storyWith([media])) };
  const image = { name: media.file, data: png };

  beforeEach(async () => {
    scratch = await createScratchDir();
  });
  afterEach(() => scratch.cleanup());

  it('gives back exactly what writeStoryArchive packed: story.json, Romanian letters and every image byte', async () => {
    const images = new Map([
      ['red', tinyPng([255, 0, 0])],
      ['photo', tinyJpeg('a photo')],
      ['green', tinyPng([0, 255, 0])],
    ]);
    const list = [mediaFor('red', mustGet(images, 'red')), mediaFor('photo', mustGet(images, 'photo'), 'image/jpeg'), mediaFor('green', mustGet(images, 'green'))];
    const archive = {
      ...storyWith(list),
      title: 'Fata babei și fata moșneagului',
      pages: [
        { en: 'Once there was an old man.', ro: 'A fost odată un moșneag și o babă.', media: ['red'] },
        { en: 'The girl worked hard.', ro: 'Fata moșneagului era harnică și blândă; îi plăcea să țeasă.', media: ['photo', 'green'] },
        { en: 'The end.', ro: 'Ăsta e sfârșitul, așa să știți: ÂÎȘȚ âîșț.', media: [] },
      ],
      exportedAt: '2024-05-01T10:00:00.000Z',
      source: { storyId: 'story-1', version: 3 },
    };
    await pipeline(writeStoryArchive({ archive, openMedia: async (item) => bufferStream(mustGet(images, item.id)) }), createWriteStream(scratch.path('a.zip')));

    const received = new Map<string, Buffer>();
    const read = await readStoryArchive(scratch.path('a.zip'), {
      onMedia: async (item, content) => {
        received.set(item.id, Buffer.concat((await content.toArray()) as Buffer[]));
      },
    });
    expect(read).toEqual(archive);
    expect([...received.keys()]).toEqual(['red', 'photo', 'green']);
    for (const [id, bytes] of images) expect(mustGet(received, id).equals(bytes)).toBe(true);
  });

  it('reports progress before the first image and after each', async () => {
    const second = mediaFor('owl', tinyJpeg(), 'image/jpeg');
    await writeYazlZip(scratch.path('a.zip'), [
      { name: 'story.json', data: manifestBytes(storyWith([media, second])) },
      image,
      { name: second.file, data: tinyJpeg() },
    ]);
    const events: string[] = [];
    await readStoryArchive(scratch.path('a.zip'), {
      onMedia: async (item, content) => {
        events.push(item.file);
        await content.toArray();
      },
      onProgress: (done, total) => void events.push(`${done}/${total}`),
    });
    expect(events).toEqual(['0/2', 'media/fox.png', '1/2', 'media/owl.jpg', '2/2']);
  });

  it('refuses a file that is not a ZIP, such as a PNG renamed to .zip', async () => {
    await writeFile(scratch.path('a.zip'), png);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('This file is not a ZIP archive or it is damaged');
    expect(handed).toEqual([]);
  });

  it('refuses an empty file as not a ZIP', async () => {
    await writeFile(scratch.path('a.zip'), Buffer.alloc(0));
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('This file is not a ZIP archive or it is damaged');
  });

  it('refuses a truncated archive', async () => {
    await writeYazlZip(scratch.path('whole.zip'), [manifest, image]);
    const whole = await readFile(scratch.path('whole.zip'));
    await writeFile(scratch.path('a.zip'), whole.subarray(0, whole.length - 30));
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('This file is not a ZIP archive or it is damaged');
    expect(handed).toEqual([]);
  });

  it('refuses an archive larger than maxArchiveBytes without opening it', async () => {
    await writeYazlZip(scratch.path('a.zip'), [manifest, image]);
    const { error } = await refusalOf(scratch.path('a.zip'), { maxArchiveBytes: 100 });
    expect(error.message).toMatch(/^The archive is \d+ bytes; at most 100 bytes may be imported$/);
  });

  it('refuses story.json naming an image the archive lacks', async () => {
    const missing = mediaFor('owl', png);
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(storyWith([media, missing])) }, image]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('story.json names media/owl.png, which the archive lacks');
    expect(handed).toEqual([]);
  });

  it('refuses an image story.json does not list rather than dropping it', async () => {
    await writeYazlZip(scratch.path('a.zip'), [manifest, image, { name: 'media/stray.png', data: png }]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds media/stray.png, which story.json does not list');
    expect(handed).toEqual([]);
  });

  it('refuses a byteSize in story.json that is not the size of the file', async () => {
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(storyWith([{ ...media, byteSize: 5 }])) }, image]);
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe(`story.json says media/fox.png holds 5 bytes, but the archive holds ${png.length}`);
  });

  it('refuses an image whose name contradicts its type in story.json', async () => {
    const misnamed = { ...mediaFor('fox', png, 'image/jpeg'), file: 'media/fox.png' };
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(storyWith([misnamed])) }, image]);
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('story.json says media/fox.png is a JPEG image, so its name must end in .jpg');
  });

  it('rejects with the abort reason and hands out no further image once the signal aborts', async () => {
    const second = mediaFor('owl', tinyPng([1, 2, 3]));
    await writeYazlZip(scratch.path('a.zip'), [
      { name: 'story.json', data: manifestBytes(storyWith([media, second])) },
      image,
      { name: second.file, data: tinyPng([1, 2, 3]) },
    ]);
    const controller = new AbortController();
    const handed: ArchiveMedia[] = [];
    const reading = readStoryArchive(scratch.path('a.zip'), {
      signal: controller.signal,
      onMedia: async (item: ArchiveMedia, content: Readable) => {
        handed.push(item);
        controller.abort(new Error('the job was cancelled'));
        await content.toArray();
      },
    });
    await expect(reading).rejects.toThrow('the job was cancelled');
    expect(handed.map((item) => item.file)).toEqual(['media/fox.png']);
  });

  it('rejects with the content error even when onMedia swallows it', async () => {
    await writeYazlZip(scratch.path('a.zip'), [manifest, image]);
    const reading = readStoryArchive(scratch.path('a.zip'), {
      onMedia: async (_item, content) => {
        content.destroy(new ArchiveError('bad bytes'));
        await content.toArray().catch(() => undefined);
      },
    });
    await expect(reading).rejects.toThrow('bad bytes');
  });

  it('fails loudly when onMedia resolves without reading its content', async () => {
    await writeYazlZip(scratch.path('a.zip'), [manifest, image]);
    const reading = readStoryArchive(scratch.path('a.zip'), { onMedia: async () => undefined });
    await expect(reading).rejects.toThrow('onMedia resolved before it read media/fox.png to the end');
  });
});

function bufferStream(bytes: Buffer): Readable {
  // Two chunks, so the writer cannot rely on getting an image in one piece.
  return Readable.from([bytes.subarray(0, 10), bytes.subarray(10)], { objectMode: false });
}
