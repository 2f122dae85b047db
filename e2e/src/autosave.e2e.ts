import type { Page } from '@playwright/test';
import { holdRequests } from './draft-conflict.po';
import { EpicPage } from './epics.po';
import { countRequests, expect, test } from './fixtures';
import { StoryEditorPage } from './story-editor.po';
import { WorldPage } from './world.po';

/** The editor's autosave delay (`AUTOSAVE_DELAY_MS`): a save that shows before it is not the autosave. */
const AUTOSAVE_DELAY_MS = 1_000;

/** Every dialog the page opens, by type; each is dismissed, as a user who stays would. */
function recordDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  });
  return dialogs;
}

/**
 * Stops the page's fake clock, so no timer (the autosave among them) fires until the test moves
 * it. The clock runs ahead of what the page last read by a few milliseconds, so it stops a second on.
 */
async function pauseClock(page: Page): Promise<void> {
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
}

test.describe('no typed word is lost', () => {
  test('text typed just before "← My stories" is there on coming back', async ({ signIn }) => {
    const alice = await signIn('alice');
    const editor = new StoryEditorPage(alice);
    await editor.createStory('Left in a hurry');
    await editor.pageText(0, 'en').fill('The fox ran for the last train.');
    await editor.backToStories();

    await editor.openFromList('Left in a hurry');
    await expect(editor.pageText(0, 'en')).toHaveValue('The fox ran for the last train.');
  });

  test('a draft saves itself once typing stops, so a reload keeps it without asking', async ({ signIn }) => {
    const alice = await signIn('alice');
    const dialogs = recordDialogs(alice);
    const editor = new StoryEditorPage(alice);
    await editor.createStory('Saved by itself');
    await editor.pageText(0, 'en').fill('Nobody pressed save.');
    await editor.pageText(0, 'ro').fill('Nimeni n-a apăsat pe salvare.');
    await expect(editor.saveStatus).toHaveText('Saved');
    expect(countRequests(alice, 'stories.saveDraft')).toBeGreaterThan(0);

    await alice.reload();
    await expect(editor.pageText(0, 'en')).toHaveValue('Nobody pressed save.');
    await expect(editor.pageText(0, 'ro')).toHaveValue('Nimeni n-a apăsat pe salvare.');
    expect(dialogs).toEqual([]);
  });

  test('reloading before the text is saved asks first, and staying keeps every word and saves it', async ({ signIn }) => {
    const alice = await signIn('alice', { fakeClock: true });
    const editor = new StoryEditorPage(alice);
    await editor.createStory('Almost lost');
    // With the clock stopped the autosave cannot fire: the reload comes while the text is unsaved.
    await pauseClock(alice);
    await editor.pageText(0, 'en').click();
    await editor.pageText(0, 'en').pressSequentially('Typed a moment ago.');

    const asked = alice.waitForEvent('dialog', { timeout: 15_000 });
    // Staying cancels the reload, so it never finishes: give up waiting for it after a while.
    const reloading = alice.reload({ timeout: 5_000 }).catch(() => undefined);
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.dismiss();
    await reloading;

    await alice.clock.resume();
    await expect(editor.pageText(0, 'en')).toHaveValue('Typed a moment ago.');
    await expect(editor.saveStatus).toHaveText('Saved');
    await alice.reload();
    await expect(editor.pageText(0, 'en')).toHaveValue('Typed a moment ago.');
  });

  test('Ctrl+S saves at once, without waiting for the autosave and without the browser’s save dialog', async ({ signIn }) => {
    const alice = await signIn('alice', { fakeClock: true });
    const editor = new StoryEditorPage(alice);
    await editor.createStory('Saved by hand');
    await alice.evaluate(() => {
      // Added after the editor's own listener, so it sees whether the editor kept the browser from acting.
      window.addEventListener('keydown', (event) => {
        if (event.key === 's') (window as unknown as { savePrevented: boolean }).savePrevented = event.defaultPrevented;
      });
    });
    await pauseClock(alice);
    await editor.pageText(0, 'en').fill('Saved the moment I asked.');
    await alice.keyboard.press('Control+s');

    // Time moves on in small steps, and never as far as the autosave delay.
    let elapsed = 0;
    await expect
      .poll(
        async () => {
          if (elapsed + 25 < AUTOSAVE_DELAY_MS) {
            await alice.clock.runFor(25);
            elapsed += 25;
          }
          return editor.saveStatus.textContent();
        },
        { intervals: [50], timeout: 15_000 },
      )
      .toBe('Saved');
    expect(elapsed).toBeLessThan(AUTOSAVE_DELAY_MS);
    expect(await alice.evaluate(() => (window as unknown as { savePrevented?: boolean }).savePrevented)).toBe(true);

    await alice.clock.resume();
    await alice.reload();
    await expect(editor.pageText(0, 'en')).toHaveValue('Saved the moment I asked.');
  });

  test('offline, the editor says it will retry, then saves by itself once the network is back and the error clears', async ({ signIn }) => {
    const alice = await signIn('alice');
    const editor = new StoryEditorPage(alice);
    await editor.createStory('Written on the train');
    await alice.context().setOffline(true);
    await editor.pageText(0, 'en').fill('Between two tunnels.');
    await expect(editor.saveStatus).toHaveText('Offline — will retry');
    await expect(editor.formError).toBeHidden();

    await alice.context().setOffline(false);
    await expect(editor.saveStatus).toHaveText('Saved');
    await expect(editor.formError).toBeHidden();
    await alice.reload();
    await expect(editor.pageText(0, 'en')).toHaveValue('Between two tunnels.');
  });

  test('a save the server refuses shows its sentence and is not sent again until the draft changes', async ({ signIn }) => {
    const alice = await signIn('alice');
    const editor = new StoryEditorPage(alice);
    await editor.createStory('Refused once');
    let refusals = 0;
    await alice.route('**/trpc/stories.saveDraft**', (route) => {
      refusals += 1;
      // What the API answers a batched call it refuses: the error's shape, with its sentence.
      return route.fulfill({
        status: 400,
        json: [{ error: { message: 'pages.0.en: Too long', code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400, path: 'stories.saveDraft' } } }],
      });
    });
    await editor.pageText(0, 'en').fill('A page the server will not take.');
    await expect(editor.formError).toHaveText('pages.0.en: Too long');
    await expect(editor.saveStatus).toHaveText('Unsaved changes');
    // Longer than the first retry's wait: a refusal is not retried as a dropped save is.
    await alice.waitForTimeout(3_000);
    expect(refusals).toBe(1);

    await alice.unroute('**/trpc/stories.saveDraft**');
    await editor.pageText(0, 'en').fill('A page the server takes.');
    await expect(editor.saveStatus).toHaveText('Saved');
    await expect(editor.formError).toBeHidden();
  });
});

