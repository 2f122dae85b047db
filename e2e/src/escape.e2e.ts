import type { Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell.po';
import { expect, test } from './fixtures';
import { SCREEN_PAGES } from './screens.po';

/** Opens a page of the editor as alice, seeded as the other screen checks see it. */
async function openAsAlice(signIn: (username: string) => Promise<Page>, name: string): Promise<Page> {
  const page = await signIn('alice');
  const screen = SCREEN_PAGES.find((candidate) => candidate.name === name);
  if (!screen) throw new Error(`no screen page named ${name}`);
  await screen.open(page);
  return page;
}

/** Presses Escape with focus at `from` and expects `panel` gone and focus back on the control that opened it. */
async function expectEscapeCloses(page: Page, panel: Locator, opener: Locator, from: Locator = opener): Promise<void> {
  await from.focus();
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(opener).toBeFocused();
}

test('Escape closes the Activity panel, also from inside it, and focus returns to its button', async ({ signIn }) => {
  const page = await openAsAlice(signIn, 'story list');
  const shell = new AppShell(page);
  const opener = page.getByTestId('nav-activity');
  await shell.openActivity();
  await expectEscapeCloses(page, shell.activityPanel, opener, shell.activityPanel.getByRole('button', { name: 'Close activity' }));
  await shell.openActivity();
  await expectEscapeCloses(page, shell.activityPanel, opener);
});

test('Escape closes the Notices list and focus returns to its button', async ({ signIn }) => {
  const page = await openAsAlice(signIn, 'story list');
  const opener = page.getByTestId('notices-open');
  await opener.click();
  await expect(page.getByTestId('notices-list')).toBeVisible();
  await expectEscapeCloses(page, page.getByTestId('notices-list'), opener);
});

test('Escape answers the story versions question with "keep my changes" and focus returns to the version asked for', async ({ signIn }) => {
  const page = await openAsAlice(signIn, 'story editor');
  await page.getByTestId('page-en-0').fill('A changed first page.');
  const opener = page.getByTestId('open-version-1');
  await opener.click();
  const question = page.getByRole('alertdialog');
  await expect(question).toBeVisible();
  await expectEscapeCloses(page, question, opener, page.getByTestId('cancel-discard'));
  await expect(page.getByTestId('page-en-0')).toHaveValue('A changed first page.');
});

for (const kind of ['epic', 'region', 'hero'] as const) {
  test(`Escape closes the ${kind} version shown read-only and focus returns to that version in the list`, async ({ signIn }) => {
    const page = await openAsAlice(signIn, `${kind} editor`);
    const opener = page.getByTestId(`${kind}-version-item`);
    await opener.click();
    const view = page.getByTestId(`${kind}-version-view`);
    await expect(view).toBeVisible();
    await expectEscapeCloses(page, view, opener, page.getByTestId(`${kind}-version-close`));
  });
}
