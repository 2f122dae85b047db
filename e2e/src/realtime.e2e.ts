import type { Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell.po';
import { countRequests, expect, recordedRequests, test } from './fixtures';
import { FlagsPage } from './flags.po';
import { StoryEditorPage } from './story-editor.po';
import { StorylineApi } from './storyline-api';

const FEED_STREAMS = 'storyline_active_streams{stream="feed"}';
const SHADOW_LAGS = 'storyline_shadow_polling_lag_seconds_count{job_type="story-publish"}';
const SHADOW_DISAGREEMENTS = 'storyline_shadow_disagreements_total{job_type="story-publish"}';

const pages = [
  { en: 'The keeper climbed the stairs at dusk.', ro: 'Paznicul a urcat scările la apus.' },
  { en: 'The lamp turned, and the ships turned with it.', ro: 'Lampa s-a rotit, iar navele s-au rotit odată cu ea.' },
];

/** Every toast text the page showed, recorded as toasts appear (they leave on their own after a few seconds). */
async function recordToasts(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const shown: string[] = ((window as unknown as { shownToasts: string[] }).shownToasts = []);
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        mutation.addedNodes.forEach((node) => {
          if (node instanceof HTMLElement && node.dataset['testid'] === 'toast') shown.push(node.textContent?.trim() ?? '');
        });
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
  return () => page.evaluate(() => (window as unknown as { shownToasts: string[] }).shownToasts);
}

/**
 * Moves the page's fake clock on, a step at a time, until `locator` reads `text`.
 * One step fires at most the next pending reconnect timer; the pause between steps
 * lets that attempt fail for real before the next one is due.
 */
async function fastForwardUntil(page: Page, locator: Locator, text: string, stepMs: number): Promise<void> {
  await expect(async () => {
    await page.clock.fastForward(stepMs);
    await expect(locator).toHaveText(text, { timeout: 400 });
  }).toPass({ timeout: 30_000, intervals: [100] });
}

test('one tab follows 50 concurrent jobs over a single stream, which closes with the tab', async ({ signIn, request }) => {
  test.setTimeout(180_000);
  const alice = await signIn('alice');
  const shell = new AppShell(alice);
  await expect(shell.connectionStatus).toHaveText('live');
  await shell.openActivity();

  const api = new StorylineApi(alice.request);
  const started = await Promise.all(
    Array.from({ length: 50 }, (_, index) =>
      api.publishNewStory(`Night market ${index + 1}`, [{ en: `Stall ${index + 1} opened at dusk.`, ro: `Taraba ${index + 1} s-a deschis la apus.` }]),
    ),
  );
  expect(new Set(started.map((job) => job.jobId)).size).toBe(50);

  for (const { jobId } of started) {
    await expect(shell.activityJob(jobId)).toHaveAttribute('data-status', 'Completed', { timeout: 90_000 });
  }
  await expect(shell.activityJob(started[0].jobId).getByTestId('job-progress')).toHaveCount(1);
  await expect(shell.activityJob(started[49].jobId).getByTestId('job-transport')).toHaveText('push');
  await expect(shell.connectionStatus).toHaveText('live');

  // Everything came over the one stream opened at login: no reconnect, no per-job stream, no polling.
  expect(countRequests(alice, 'jobs.onMyJobs')).toBe(1);
  expect(countRequests(alice, 'jobs.watch')).toBe(0);
  expect(countRequests(alice, 'jobs.get')).toBe(0);

  const server = new StorylineApi(request);
  expect(await server.metric(FEED_STREAMS)).toBeGreaterThanOrEqual(1);
  await alice.context().close();
  await expect.poll(() => server.metric(FEED_STREAMS), { timeout: 10_000 }).toBe(0);
});

test('an admin’s transport change reaches an open editor without a reload', async ({ signIn }) => {
  const admin = await signIn('admin');
  const flags = new FlagsPage(admin);
  const alice = await signIn('alice');
  let navigations = 0;
  alice.on('framenavigated', (frame) => {
    if (frame === alice.mainFrame()) navigations += 1;
  });
  const editor = new StoryEditorPage(alice);
  await editor.createStory('Two roads');
  const navigationsBefore = navigations;

  // Alice keeps writing while the admin changes the flag; the change travels on her stream.
  await flags.setTransport('story-publish', 'polling');
  await editor.writePages(pages);
  await editor.saveDraft();
  await editor.publish();
  await expect(editor.jobTransport).toHaveText('polling');
  await expect(editor.jobStatus).toHaveText('Completed', { timeout: 30_000 });
  await expect(editor.publishedVersion).toHaveText('version 1');

  await flags.setTransport('story-publish', 'push');
  await editor.rename('Two roads, revised');
  await editor.saveDraft();
  await editor.publish();
  await expect(editor.jobTransport).toHaveText('push');
  await expect(editor.jobStatus).toHaveText('Completed', { timeout: 30_000 });
  await expect(editor.publishedVersion).toHaveText('version 2');

  expect(navigations).toBe(navigationsBefore);
  expect(countRequests(alice, 'jobs.onMyJobs')).toBe(1);
});

test('when the stream fails the editor polls, says so, and goes back to live once the stream recovers', async ({ signIn }) => {
  const alice = await signIn('alice', { fakeClock: true });
  const shell = new AppShell(alice);
  const editor = new StoryEditorPage(alice);
  await expect(shell.connectionStatus).toHaveText('live');
  await editor.createStory('The lighthouse keeper');
  await editor.writePages(pages);
  await editor.saveDraft();
  const toasts = await recordToasts(alice);

  // Refuse every new stream, and let the open one stay silent past the server's 25 s inactivity window.
  let refused = 0;
  await alice.route('**/trpc/jobs.onMyJobs**', (route) => {
    refused += 1;
    return route.abort('connectionrefused');
  });
  await alice.clock.fastForward(26_000);
  await expect(shell.connectionStatus).toHaveText('reconnecting');
  // The reconnects after 1, 2, 4, 8 and 16 s fail one by one; then the editor falls back.
  await fastForwardUntil(alice, shell.connectionStatus, 'polling', 16_000);
  expect(refused).toBeGreaterThanOrEqual(5);

  const jobGetsBefore = countRequests(alice, 'jobs.get');
  await editor.publish();
  await expect(editor.jobFallback).toBeVisible();
  await expect(editor.jobTransport).toHaveText('push');
  await expect(editor.jobStatus).toHaveText('Completed', { timeout: 30_000 });
  await expect(editor.publishedVersion).toHaveText('version 1');
  expect(countRequests(alice, 'jobs.get') - jobGetsBefore).toBeGreaterThan(0);

  // The stream comes back: the next background attempt resumes it from the last event seen.
  await alice.unroute('**/trpc/jobs.onMyJobs**');
  await fastForwardUntil(alice, shell.connectionStatus, 'live', 30_000);
  const resumed = recordedRequests(alice).filter((url) => url.includes('jobs.onMyJobs')).at(-1) ?? '';
  expect(decodeURIComponent(resumed)).toMatch(/"lastEventId":"\d+"/);

  await shell.openActivity();
  await expect(shell.activityPanel.getByTestId('activity-job').first()).toHaveAttribute('data-status', 'Completed');
  await expect(editor.jobStatus.first()).toHaveText('Completed');
  expect((await toasts()).filter((text) => text.includes('Published version 1'))).toHaveLength(1);
});

test('in shadow mode the editor follows a job both ways and reports how they compared', async ({ signIn, request }) => {
  const server = new StorylineApi(request);
  const lagsBefore = (await server.metric(SHADOW_LAGS)) ?? 0;
  const disagreementsBefore = (await server.metric(SHADOW_DISAGREEMENTS)) ?? 0;
  const admin = await signIn('admin');
  await new FlagsPage(admin).setTransport('story-publish', 'shadow');

  const alice = await signIn('alice');
  const editor = new StoryEditorPage(alice);
  await editor.createStory('Shadow play');
  await editor.writePages(pages);
  await editor.saveDraft();
  await editor.publish();
  await expect(editor.jobTransport).toHaveText('shadow');
  await expect(editor.jobStatus).toHaveText('Completed', { timeout: 30_000 });
  await expect(editor.publishedVersion).toHaveText('version 1');

  await expect.poll(() => server.metric(SHADOW_LAGS), { timeout: 30_000 }).toBeGreaterThanOrEqual(lagsBefore + 1);
  expect((await server.metric(SHADOW_DISAGREEMENTS)) ?? 0).toBe(disagreementsBefore);
  expect(countRequests(alice, 'shadow.report')).toBe(1);
  expect(countRequests(alice, 'jobs.get')).toBeGreaterThan(0);
});