/** The epic, region and hero editors, by the prefix of their test ids, the list their back link names, and how one is created. */
const ITEM_EDITORS = [
  { kind: 'epic', list: 'epics', create: (page: Page, name: string) => new EpicPage(page).create(name) },
  { kind: 'region', list: 'regions', create: (page: Page, name: string) => new WorldPage(page, 'region').create(name) },
  { kind: 'hero', list: 'heroes', create: (page: Page, name: string) => new WorldPage(page, 'hero').create(name) },
] as const;

test.describe('epics, regions and heroes lose no typed word either', () => {
  for (const { kind, list, create } of ITEM_EDITORS) {
    test(`the ${kind}'s description saves itself once typing stops, so "← My ${list}" and a reload keep it without asking`, async ({ signIn }) => {
      const alice = await signIn('alice');
      const dialogs = recordDialogs(alice);
      await create(alice, `Autosaved ${kind}`);
      await alice.getByTestId(`${kind}-description-en`).fill('Nobody pressed save.');
      await expect(alice.getByTestId(`${kind}-save-status`)).toHaveText('Saved');

      await alice.getByRole('link', { name: `← My ${list}` }).click();
      await alice.getByRole('link', { name: `Autosaved ${kind}` }).click();
      await expect(alice.getByTestId(`${kind}-description-en`)).toHaveValue('Nobody pressed save.');
      await alice.reload();
      await expect(alice.getByTestId(`${kind}-description-en`)).toHaveValue('Nobody pressed save.');
      expect(dialogs).toEqual([]);
    });
  }

  test('a hero whose save the network dropped says it will retry, leaving asks first, and staying keeps the words until it saves', async ({ signIn }) => {
    const alice = await signIn('alice');
    await new WorldPage(alice, 'hero').create('Offline hero');
    await alice.route('**/trpc/heroes.save**', (route) => route.abort('internetdisconnected'));
    await alice.getByTestId('hero-description-en').fill('Written in a tunnel.');
    await expect(alice.getByTestId('hero-save-status')).toHaveText('Offline — will retry');

    const dialogs = recordDialogs(alice);
    await alice.getByRole('link', { name: '← My heroes' }).click();
    await expect.poll(() => dialogs).toEqual(['confirm']);
    await expect(alice.getByTestId('hero-description-en')).toHaveValue('Written in a tunnel.');

    await alice.unroute('**/trpc/heroes.save**');
    await alice.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect(alice.getByTestId('hero-save-status')).toHaveText('Saved');
    await expect(alice.getByTestId('hero-form-error')).toBeHidden();
    await alice.reload();
    await expect(alice.getByTestId('hero-description-en')).toHaveValue('Written in a tunnel.');
  });

  test('an item added to an epic while its save is under way stays on screen and is saved next', async ({ signIn }) => {
    const alice = await signIn('alice');
    await new WorldPage(alice, 'region').create('The North');
    const epic = new EpicPage(alice);
    await epic.create('Items in flight');
    const save = await holdRequests(alice, 'epics.save');
    await alice.getByTestId('epic-description-en').fill('A saga of the north.');
    await save.sent;
    await epic.add('Region · The North');
    await save.release();

    await expect(alice.getByTestId('epic-save-status')).toHaveText('Saved');
    await expect(epic.items()).toHaveText(['Region · The North']);
    await alice.reload();
    await expect(epic.items()).toHaveText(['Region · The North']);
    await expect(alice.getByTestId('epic-description-en')).toHaveValue('A saga of the north.');
  });
});
