import { testImages } from '@storyline/story-document/testing';
import { ItemListPage } from './delete.po';
import { holdTable } from './hold-stories';
import { expect, test } from './fixtures';
import { expectImageLoaded, StoryFilesPage } from './file-jobs.po';
import { StorylineApi } from './storyline-api';
import { StoryEditorPage } from './story-editor.po';

const JOB_TIMEOUT = { timeout: 30_000 };
const pages = (...texts: string[]) => texts.map((en) => ({ en, ro: `${en} (ro)`, media: [] }));

test('deletes a story from the list with the keyboard, says so with Undo, and Undo brings it back', async ({ signIn }) => {
  const alice = await signIn('alice');
  const api = new StorylineApi(alice.request);
  // An import made twice leaves two stories alike: deleting one is the cure.
  const [story, twin] = [await api.createDraftStory('The Twice-Told Fox', pages('A fox.')), await api.createDraftStory('The Twice-Told Fox', pages('A fox.'))];
  const list = new ItemListPage(alice);
  await list.open();

  await list.deleteByKeyboard(story.id);
  await expect(list.deletedToast).toContainText('Deleted “The Twice-Told Fox”.');
  await list.deletedToast.getByTestId('deleted-toast-action').click();
  await expect(list.row(story.id)).toHaveCount(1);
  await alice.reload();
  await expect(list.row(story.id)).toHaveCount(1);

  // The newer twin is listed first; the pressed button goes with its row, and focus moves to the Delete of the row in its place.
  await list.deleteByKeyboard(twin.id);
  await expect(list.row(story.id).getByTestId('item-delete')).toBeFocused();
  await alice.reload();
  await expect(list.row(story.id)).toHaveCount(1);
  await expect(list.row(twin.id)).toHaveCount(0);
  await alice.goto(`/stories/${twin.id}`);
  await expect(alice.getByRole('alert')).toHaveText('This story does not exist');
});

test('a story an epic holds, once deleted, shows in the epic as a deleted story', async ({ signIn }) => {
  const alice = await signIn('alice');
  const api = new StorylineApi(alice.request);
  const story = await api.createDraftStory('Chapter that goes', pages('Gone soon.'));
  const kept = await api.createDraftStory('Chapter that stays', pages('Still here.'));
  const epic = await api.mutate<{ id: string; revision: number }>('epics.create', { name: 'Saga of two chapters' });
  const items = [story, kept].map(({ id }) => ({ kind: 'story', id }));
  await api.mutate('epics.save', { id: epic.id, name: 'Saga of two chapters', description: { en: '', ro: '' }, items, revision: epic.revision });

  const list = new ItemListPage(alice);
  await list.open();
  await list.deleteByKeyboard(story.id);

  await alice.goto(`/epics/${epic.id}`);
  await expect(alice.getByTestId('epic-item-name')).toHaveText(['Story · (deleted story)', 'Story · Chapter that stays']);
});

test('deleting a story ends its running PDF export clearly, in the other tab that follows it', async ({ signIn }) => {
  const alice = await signIn('alice');
  const api = new StorylineApi(alice.request);
  const story = await api.createDraftStory('Long winter', pages('Snow.', 'More snow.', 'Spring at last.'));
  const editor = new StoryFilesPage(alice);
  await editor.open(story.id);
  const card = editor.jobCard('export-pdf');

  // The export reads the story's images once it runs; a lock on their table holds it there, Running.
  const lock = await holdTable('media', 'access exclusive');
  try {
    await editor.exportPdf('English');
    await expect(card).toHaveAttribute('data-status', 'Running', JOB_TIMEOUT);

    const otherTab = await signIn('alice');
    const list = new ItemListPage(otherTab);
    await list.open();
    await list.deleteByKeyboard(story.id);

    await expect(card).toHaveAttribute('data-status', 'Failed');
    await expect(card.getByTestId('job-error')).toHaveText('The story was deleted.');
  } finally {
    await lock.release();
  }
});

test('Undo puts a removed page back at its place, after the autosave saved the removal', async ({ signIn }) => {
  const alice = await signIn('alice');
  const api = new StorylineApi(alice.request);
  const story = await api.createDraftStory('Three pages', pages('First.', 'Second.', 'Third.'));
  const files = new StoryFilesPage(alice);
  const editor = new StoryEditorPage(alice);
  await files.open(story.id);

  await alice.getByTestId('remove-page-1').click();
  await expect(editor.pageText(1, 'en')).toHaveValue('Third.');
  await expect(editor.saveStatus).toHaveText('Saved');
  await alice.getByTestId('page-removed-toast-action').click();
  await expect(editor.pageText(1, 'en')).toHaveValue('Second.');
  await expect(editor.saveStatus).toHaveText('Saved');

  await alice.reload();
  await expect(editor.pageText(0, 'en')).toHaveValue('First.');
  await expect(editor.pageText(1, 'en')).toHaveValue('Second.');
  await expect(editor.pageText(2, 'en')).toHaveValue('Third.');
  await expect(editor.pageText(1, 'ro')).toHaveValue('Second. (ro)');
});

test('Undo puts a removed image back, after the autosave saved the removal, and it still loads after a reload', async ({ signIn }) => {
  const alice = await signIn('alice');
  const api = new StorylineApi(alice.request);
  const story = await api.createDraftStory('Pictured', pages('With a picture.'));
  const files = new StoryFilesPage(alice);
  const editor = new StoryEditorPage(alice);
  await files.open(story.id);
  await files.addImage(0, { name: 'lantern.png', mimeType: 'image/png', buffer: testImages.png({ width: 8, height: 8, seed: 41 }) });

  await files.pageMedia(0).getByTestId('media-remove').click();
  await expect(files.thumbnails).toHaveCount(0);
  await expect(editor.saveStatus).toHaveText('Saved');
  await expect(alice.getByTestId('media-removed-toast')).toContainText('Removed “lantern.png” from page 1.');
  await alice.getByTestId('media-removed-toast-action').click();
  await expect(files.thumbnails).toHaveCount(1);
  await expect(editor.saveStatus).toHaveText('Saved');

  await alice.reload();
  await expectImageLoaded(files.pageMedia(0).getByTestId('media-thumbnail'));
});

test('Tab reaches a page’s texts and images before its “Remove page” button', async ({ signIn }) => {
  const alice = await signIn('alice');
  const api = new StorylineApi(alice.request);
  const story = await api.createDraftStory('Tab order', pages('One.', 'Two.'));
  const editor = new StoryEditorPage(alice);
  await new StoryFilesPage(alice).open(story.id);

  await editor.pageText(0, 'en').focus();
  const reached: (string | null)[] = [];
  for (let step = 0; step < 4; step += 1) {
    await alice.keyboard.press('Tab');
    reached.push(await alice.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null));
  }
  expect(reached).toEqual(['page-ro-0', 'page-media-add-0', 'remove-page-0', 'page-en-1']);
});
