import { expect, test, type Browser, type Page } from '@playwright/test';
import type { Transport } from '@storyline/contracts';
import { FlagsPage } from './flags.po';
import { LoginPage } from './login.po';
import { StoryEditorPage } from './story-editor.po';

async function signedIn(browser: Browser, username: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await new LoginPage(page).loginAs(username);
  return page;
}

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
  test(`alice publishes a story and sees its progress and version without reloading (${transport})`, async ({ browser }) => {
    const admin = await signedIn(browser, 'admin');
    await new FlagsPage(admin).setTransport('story-publish', transport);

    const alice = await signedIn(browser, 'alice');
    const requests: string[] = [];
    alice.on('request', (request) => requests.push(request.url()));
    let navigations = 0;
    alice.on('framenavigated', (frame) => frame === alice.mainFrame() && (navigations += 1));

    const editor = new StoryEditorPage(alice);
    await editor.createStory(`Lantern tales (${transport})`);
    await editor.writePages(pages);
    await editor.saveDraft();
    await expect(editor.publishedVersion).toHaveText('not published');

    await recordStatuses(alice);
    const navigationsBefore = navigations;
    const jobGetsBefore = requests.filter((url) => url.includes('jobs.get')).length;
    await editor.publish();

    await expect(editor.jobTransport).toHaveText(transport);
    await expect(editor.jobStatus).toHaveText('Completed', { timeout: 30_000 });
    await expect(editor.publishedVersion).toHaveText('version 1');
    await expect(editor.toasts.filter({ hasText: 'Published version 1' })).toBeVisible();
    expect(navigations).toBe(navigationsBefore);

    const seen = await alice.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
    const jobGets = requests.filter((url) => url.includes('jobs.get')).length - jobGetsBefore;
    const watches = requests.filter((url) => url.includes('jobs.watch')).length;
    if (transport === 'push') {
      expect(seen).toEqual(expect.arrayContaining(['Running', 'Completed']));
      expect(jobGets).toBe(0);
      expect(watches).toBeGreaterThan(0);
    } else {
      expect(seen.at(-1)).toBe('Completed');
      expect(jobGets).toBeGreaterThan(0);
      expect(watches).toBe(0);
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
