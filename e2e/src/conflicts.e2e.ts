import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { DraftConflictPanel, holdRequests } from './draft-conflict.po';
import { StoryEditorPage } from './story-editor.po';
import { layoutProblems, PHONE, seriousViolations } from './screens.po';
import { StoryVersionsPanel } from './story-versions.po';

/** Opens a second tab of `page`'s browser (same profile, so the tabs share the user stream) on the page it shows. */
async function secondTab(page: Page): Promise<Page> {
  const tab = await page.context().newPage();
  await tab.goto(page.url());
  return tab;
}

/**
 * Two tabs on one saved draft; tab B types `mine` but its save is held until tab A has typed
 * and saved `theirs`, then goes on: the save B based on the older revision meets A's.
 */
async function tabsInConflict(page: Page, title: string, theirs: string, mine: string) {
  const editorA = new StoryEditorPage(page);
  await editorA.createStory(title);
  await editorA.pageText(0, 'en').fill('Where both tabs started.');
  await expect(editorA.saveStatus).toHaveText('Saved');

  const tabB = await secondTab(page);
  const editorB = new StoryEditorPage(tabB);
  await expect(editorB.pageText(0, 'en')).toHaveValue('Where both tabs started.');
  const saveB = await holdRequests(tabB, 'stories.saveDraft');
  await editorB.pageText(0, 'en').fill(mine);
  await saveB.sent;

  await editorA.pageText(0, 'en').fill(theirs);
  await editorA.saveDraft();
  await saveB.release();
  return { editorA, editorB, tabB, conflict: new DraftConflictPanel(tabB) };
}

