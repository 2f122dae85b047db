import type { Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell.po';
import { expect, test } from './fixtures';
import { layoutProblems, PHONE, SCREEN_PAGES } from './screens.po';

/** The header's actions every signed-in page offers; an admin has two more. */
function headerActions(page: Page, admin: boolean) {
  const ids = ['nav-stories', 'nav-regions', 'nav-heroes', 'nav-epics', 'nav-activity', 'notices-open', 'logout', ...(admin ? ['nav-flags', 'nav-operations'] : [])];
  return ids.map((id) => page.getByTestId(id));
}

/** Opens the header's panels one at a time and checks each lies wholly on screen, with targets a finger can hit. */
async function expectHeaderPanelsOnScreen(page: Page): Promise<void> {
  const shell = new AppShell(page);
  await shell.openActivity();
  await expect(shell.activityPanel).toBeInViewport({ ratio: 1 });
  expect(await layoutProblems(page)).toEqual([]);
  await page.getByTestId('nav-activity').click();
  await expect(shell.activityPanel).toBeHidden();

  await page.getByTestId('notices-open').click();
  await expect(page.getByTestId('notices-list')).toBeInViewport({ ratio: 1 });
  expect(await layoutProblems(page)).toEqual([]);
  await page.getByTestId('notices-open').click();
}

/** Checks that an in-page panel lies within the viewport's width (it may run below the fold, as pages do). */
async function expectWithinWidth(panel: Locator): Promise<void> {
  const box = await panel.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= PHONE.width, `panel at x ${box?.x}, ${box?.width}px wide`).toBe(true);
}

test.describe('at 390 px wide', () => {
  test.use({ viewport: PHONE });

  for (const screen of SCREEN_PAGES) {
    test(`the ${screen.name} page fits, its header actions and panels are on screen, and its targets are at least 44 px`, async ({ page, signIn }) => {
      let shown = page;
      if (screen.user) {
        shown = await signIn(screen.user);
        await shown.setViewportSize(PHONE);
      }
      await screen.open(shown);
      expect(await shown.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      expect(await layoutProblems(shown)).toEqual([]);
      if (screen.user) {
        for (const action of headerActions(shown, screen.user === 'admin')) await expect(action).toBeInViewport({ ratio: 1 });
        await expectHeaderPanelsOnScreen(shown);
      } else {
        await expect(shown.getByTestId('login-submit')).toBeInViewport({ ratio: 1 });
      }
      if (screen.openPanel) {
        await expectWithinWidth(await screen.openPanel(shown));
        expect(await layoutProblems(shown)).toEqual([]);
      }
    });
  }
});
