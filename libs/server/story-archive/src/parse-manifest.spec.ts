import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScratchDir, manifestBytes, mediaFor, refusalOf, storyWith, writeYazlZip } from './testing/story-archive-fixtures';
import { tinyPng } from './testing/tiny-images';

describe('readStoryArchive refusing a broken story.json', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDir>>;
  const png = tinyPng();
  const image = { name: 'media/fox.png', data: png };

  beforeEach(async () => {
    scratch = await createScratchDir();
  });
  afterEach(() => scratch.cleanup());

  it('lists every problem of an invalid story.json with its path', async () => {
    const broken = {
      ...storyWith([mediaFor('fox', png)]),
      schemaVersion: 2,
      title: '',
      pages: [{ en: 42, ro: 'Bună', media: ['fox'] }],
    };
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(broken) }, image]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.problems).toEqual([
      'schemaVersion: schemaVersion must be 1',
      'title: the title is required',
      'pages.0.en: the English text must be text, not a number',
    ]);
    expect(error.message).toBe(
      'story.json is not a valid story: schemaVersion: schemaVersion must be 1; title: the title is required; pages.0.en: the English text must be text, not a number',
    );
    expect(handed).toEqual([]);
  });

  it('names the cross-checks of the schema too, such as a page naming an unlisted image', async () => {
    const broken = { ...storyWith([{ ...mediaFor('fox', png), file: 'fox.png' }]), pages: [{ en: 'a', ro: 'b', media: ['owl'] }] };
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(broken) }, image]);
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.problems).toEqual([
      'media.0.file: a media file must be named media/<id>.png or media/<id>.jpg',
      'pages.0.media: page 1 names media owl, which the media list lacks',
    ]);
  });

  it('refuses text the database cannot store, a NUL character or half a surrogate pair, naming each by its path', async () => {
    const broken = {
      ...storyWith([{ ...mediaFor('fox', png), fileName: 'fox\u0000.png' }]),
      title: 'The\u0000fox',
      pages: [{ en: 'Once \ud800 upon a time', ro: 'A fost odată \udc00', media: ['fox'] }],
      notes: 'dropped by the schema, so free to hold \u0000',
    };
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(broken) }, image]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.problems).toEqual([
      'title: holds a NUL character (\\u0000), which a story cannot hold',
      'pages.0.en: holds half of a surrogate pair (such as \\uD800 alone), which is not a character',
      'pages.0.ro: holds half of a surrogate pair (such as \\uD800 alone), which is not a character',
      'media.0.fileName: holds a NUL character (\\u0000), which a story cannot hold',
    ]);
    expect(error.message).toMatch(/^story\.json is not a valid story: title: holds a NUL character .* \(and 1 more\)$/);
    expect(handed).toEqual([]);
  });

  it('keeps a whole surrogate pair, which is one character such as an emoji', async () => {
    const { readStoryArchive } = await import('./read-story-archive');
    const story = { ...storyWith(), title: 'The fox \ud83e\udd8a' };
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: manifestBytes(story) }]);
    await expect(readStoryArchive(scratch.path('a.zip'), { onMedia: async () => undefined })).resolves.toMatchObject({ title: 'The fox 🦊' });
  });

  it('refuses a story.json that is not JSON', async () => {
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: Buffer.from('{"title": "The fox",') }, image]);
    const { error, handed } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('story.json is not valid JSON, so the story in it cannot be read');
    expect(error.problems[0]).toMatch(/^story\.json is not valid JSON: /);
    expect(handed).toEqual([]);
  });

  it('refuses a story.json that is not UTF-8', async () => {
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]) }, image]);
    const { error } = await refusalOf(scratch.path('a.zip'));
    expect(error.message).toBe('story.json is not UTF-8 text, so the story in it cannot be read');
  });

  it('reads a story.json that starts with a byte order mark', async () => {
    const { readStoryArchive } = await import('./read-story-archive');
    const story = storyWith();
    await writeYazlZip(scratch.path('a.zip'), [{ name: 'story.json', data: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), manifestBytes(story)]) }]);
    await expect(readStoryArchive(scratch.path('a.zip'), { onMedia: async () => undefined })).resolves.toEqual(story);
  });
});
