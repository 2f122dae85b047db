import type { Page } from '@playwright/test';
import type { Transport } from '@storyline/contracts';
import { AppShell } from './app-shell.po';
import { countRequests, expect, test } from './fixtures';
import { FlagsPage } from './flags.po';
import { StoryEditorPage } from './story-editor.po';

/** Every status the job progress component showed, recorded in the page as it changes. */
async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { seenStatuses: string[] }).seenStatuses = []);
    const note = () => {
      const text = document.querySelector('[data-testid="job-status"]')?.textContent?.trim();
      if (text && seen.at(-1) !== text) seen.push(text);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

const pages = Array.from({ length: 10 }, (_, index) => ({
  en: `Page ${index + 1}: the lantern glowed a little brighter.`,
  ro: `Pagina ${index + 1}: felinarul a strălucit puțin mai tare.`,
}));

for (const transport of ['push', 'polling'] as Transport[]) {
  test(`alice publishes a story and sees its progress and version without reloading (${transport})`, async ({ signIn }) => {
    const admin = await signIn('admin');
    await new FlagsPage(admin).setTransport('story-publish', transport);

    const alice = await signIn('alice');
    let navigations = 0;
    alice.on('framenavigated', (frame) => frame === alice.mainFrame() && (navigations += 1));

    const editor = new StoryEditorPage(alice);
    await editor.createStory(`Lantern tales (${transport})`);
    await editor.writePages(pages);
    await editor.saveDraft();
    await expect(editor.publishedVersion).toHaveText('not published');

    await expect(new AppShell(alice).connectionStatus).toHaveText('live');
    await recordStatuses(alice);
    const navigationsBefore = navigations;
    const jobGetsBefore = countRequests(alice, 'jobs.get');
    await editor.publish();

    await expect(editor.jobTransport).toHaveText(transport);
    await expect(editor.jobStatus).toHaveText('Completed', { timeout: 30_000 });
    await expect(editor.publishedVersion).toHaveText('version 1');
    await expect(editor.toasts.filter({ hasText: 'Published version 1' })).toBeVisible();
    expect(navigations).toBe(navigationsBefore);

    const seen = await alice.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
    const jobGets = countRequests(alice, 'jobs.get') - jobGetsBefore;
    // The tab's one stream, opened at login, carries the job (and the flags) either way; no per-job stream is opened.
    expect(countRequests(alice, 'jobs.onMyJobs')).toBe(1);
    expect(countRequests(alice, 'jobs.watch')).toBe(0);
    if (transport === 'push') {
      expect(seen).toEqual(expect.arrayContaining(['Running', 'Completed']));
      expect(jobGets).toBe(0);
    } else {
      expect(seen.at(-1)).toBe('Completed');
      expect(jobGets).toBeGreaterThan(0);
    }

    await alice.reload();
    await expect(editor.publishedVersion).toHaveText('version 1');
  });
}

test('a wrong password shows an error and no session', async ({ page }) => {
  await page.goto('/login');
  await page.getByTestId('login-username').fill('alice');
  await page.getByTestId('login-password').fill('wrong');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toHaveText(/wrong username or password/i);
  await page.goto('/stories');
  await expect(page).toHaveURL(/\/login/);
});
