import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ArchiveMedia } from '@storyline/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStoryArchive } from './read-story-archive';
import { createScratchDir, manifestBytes, mediaFor, openDescriptorsOn, storyWith, writeRawZip } from './testing/story-archive-fixtures';
import { tinyJpeg, zeroPaddedPng } from './testing/tiny-images';

type OnMedia = (media: ArchiveMedia, content: Readable) => Promise<void>;

const readAll: OnMedia = async (_media, content) => {
  await content.toArray();
};

describe.runIf(existsSync('/proc/self/fd'))('readStoryArchive closing the ZIP file', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDir>>;
  // Large enough that yauzl has not read it all by the time an image is handed out or refused.
  const png = zeroPaddedPng(1024 * 1024);
  const jpeg = Buffer.concat([tinyJpeg(), Buffer.alloc(1024 * 1024)]);
  const fox = mediaFor('fox', png);

  beforeEach(async () => {
    scratch = await createScratchDir();
  });
  afterEach(() => scratch.cleanup());

  async function expectClosedAfter(entries: Parameters<typeof writeRawZip>[1], onMedia: OnMedia, signal?: AbortSignal): Promise<void> {
    const zipPath = scratch.path('a.zip');
    await writeRawZip(zipPath, entries);
    await readStoryArchive(zipPath, { onMedia, signal, limits: { maxTotalUncompressedBytes: 8 * 1024 * 1024 } }).catch(() => undefined);
    expect(await openDescriptorsOn(zipPath)).toBe(0);
  }

  it('closes it after a successful read', async () => {
    await expectClosedAfter([{ name: 'story.json', data: manifestBytes(storyWith([fox])) }, { name: fox.file, data: png }], readAll);
  });

  it('closes it after a refusal from the central directory', async () => {
    await expectClosedAfter([{ name: '../evil', data: png }], readAll);
  });

  it('closes it when an image is refused after sniffing, before anyone read it', async () => {
    const claimed = mediaFor('fox', jpeg, 'image/png');
    await expectClosedAfter([{ name: 'story.json', data: manifestBytes(storyWith([claimed])) }, { name: claimed.file, data: jpeg }], readAll);
  });

  it('closes it when onMedia gives up without reading', async () => {
    await expectClosedAfter([{ name: 'story.json', data: manifestBytes(storyWith([fox])) }, { name: fox.file, data: png }], async () => {
      throw new Error('the upload failed');
    });
  });

  it('closes it when the content errors mid-way', async () => {
    const liar = mediaFor('fox', zeroPaddedPng(20_000));
    const entries = [
      { name: 'story.json', data: manifestBytes(storyWith([liar])) },
      { name: liar.file, data: zeroPaddedPng(512 * 1024), method: 'deflated' as const, claimedSize: 20_000 },
    ];
    await expectClosedAfter(entries, readAll);
  });

  it('closes it when the signal aborts mid-image', async () => {
    const big = zeroPaddedPng(2 * 1024 * 1024);
    const large = mediaFor('fox', big);
    const controller = new AbortController();
    await expectClosedAfter(
      [{ name: 'story.json', data: manifestBytes(storyWith([large])) }, { name: large.file, data: big }],
      async (_media, content) => {
        for await (const chunk of content) {
          void chunk;
          controller.abort();
        }
      },
      controller.signal,
    );
  });
});
