import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStoryArchive } from './read-story-archive';
import { createScratchDir, manifestBytes, mediaFor, refusalOf, storyWith, writeRawZip, writeYazlZip } from './testing/story-archive-fixtures';
import { tinyPng } from './testing/tiny-images';

describe('readStoryArchive refusing what the central directory shows', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDir>>;
  const png = tinyPng();
  const media = mediaFor('fox', png);
  const manifest = { name: 'story.json', data: manifestBytes(storyWith([media])) };
  const image = { name: media.file, data: png };

  beforeEach(async () => {
    scratch = await createScratchDir();
  });
  afterEach(() => scratch.cleanup());

  it('refuses a path that climbs out of its folder with ../', async () => {
    await writeRawZip(scratch.path('a.zip'), [manifest, image, { name: 'media/../../evil.txt', data: Buffer.from('boo') }]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds a path that leaves its folder: media/../../evil.txt');
    expect(handed).toEqual([]);
  });

  it.each(['/etc/passwd', 'C:\\Windows\\evil.txt', 'C:/evil.txt'])('refuses the absolute path %s', async (name) => {
    await writeRawZip(scratch.path('a.zip'), [manifest, image, { name, data: Buffer.from('boo') }]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe(`The archive holds a path that starts at the top of a disk instead of inside its folder: ${name}`);
    expect(handed).toEqual([]);
  });

  it('refuses a name with backslashes instead of reading it as a folder', async () => {
    await writeRawZip(scratch.path('a.zip'), [manifest, { name: 'media\\fox.png', data: png }]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toContain('The archive holds a file name with backslashes, which ZIP files must not use: media\\fox.png');
    expect(handed).toEqual([]);
  });

  it('refuses ..\\ with backslashes as a path that leaves its folder', async () => {
    await writeRawZip(scratch.path('a.zip'), [manifest, image, { name: '..\\evil.txt', data: Buffer.from('boo') }]);
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds a path that leaves its folder: ..\\evil.txt');
  });

  it('refuses a symbolic link entry even where its name is allowed', async () => {
    await writeRawZip(scratch.path('a.zip'), [manifest, { name: media.file, data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds a link to another file, which is not allowed: media/fox.png');
    expect(handed).toEqual([]);
  });

  it('refuses a name held twice', async () => {
    await writeRawZip(scratch.path('a.zip'), [manifest, image, image]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds media/fox.png more than once');
    expect(handed).toEqual([]);
  });

  it('refuses names that differ only in case', async () => {
    await writeRawZip(scratch.path('a.zip'), [manifest, image, { name: 'media/FOX.png', data: png }]);
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds both media/fox.png and media/FOX.png, which most computers treat as the same name');
  });

  it('refuses 5,000 entries from the count in the end record, before reading any', async () => {
    const entries = Array.from({ length: 5_000 }, (_, index) => ({ name: `media/f${index}.png`, data: Buffer.alloc(0) }));
    await writeRawZip(scratch.path('a.zip'), [manifest, ...entries]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds 5,001 files; at most 1,000 are allowed');
    expect(handed).toEqual([]);
  });

  it('refuses a file outside story.json and media/', async () => {
    await writeYazlZip(scratch.path('a.zip'), [manifest, image, { name: 'notes.txt', data: Buffer.from('hi') }]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds notes.txt, which does not belong in a story archive (only story.json and images under media/ do)');
    expect(handed).toEqual([]);
  });

  it('accepts directory entries and reads the files beside them', async () => {
    await writeRawZip(scratch.path('a.zip'), [{ name: 'media/', unixMode: 0o40755 }, manifest, image]);
    const handed: string[] = [];
    const archive = await readStoryArchive(scratch.path('a.zip'), {
      onMedia: async (item, content) => {
        handed.push(item.file);
        await content.toArray();
      },
    });
    expect(archive.media).toEqual([media]);
    expect(handed).toEqual(['media/fox.png']);
  });

  it('refuses an encrypted entry', async () => {
    // Traditional PKWARE encryption: a 12-byte header before the data, the general purpose bit 0 set.
    const encrypted = { name: media.file, data: Buffer.concat([Buffer.alloc(12, 7), png]), claimedSize: png.length, flags: 0x801 };
    await writeRawZip(scratch.path('a.zip'), [manifest, encrypted]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds an encrypted file, which cannot be read: media/fox.png');
    expect(handed).toEqual([]);
  });

  it('refuses strong encryption, which yauzl stops at', async () => {
    await writeRawZip(scratch.path('a.zip'), [manifest, { ...image, flags: 0x841 }]);
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds an encrypted file, which cannot be read');
  });

  it('refuses a name that is not UTF-8', async () => {
    await writeRawZip(scratch.path('a.zip'), [manifest, { name: Buffer.from([0x6d, 0xff, 0xfe, 0x2e, 0x70, 0x6e, 0x67]), data: png }]);
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds a file whose name is not readable text: m\uFFFD\uFFFD.png');
  });

  it('refuses a name with control characters', async () => {
    await writeRawZip(scratch.path('a.zip'), [manifest, { name: 'media/fox\n.png', data: png }]);
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds a file name with hidden control characters: "media/fox\\n.png"');
  });

  it('refuses an archive without story.json', async () => {
    await writeYazlZip(scratch.path('a.zip'), [image]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('The archive holds no story.json, so it is not a story archive');
    expect(handed).toEqual([]);
  });

  it('lists every problem of the directory, not only the first', async () => {
    await writeRawZip(scratch.path('a.zip'), [image, { name: '../a', data: png }, { name: '/b', data: png }, { name: 'c.txt', data: png }]);
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.problems).toEqual([
      'The archive holds a path that leaves its folder: ../a',
      'The archive holds a path that starts at the top of a disk instead of inside its folder: /b',
      'The archive holds c.txt, which does not belong in a story archive (only story.json and images under media/ do)',
      'The archive holds no story.json, so it is not a story archive',
    ]);
    expect(error.message).toBe('The archive holds a path that leaves its folder: ../a (and 3 more problems)');
  });
});
