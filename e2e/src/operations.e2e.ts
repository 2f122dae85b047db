import { AppShell } from './app-shell.po';
import { countRequests, expect, test } from './fixtures';
import { OperationsPage } from './operations.po';
import { StorylineApi } from './storyline-api';

test('the operations page follows a job live to Completed and charts every process’s figures', async ({ signIn }) => {
  const admin = await signIn('admin');
  await expect(new AppShell(admin).connectionStatus).toHaveText('live');
  const ops = new OperationsPage(admin);
  await ops.open();
  // The admin's own stream is counted in the sample of the process serving it.
  await expect(ops.streamsRows.first()).toBeVisible({ timeout: 20_000 });
  await expect(ops.streamsRows.getByTestId('ops-streams-feed').filter({ hasNotText: /^0$/ }).first()).toBeVisible();
  await expect(ops.queueRows.filter({ hasText: 'story-publish' })).toBeVisible();

  const alice = await signIn('alice');
  const started = await new StorylineApi(alice.request).publishNewStory('Watched by operations', [{ en: 'The heron waited.', ro: 'Stârcul a așteptat.' }]);
  const row = ops.jobRow(started.jobId);
  await expect(row).toContainText('story-publish');
  await expect(row).toContainText('alice');
  await expect(row.getByTestId('ops-job-status')).toHaveText('Completed', { timeout: 30_000 });

  await ops.filterStatus('Running');
  await expect(row).toHaveCount(0);
  await ops.filterStatus('Completed');
  await expect(row).toBeVisible();

  // Both charts drew on their canvas from the samples received.
  for (const chart of [ops.eventsChart, ops.latencyChart]) {
    await expect(chart.locator('canvas')).toBeVisible();
    await expect(chart).not.toHaveAttribute('data-points', '0');
  }
  // Live over the stream: the page asked for no job and no figure by polling.
  expect(countRequests(admin, 'jobs.get')).toBe(0);
  expect(countRequests(admin, 'ops.poisoned')).toBe(0);
});

test('the operations charts’ time axis shows the samples’ real times, in order, each once', async ({ signIn }) => {
  const admin = await signIn('admin');
  const ops = new OperationsPage(admin);
  await ops.open();
  const axis = ops.eventsChart.locator('canvas');
  const labels = async () => ((await axis.getAttribute('data-x-ticks')) ?? '').split('|').filter(Boolean);
  // Two samples of a process (every 5 s) put the axis over a stretch of real time.
  await expect.poll(async () => (await labels()).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);

  const seconds = (await labels()).map((label) => {
    const [hours, minutes, secs = '0'] = label.split(':');
    return Number(hours) * 3600 + Number(minutes) * 60 + Number(secs);
  });
  expect(seconds.every(Number.isFinite)).toBe(true);
  expect(new Set(seconds).size).toBe(seconds.length);
  expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
  // The browser's own clock, in its own time zone: every tick lies within the last few minutes, not at midnight 1970.
  const now = await admin.evaluate(() => {
    const date = new Date();
    return date.getHours() * 3600 + date.getMinutes() * 60 + date.getSeconds();
  });
  for (const tick of seconds) expect((now - tick + 86_400) % 86_400).toBeLessThan(5 * 60);
});
