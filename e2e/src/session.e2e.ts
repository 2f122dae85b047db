import { AppShell } from './app-shell.po';
import { expect, test } from './fixtures';

test.describe('a session ended by the server', () => {
  test('sends the other tabs of a session to the login page with the reason, when one tab logs out', async ({ signIn }) => {
    const first = await signIn('alice');
    const second = await first.context().newPage();
    await second.goto('/stories');
    await expect(new AppShell(second).connectionStatus).toHaveText('live');
    await expect(new AppShell(first).connectionStatus).toHaveText('live');

    await first.getByTestId('logout').click();
    await expect(first).toHaveURL(/\/login$/);
    // The second tab learns it from its stream, without a click or a reload.
    await expect(second).toHaveURL(/\/login$/, { timeout: 5_000 });
    await expect(second.getByTestId('toast')).toContainText(/You have logged out\.|You logged out in another tab\./);
    await expect(second.getByTestId('current-user')).toHaveCount(0);
  });
});
