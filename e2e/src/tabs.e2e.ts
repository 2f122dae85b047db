import type { APIRequestContext, BrowserContext, Page } from '@playwright/test';
import { testImages } from '@storyline/story-document/testing';
import type { JobView } from '@storyline/contracts';
import { AppShell } from './app-shell.po';
import { StoryFilesPage } from './file-jobs.po';
import { expect, test } from './fixtures';
import { FlagsPage } from './flags.po';
import { LoginPage } from './login.po';
import { StoryEditorPage } from './story-editor.po';
import { StorylineApi } from './storyline-api';
import { appliedSeqs, everySeq, leaderOf, openTabs, streamReport } from './tabs.po';

const FEED_STREAMS = 'storyline_active_streams{stream="feed"}';
const JOB_TIMEOUT = { timeout: 60_000 };

/** The API's count of open user streams, once the streams of earlier tests have closed. */
async function expectNoStreams(request: APIRequestContext): Promise<StorylineApi> {
  const server = new StorylineApi(request);
  await expect.poll(() => server.metric(FEED_STREAMS), { timeout: 15_000 }).toBe(0);
  return server;
}

/** A story of `pageCount` pages, drafted through the API as `page`'s user. */
async function draftStory(page: Page, title: string, pageCount: number) {
  const pages = Array.from({ length: pageCount }, (_, index) => ({ en: `Page ${index + 1} of ${title}.`, ro: `Pagina ${index + 1} din ${title}.` }));
  return new StorylineApi(page.request).createDraftStory(title, pages);
}

/** The latest publish job of a story, as the API has it. */
async function latestPublish(page: Page, storyId: string): Promise<JobView> {
  const input = encodeURIComponent(JSON.stringify({ type: 'story-publish', targetId: storyId }));
  const response = await page.request.get(`/trpc/jobs.latestFor?input=${input}`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { result: { data: JobView } }).result.data;
}

/** Opens the story in every tab and waits until each shows it and its stream is live. */
async function showStory(pages: Page[], storyId: string): Promise<void> {
  for (const page of pages) {
    await page.goto(`/stories/${storyId}`);
    await expect(page.getByTestId('publish')).toBeEnabled();
    await expect(new AppShell(page).connectionStatus).toHaveText('live');
  }
}

/** Each tab applied every event of the job once, in order, and shows it completed. */
async function expectWholeJobIn(pages: Page[], job: JobView): Promise<void> {
  for (const page of pages) {
    await expect(new StoryEditorPage(page).jobStatus).toHaveText('Completed', JOB_TIMEOUT);
    expect(await appliedSeqs(page, job.id)).toEqual(everySeq(job.lastSeq));
  }
}

/** Starts a long publish in `starter` and waits until every tab has seen it running. */
async function startLongPublish(starter: Page, pages: Page[], storyId: string): Promise<string> {
  await new StoryEditorPage(starter).publish();
  await expect.poll(async () => (await latestPublish(starter, storyId))?.status ?? 'none', JOB_TIMEOUT).toBe('Running');
  const jobId = (await latestPublish(starter, storyId)).id;
  for (const page of pages) await expect.poll(async () => (await appliedSeqs(page, jobId)).length, JOB_TIMEOUT).toBeGreaterThan(2);
  return jobId;
}

/** Alice with `count` tabs on one story, a 400-page publish of it running and seen in each: the set-up of the takeover tests. */
async function tabsMidPublish(signIn: (username: string) => Promise<Page>, request: APIRequestContext, title: string, count: number) {
  const server = await expectNoStreams(request);
  const first = await signIn('alice');
  const tabs = [first, ...(await openTabs(first.context(), count - 1))];
  await expect.poll(() => server.metric(FEED_STREAMS)).toBe(1);
  const story = await draftStory(first, title, 400);
  await showStory(tabs, story.id);
  const leader = await leaderOf(tabs);
  const others = tabs.filter((page) => page !== leader);
  const jobId = await startLongPublish(others[0], tabs, story.id);
  return { server, story, leader, others, jobId };
}

