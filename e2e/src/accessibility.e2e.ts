import { AppShell } from './app-shell.po';
import { expect, test } from './fixtures';
import { SCREEN_PAGES, seriousViolations } from './screens.po';

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
