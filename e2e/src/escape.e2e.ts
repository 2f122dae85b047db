import type { Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell.po';
import { expect, test } from './fixtures';
import { screenPage } from './screens.po';

/** Opens a page of the editor as alice, seeded as the other screen checks see it. */
async function openAsAlice(signIn: (username: string) => Promise<Page>, name: string): Promise<Page> {
  const page = await signIn('alice');
  await screenPage(name).open(page);
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
  const question = await screenPage('story editor').openPanel?.(page);
  if (!question) throw new Error('the story editor asks no question');
  await expectEscapeCloses(page, question, page.getByTestId('open-version-1'), page.getByTestId('cancel-discard'));
  await expect(page.getByTestId('page-en-0')).toHaveValue('A changed first page.');
});

for (const kind of ['epic', 'region', 'hero'] as const) {
  test(`Escape closes the ${kind} version shown read-only and focus returns to that version in the list`, async ({ signIn }) => {
    const page = await openAsAlice(signIn, `${kind} editor`);
    const view = await screenPage(`${kind} editor`).openPanel?.(page);
    if (!view) throw new Error(`the ${kind} editor shows no version`);
    await expectEscapeCloses(page, view, page.getByTestId(`${kind}-version-item`), page.getByTestId(`${kind}-version-close`));
  });
}