test.describe('tabs of one browser', () => {
  test('ten tabs share one stream and each stays usable: saves, new stories, uploads, downloads, and a publish seen in every tab showing it', async ({ signIn, request }, testInfo) => {
    test.setTimeout(240_000);
    const server = await expectNoStreams(request);
    const first = await signIn('alice');
    const tabs = [first, ...(await openTabs(first.context(), 9))];
    for (const page of tabs) await expect(new AppShell(page).connectionStatus).toHaveText('live');
    await expect.poll(() => server.metric(FEED_STREAMS)).toBe(1);
    await leaderOf(tabs);

    // Every tab answers: a new story, written and saved, in each.
    for (const [index, page] of tabs.entries()) {
      const editor = new StoryEditorPage(page);
      await editor.createStory(`Tab ${index + 1}`);
      await editor.writePages([{ en: `Written in tab ${index + 1}.`, ro: `Scris în fila ${index + 1}.` }]);
      await editor.saveDraft();
    }

    // An upload and a download in the last tab opened.
    const files = new StoryFilesPage(tabs[9]);
    await files.addImage(0, { name: 'lantern.png', mimeType: 'image/png', buffer: testImages.png({ width: 8, height: 8, seed: 3 }) });
    await files.exportZip();
    await files.expectJobCompleted('export-zip', 'push');
    await files.download('export-zip', testInfo.outputPath('tab-10.zip'));

    // A publish started in one tab shows its progress and result in each tab that shows the story.
    const story = await draftStory(first, 'Ten windows', 40);
    const showing = tabs.slice(0, 4);
    await showStory(showing, story.id);
    await new StoryEditorPage(showing[2]).publish();
    await expect(new StoryEditorPage(showing[2]).jobStatus).toHaveText('Completed', JOB_TIMEOUT);
    await expectWholeJobIn(showing, await latestPublish(first, story.id));
    for (const page of showing) await expect(page.getByTestId('published-version')).toHaveText('version 1');

    expect(await server.metric(FEED_STREAMS)).toBe(1);
  });

  test('closing the leading tab in the middle of a job: another takes over and the job’s remaining events arrive once, in order', async ({ signIn, request }) => {
    test.setTimeout(180_000);
    const { server, story, leader, others, jobId } = await tabsMidPublish(signIn, request, 'The long night', 4);
    const seenBeforeClose = (await appliedSeqs(others[0], jobId)).length;
    await leader.close();

    await leaderOf(others);
    const job = await waitForEnd(others[0], story.id);
    expect(job.lastSeq, 'the job went on after the leading tab closed').toBeGreaterThan(seenBeforeClose);
    await expectWholeJobIn(others, job);
    for (const page of others) await expect(new AppShell(page).connectionStatus).toHaveText('live');
    await expect.poll(() => server.metric(FEED_STREAMS)).toBe(1);
  });

  test('a crashed leading page: another tab takes over and no event is lost or repeated', async ({ signIn, request }) => {
    test.setTimeout(180_000);
    const { server, story, leader, others, jobId } = await tabsMidPublish(signIn, request, 'The broken lamp', 3);
    const seenBeforeCrash = (await appliedSeqs(others[0], jobId)).length;
    const crashed = leader.waitForEvent('crash');
    const cdp = await leader.context().newCDPSession(leader);
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;

    await leaderOf(others);
    const job = await waitForEnd(others[0], story.id);
    expect(job.lastSeq, 'the job went on after the leading page crashed').toBeGreaterThan(seenBeforeCrash);
    await expectWholeJobIn(others, job);
    await expect.poll(() => server.metric(FEED_STREAMS)).toBe(1);
  });

  test('a leading page that stops running (frozen or hung): another tab takes over, and that page follows once it runs again', async ({ signIn, request }) => {
    test.setTimeout(180_000);
    const { server, story, leader, others, jobId } = await tabsMidPublish(signIn, request, 'The sleeping keeper', 3);
    // The debugger stops the page's script at its next task: it holds its lock and its stream, and answers nothing.
    const cdp = await leader.context().newCDPSession(leader);
    await cdp.send('Debugger.enable');
    await cdp.send('Debugger.pause');
    await leaderOf(others);
    const seenAtTakeover = (await appliedSeqs(others[0], jobId)).length;
    const job = await waitForEnd(others[0], story.id);
    expect(job.lastSeq, 'the job went on after the takeover').toBeGreaterThan(seenAtTakeover);
    await expectWholeJobIn(others, job);

    await cdp.send('Debugger.resume');
    await expect.poll(async () => (await streamReport(leader)).role).toBe('follower');
    await expectWholeJobIn([leader], job);
    await expect.poll(() => server.metric(FEED_STREAMS)).toBe(1);
  });

  test('two users in two browsers stay apart: one stream each, and neither sees the other’s jobs', async ({ signIn, request }) => {
    test.setTimeout(180_000);
    const server = await expectNoStreams(request);
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    const aliceTabs = [alice, ...(await openTabs(alice.context(), 2))];
    const bobTabs = [bob, ...(await openTabs(bob.context(), 2))];
    await expect.poll(() => server.metric(FEED_STREAMS)).toBe(2);

    const story = await draftStory(alice, 'Alice alone', 5);
    await showStory(aliceTabs, story.id);
    await new StoryEditorPage(aliceTabs[1]).publish();
    const job = await waitForEnd(alice, story.id);
    await expectWholeJobIn(aliceTabs, job);
    for (const page of bobTabs) {
      expect(await appliedSeqs(page, job.id)).toEqual([]);
      await new AppShell(page).openActivity();
      await expect(page.locator(`[data-job-id="${job.id}"]`)).toHaveCount(0);
    }
  });

  test('logging out in one tab ends following in every tab, and logging in as someone else shows none of the first user’s jobs', async ({ signIn, request }) => {
    test.setTimeout(180_000);
    const server = await expectNoStreams(request);
    const alice = await signIn('alice');
    const tabs = [alice, ...(await openTabs(alice.context(), 2))];
    await expect.poll(() => server.metric(FEED_STREAMS)).toBe(1);
    const story = await draftStory(alice, 'Before the door closed', 5);
    await showStory([tabs[0]], story.id);
    await new StoryEditorPage(tabs[0]).publish();
    const job = await waitForEnd(alice, story.id);
    for (const page of tabs) await expect.poll(() => appliedSeqs(page, job.id)).toEqual(everySeq(job.lastSeq));

    await tabs[0].getByTestId('logout').click();
    for (const page of tabs) await expect(page).toHaveURL(/\/login/);
    await expect(tabs[1].getByTestId('toast')).toContainText(/You have logged out\.|You logged out in another tab\./);
    await expect.poll(() => server.metric(FEED_STREAMS)).toBe(0);
    for (const page of tabs) expect((await streamReport(page)).events).toEqual([]);

    await new LoginPage(tabs[1]).loginAs('bob');
    // The third tab sat on the login page: it goes into the editor as bob, with bob's jobs only.
    await expect(tabs[2].getByTestId('current-user')).toHaveText('bob');
    await expect(new AppShell(tabs[2]).connectionStatus).toHaveText('live');
    await new AppShell(tabs[2]).openActivity();
    await expect(tabs[2].locator(`[data-job-id="${job.id}"]`)).toHaveCount(0);
    expect(await appliedSeqs(tabs[2], job.id)).toEqual([]);
    await expect.poll(() => server.metric(FEED_STREAMS)).toBe(1);
  });

  test('an admin’s flag change reaches every tab through the one stream', async ({ signIn, request }) => {
    test.setTimeout(180_000);
    const server = await expectNoStreams(request);
    const admin = await signIn('admin');
    const alice = await signIn('alice');
    const tabs = [alice, ...(await openTabs(alice.context(), 2))];
    // The admin's browser holds one stream, alice's three tabs one between them.
    await expect.poll(() => server.metric(FEED_STREAMS)).toBe(2);
    await leaderOf(tabs);
    const stories = await Promise.all(tabs.map((page, index) => draftStory(alice, `Flag ${index + 1}`, 2)));
    for (const [index, page] of tabs.entries()) await showStory([page], stories[index].id);

    await new FlagsPage(admin).setTransport('story-publish', 'polling');
    for (const page of tabs) {
      const editor = new StoryEditorPage(page);
      await editor.publish();
      await expect(editor.jobTransport).toHaveText('polling');
      await expect(editor.jobStatus).toHaveText('Completed', JOB_TIMEOUT);
    }
  });

  test('when the stream is refused every tab polls and says so, and every tab goes live again once it is back', async ({ signIn, request }) => {
    test.setTimeout(240_000);
    const server = await expectNoStreams(request);
    const first = await signIn('alice');
    const context = first.context();
    const tabs = [first, ...(await openTabs(context, 2))];
    await expect.poll(() => server.metric(FEED_STREAMS)).toBe(1);
    const story = await draftStory(first, 'Lights out', 3);
    await showStory(tabs, story.id);
    const leader = await leaderOf(tabs);
    const others = tabs.filter((page) => page !== leader);

    // Every new stream is refused; the open one goes with the leading tab, so the next leader's attempts fail one by one.
    await context.route('**/trpc/jobs.onMyJobs**', (route) => route.abort('connectionrefused'));
    await leader.close();
    for (const page of others) await expect(new AppShell(page).connectionStatus).toHaveText('polling', { timeout: 60_000 });

    const editor = new StoryEditorPage(others[0]);
    await editor.publish();
    await expect(editor.jobFallback).toBeVisible();
    await expect(editor.jobStatus).toHaveText('Completed', JOB_TIMEOUT);

    // The stream comes back: the leader's next background attempt resumes it, and every tab says so.
    await context.unroute('**/trpc/jobs.onMyJobs**');
    for (const page of others) await expect(new AppShell(page).connectionStatus).toHaveText('live', { timeout: 45_000 });
    await editor.publish();
    await expect(editor.jobFallback).toHaveCount(0);
    await expect(editor.jobStatus).toHaveText('Completed', JOB_TIMEOUT);
    const second = await latestPublish(first, story.id);
    for (const page of others) expect(await appliedSeqs(page, second.id)).toEqual(everySeq(second.lastSeq));
    await expect.poll(() => server.metric(FEED_STREAMS)).toBe(1);
  });

  test('a browser without Web Locks or BroadcastChannel still works, with one stream per tab', async ({ browser, request, baseURL }) => {
    test.setTimeout(120_000);
    const server = await expectNoStreams(request);
    const context: BrowserContext = await browser.newContext({ baseURL });
    try {
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined });
        delete (window as { BroadcastChannel?: unknown }).BroadcastChannel;
      });
      const first = await context.newPage();
      await new LoginPage(first).loginAs('alice');
      const tabs = [first, ...(await openTabs(context, 1))];
      for (const page of tabs) expect((await streamReport(page)).role).toBe('alone');
      await expect.poll(() => server.metric(FEED_STREAMS)).toBe(2);

      const story = await draftStory(first, 'No locks', 3);
      await showStory(tabs, story.id);
      await new StoryEditorPage(tabs[0]).publish();
      await expectWholeJobIn(tabs, await waitForEnd(first, story.id));
    } finally {
      await context.close();
    }
  });
});

/** The story's latest publish once it has ended. */
async function waitForEnd(page: Page, storyId: string): Promise<JobView> {
  await expect.poll(async () => (await latestPublish(page, storyId))?.status, JOB_TIMEOUT).toBe('Completed');
  return latestPublish(page, storyId);
}