test.describe('two tabs on one draft never overwrite each other silently', () => {
  test('the later save shows both texts; "Keep mine" saves it over the other, whose text stays to copy, and the idle tab takes it', async ({ signIn }) => {
    const alice = await signIn('alice');
    const { editorA, editorB, conflict } = await tabsInConflict(alice, 'Keep mine', 'Tab A wrote this.', 'Tab B wrote this.');

    await expect(conflict.panel).toBeVisible();
    await expect(conflict.field('Page 1 · English').mine).toHaveValue('Tab B wrote this.');
    await expect(conflict.field('Page 1 · English').saved).toHaveValue('Tab A wrote this.');
    await expect(editorB.saveStatus).toHaveText('Changed elsewhere — choose a version');
    // While the conflict is open nothing is saved, however long the author types.
    await editorB.pageText(0, 'ro').fill('Tabul B a scris asta.');
    await expect(conflict.field('Page 1 · Română').mine).toHaveValue('Tabul B a scris asta.');

    await conflict.keepMine();
    await expect(conflict.panel).toBeHidden();
    await expect(editorB.saveStatus).toHaveText('Saved');
    await expect(conflict.setAside.getByTestId('set-aside-text').first()).toHaveValue('Tab A wrote this.');
    // Tab A has nothing unsaved: it shows the newer draft at once, with no conflict of its own.
    await expect(editorA.pageText(0, 'en')).toHaveValue('Tab B wrote this.');
    await expect(editorA.pageText(0, 'ro')).toHaveValue('Tabul B a scris asta.');
    await expect(new DraftConflictPanel(alice).panel).toBeHidden();

    await alice.reload();
    await expect(editorA.pageText(0, 'en')).toHaveValue('Tab B wrote this.');
  });

  test('at 390 px the conflict fits the screen, its choices are 44 px targets, and axe finds nothing serious in it', async ({ signIn }) => {
    const alice = await signIn('alice');
    const { tabB, conflict } = await tabsInConflict(alice, 'A conflict on a phone', 'Tab A wrote this.', 'Tab B wrote this.');
    await tabB.setViewportSize(PHONE);
    await expect(conflict.panel).toBeVisible();
    await conflict.panel.scrollIntoViewIfNeeded();

    expect(await layoutProblems(tabB)).toEqual([]);
    expect(await seriousViolations(tabB)).toEqual([]);
  });

  test('"Take the saved one" shows the other tab’s text in the form and keeps mine to copy, saving nothing over it', async ({ signIn }) => {
    const alice = await signIn('alice');
    const { editorB, tabB, conflict } = await tabsInConflict(alice, 'Take theirs', 'Tab A wrote this.', 'Tab B wrote this.');

    await expect(conflict.panel).toBeVisible();
    await conflict.takeSaved();
    await expect(conflict.panel).toBeHidden();
    await expect(editorB.pageText(0, 'en')).toHaveValue('Tab A wrote this.');
    await expect(conflict.setAside).toContainText('Your version, not saved');
    await expect(conflict.setAside.getByTestId('set-aside-text')).toHaveValue('Tab B wrote this.');

    // Editing goes on from the saved version, with no further conflict.
    await editorB.pageText(0, 'ro').fill('Continuat în tabul B.');
    await expect(editorB.saveStatus).toHaveText('Saved');
    await tabB.reload();
    await expect(editorB.pageText(0, 'en')).toHaveValue('Tab A wrote this.');
    await expect(editorB.pageText(0, 'ro')).toHaveValue('Continuat în tabul B.');
  });

  test('a tab with nothing unsaved quietly shows what another tab saved, and its own next edit saves without a conflict', async ({ signIn }) => {
    const alice = await signIn('alice');
    const editorA = new StoryEditorPage(alice);
    await editorA.createStory('Quiet tab');
    await editorA.pageText(0, 'en').fill('First words.');
    await expect(editorA.saveStatus).toHaveText('Saved');
    const tabB = await secondTab(alice);
    const editorB = new StoryEditorPage(tabB);
    await expect(editorB.pageText(0, 'en')).toHaveValue('First words.');

    await editorA.pageText(0, 'en').fill('Newer words from tab A.');
    await expect(editorA.saveStatus).toHaveText('Saved');
    await expect(editorB.pageText(0, 'en')).toHaveValue('Newer words from tab A.');

    await editorB.pageText(0, 'ro').fill('Cuvinte din tabul B.');
    await expect(editorB.saveStatus).toHaveText('Saved');
    await expect(new DraftConflictPanel(tabB).panel).toBeHidden();
    await expect(editorA.pageText(0, 'ro')).toHaveValue('Cuvinte din tabul B.');
  });

  test('a version opened as the draft in another tab, while this tab’s save is under way, is a conflict there, not an overwrite', async ({ signIn }) => {
    const alice = await signIn('alice');
    const editorA = new StoryEditorPage(alice);
    await editorA.createStory('Opened under me');
    await editorA.pageText(0, 'en').fill('The published words.');
    await editorA.pageText(0, 'ro').fill('Cuvintele publicate.');
    await editorA.saveDraft();
    await new StoryVersionsPanel(alice).publishAs(1);

    const tabB = await secondTab(alice);
    const saveA = await holdRequests(alice, 'stories.saveDraft');
    await editorA.pageText(0, 'en').fill('Typed while the version opened.');
    await saveA.sent;
    const versionsB = new StoryVersionsPanel(tabB);
    await versionsB.openVersion(1);
    await versionsB.expectOpened();
    await saveA.release();

    const conflict = new DraftConflictPanel(alice);
    await expect(conflict.panel).toBeVisible();
    await expect(editorA.pageText(0, 'en')).toHaveValue('Typed while the version opened.');
    await expect(conflict.field('Page 1 · English').mine).toHaveValue('Typed while the version opened.');
    await expect(conflict.field('Page 1 · English').saved).toHaveValue('The published words.');
    await tabB.reload();
    await expect(new StoryEditorPage(tabB).pageText(0, 'en')).toHaveValue('The published words.');
  });

  test('a save that landed though the network lost its answer is not a conflict with itself: the retry saves the words typed since', async ({ signIn }) => {
    const alice = await signIn('alice');
    const editor = new StoryEditorPage(alice);
    await editor.createStory('Answer lost');
    const tabB = await secondTab(alice);
    let sends = 0;
    await alice.route('**/trpc/stories.saveDraft**', async (route) => {
      sends += 1;
      if (sends > 1) return route.continue();
      // The server takes the save; the answer never reaches the page.
      await route.fetch();
      return route.abort('internetdisconnected');
    });
    await editor.pageText(0, 'en').fill('Sent once.');
    await expect(editor.saveStatus).toHaveText('Offline — will retry');
    await editor.pageText(0, 'en').fill('Sent once. Typed while offline.');
    await alice.evaluate(() => window.dispatchEvent(new Event('online')));

    await expect(editor.saveStatus).toHaveText('Saved');
    await expect(new DraftConflictPanel(alice).panel).toBeHidden();
    // The other tab, with nothing unsaved, shows the words at once.
    await expect(new StoryEditorPage(tabB).pageText(0, 'en')).toHaveValue('Sent once. Typed while offline.');
    await alice.reload();
    await expect(editor.pageText(0, 'en')).toHaveValue('Sent once. Typed while offline.');
  });
});
