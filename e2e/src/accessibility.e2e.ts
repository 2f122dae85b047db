import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { AppShell } from './app-shell.po';
import { expect, test } from './fixtures';
import { SCREEN_PAGES } from './screens.po';

/** axe-core's serious and critical violations on the page as it stands, one line each with the elements at fault. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** The panels a page opens within itself, each left open for axe to check. */
const PAGE_PANELS: Record<string, (page: Page) => Promise<void>> = {
  'story editor': async (page) => {
    await page.getByTestId('page-en-0').fill('A changed first page.');
    await page.getByTestId('open-version-1').click();
    await expect(page.getByRole('alertdialog')).toBeVisible();
  },
  'epic editor': (page) => openVersion(page, 'epic'),
  'region editor': (page) => openVersion(page, 'region'),
  'hero editor': (page) => openVersion(page, 'hero'),
};

async function openVersion(page: Page, kind: string): Promise<void> {
  await page.getByTestId(`${kind}-version-item`).click();
  await expect(page.getByTestId(`${kind}-version-view`)).toBeVisible();
}

for (const screen of SCREEN_PAGES) {
  test(`the ${screen.name} page has no serious or critical accessibility violation, with its panels open too`, async ({ page, signIn }) => {
    const shown = screen.user ? await signIn(screen.user) : page;
    await screen.open(shown);
    expect(await seriousViolations(shown)).toEqual([]);

    await PAGE_PANELS[screen.name]?.(shown);
    if (screen.user) {
      await new AppShell(shown).openActivity();
      await shown.getByTestId('notices-open').click();
      await expect(shown.getByTestId('notices-list')).toBeVisible();
    }
    expect(await seriousViolations(shown)).toEqual([]);
  });
}
