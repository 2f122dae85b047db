import { test as base, type BrowserContext, type Page } from '@playwright/test';
import { LoginPage, PASSWORDS } from './login.po';
import { StorylineApi } from './storyline-api';

/** How a test's browser session starts. */
export interface SignInOptions {
  /** Installs Playwright's fake clock before the editor loads, so the test can skip waits. */
  fakeClock?: boolean;
}

const requestsByPage = new WeakMap<Page, string[]>();

/** The URL of every request a page from `signIn` made, from before its login on. */
export function recordedRequests(page: Page): readonly string[] {
  return requestsByPage.get(page) ?? [];
}

/** How many of a page's requests went to a tRPC procedure, e.g. `jobs.onMyJobs`. */
export function countRequests(page: Page, procedure: string): number {
  return recordedRequests(page).filter((url) => new URL(url).pathname.split('/').pop()?.split(',').includes(procedure)).length;
}

interface Fixtures {
  /** Opens a new browser context, logs `username` in, and answers its page; closed after the test. */
  signIn: (username: string, options?: SignInOptions) => Promise<Page>;
  /** Puts every transport flag back to push after the test, whatever it did or where it failed. */
  resetFlags: void;
}

/** Playwright's `test`, with signed-in sessions that close after each test and flags reset to push. */
export const test = base.extend<Fixtures>({
  signIn: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (username, options = {}) => {
      const context = await browser.newContext();
      contexts.push(context);
      if (options.fakeClock) await context.clock.install();
      const page = await context.newPage();
      const requests: string[] = [];
      requestsByPage.set(page, requests);
      page.on('request', (request) => requests.push(request.url()));
      await new LoginPage(page).loginAs(username);
      return page;
    });
    // Closing the contexts closes their job streams: later tests count open streams.
    await Promise.all(contexts.map((context) => context.close()));
  },
  resetFlags: [
    async ({ playwright, baseURL }, use) => {
      await use();
      const request = await playwright.request.newContext({ baseURL });
      try {
        const admin = new StorylineApi(request);
        await admin.login('admin', PASSWORDS['admin']);
        const changed = (await admin.listFlags()).filter((flag) => flag.transport !== 'push');
        for (const flag of changed) await admin.setFlag({ ...flag, transport: 'push' });
      } finally {
        await request.dispose();
      }
    },
    { auto: true },
  ],
});

export { expect } from '@playwright/test';
