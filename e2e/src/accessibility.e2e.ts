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

for (const screen of SCREEN_PAGES) {
  test(`the ${screen.name} page has no serious or critical accessibility violation, with its panels open too`, async ({ page, signIn }) => {
    const shown = screen.user ? await signIn(screen.user) : page;
    await screen.open(shown);
    expect(await seriousViolations(shown)).toEqual([]);

    await screen.openPanel?.(shown);
    if (screen.user) {
      await new AppShell(shown).openActivity();
      await shown.getByTestId('notices-open').click();
      await expect(shown.getByTestId('notices-list')).toBeVisible();
    }
    expect(await seriousViolations(shown)).toEqual([]);
  });
}
