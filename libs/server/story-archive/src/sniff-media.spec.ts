import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaTypeError, sniffMedia } from './sniff-media';
import { createScratchDir, manifestBytes, mediaFor, refusalOf, storyWith, writeYazlZip } from './testing/story-archive-fixtures';
import { tinyGif, tinyJpeg, tinyPng } from './testing/tiny-images';

/** `bytes` in chunks of `size`, the way a socket or a file delivers them. */
function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks, { objectMode: false });
}

async function bytesOf(content: Readable): Promise<Buffer> {
  return Buffer.concat((await content.toArray()) as Buffer[]);
}

describe('sniffMedia', () => {
  it('accepts a PNG and still yields every byte, the sniffed prefix included', async () => {
    const png = Buffer.concat([tinyPng(), randomBytes(20_000)]);
    const { contentType, content } = await sniffMedia(chunked(png, 1000));
    expect(contentType).toBe('image/png');
    expect((await bytesOf(content)).equals(png)).toBe(true);
  });

  it('accepts a JPEG whose bytes arrive one at a time', async () => {
    const jpeg = tinyJpeg();
    const { contentType, content } = await sniffMedia(chunked(jpeg, 1));
    expect(contentType).toBe('image/jpeg');
    expect((await bytesOf(content)).equals(jpeg)).toBe(true);
  });

  it.each([
    ['a GIF', tinyGif(), 'The file is a GIF file (image/gif), not a PNG or JPEG image'],
    ['text', Buffer.from('hello, I am a text file named photo.png'), 'The file is not a PNG or JPEG image (its type could not be recognised)'],
    ['an empty file', Buffer.alloc(0), 'The file is empty, so it is not a PNG or JPEG image'],
  ])('refuses %s with a MediaTypeError', async (_what, bytes, message) => {
    const source = chunked(bytes, 1000);
    const refusal = sniffMedia(source);
    await expect(refusal).rejects.toThrow(MediaTypeError);
    await expect(refusal).rejects.toThrow(message);
    expect(source.destroyed).toBe(true);
  });

  it('passes on an error of its source that comes after the prefix', async () => {
    const failing = Readable.from(
      (async function* () {
        yield Buffer.concat([tinyPng(), Buffer.alloc(5000)]);
        throw new Error('the upload broke off');
      })(),
      { objectMode: false },
    );
    const { content } = await sniffMedia(failing);
    await expect(content.toArray()).rejects.toThrow('the upload broke off');
  });

  it('releases its source when the reader stops early', async () => {
    const source = chunked(Buffer.concat([tinyPng(), Buffer.alloc(100_000)]), 4096);
    const { content } = await sniffMedia(source);
    content.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.destroyed).toBe(true);
  });
});

describe('readStoryArchive checking images by content', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDir>>;
  beforeEach(async () => {
    scratch = await createScratchDir();
  });
  afterEach(() => scratch.cleanup());

  it('refuses text named .png before handing it out', async () => {
    const text = Buffer.from('not an image at all, just words');
    const fake = mediaFor('fox', text);
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(storyWith([fake])) }, { name: fake.file, data: text }]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('media/fox.png is not a PNG or JPEG image (its type could not be recognised)');
    expect(handed).toEqual([]);
  });

  it('refuses a JPEG that story.json calls a PNG', async () => {
    const jpeg = tinyJpeg();
    const claimed = mediaFor('fox', jpeg, 'image/png');
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(storyWith([claimed])) }, { name: claimed.file, data: jpeg }]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('media/fox.png is a JPEG image, but story.json says it is a PNG image');
    expect(handed).toEqual([]);
  });

  it('hands out the images before a bad one, then stops', async () => {
    const [png, gif] = [tinyPng(), tinyGif()];
    const [good, bad] = [mediaFor('good', png), mediaFor('bad', gif)];
    await writeYazlZip(scratch.path('a.zip'), [
      { name: 'story.json', data: manifestBytes(storyWith([good, bad])) },
      { name: good.file, data: png },
      { name: bad.file, data: gif },
    ]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('media/bad.png is a GIF file (image/gif), not a PNG or JPEG image');
    expect(handed).toEqual(['media/good.png']);
  });
});
