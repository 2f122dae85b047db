import { describe, expect, it } from 'vitest';
import { draftStory, saveDraftOver } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;

useTestStack((started) => ({ stack, alice } = started));

describe('saving a draft', () => {
  it('refuses text the database cannot store with a clear message, where it once answered an internal error', async () => {
    const storyId = await draftStory(alice, 1);
    await expect(saveDraftOver(alice, { storyId, title: 'Fox', pages: [{ en: 'a\u0000b', ro: 'ok' }] })).rejects.toThrow(
      'pages.0.en: holds a NUL character (\\u0000), which a story cannot hold',
    );
    await expect(saveDraftOver(alice, { storyId, title: 'Fox \ud800', pages: [{ en: 'ok', ro: 'ok' }] })).rejects.toThrow(
      /title: holds half of a surrogate pair/,
    );
    const kept = await alice.stories.get.query({ storyId });
    expect(kept.pages.map(({ en, ro }) => ({ en, ro }))).toEqual([{ en: 'page 1', ro: 'pagina 1' }]);
  });

  it('keeps an emoji, which is a whole surrogate pair', async () => {
    const storyId = await draftStory(alice, 1);
    const saved = await saveDraftOver(alice, { storyId, title: 'The fox 🦊', pages: [{ en: '🦊 ran', ro: '🦊 a fugit' }] });
    expect(saved).toMatchObject({ title: 'The fox 🦊', pages: [{ en: '🦊 ran', ro: '🦊 a fugit', media: [] }] });
  });

  it('refuses another user’s story and a story that does not exist', async () => {
    const bob = await stack.login('bob');
    const storyId = await draftStory(alice, 1);
    await expect(saveDraftOver(bob, { storyId, title: 'Mine now', pages: [{ en: 'x', ro: 'x' }] })).rejects.toThrow(/belongs to another user/);
    await expect(bob.stories.versions.query({ storyId })).rejects.toThrow(/belongs to another user/);
    await expect(alice.stories.get.query({ storyId: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow(/does not exist/);
  });
});
