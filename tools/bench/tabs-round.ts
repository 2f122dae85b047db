import type { Browser, BrowserContext, Page } from '@playwright/test';
import { recordJobChange } from '@storyline/jobs';
import type { BenchStack } from './bench-stack';
import { countConnectionsTo } from './tabs-connections';

export interface TabsRoundOptions {
  tabs: number;
  /** Progress events written on the user's job, each in its own transaction. */
  events: number;
  ratePerSec: number;
  /** Chromium's main process: its tree's connections to the API are counted. */
  browserPid: number;
}

/** Where a tab that never got ready stopped. */
export type TabStall = 'page did not load' | 'never live' | 'no job row';

/** Lowest and highest of the values sampled while the events were written. */
export interface SampledRange {
  min: number;
  max: number;
}

/** What one round of `tabs.ts` saw. */
export interface TabsRoundOutcome {
  tabs: number;
  /** Tabs that showed `live` and then the job's row in their Activity panel, each within {@link TAB_WAIT_MS}. */
  live: number;
  /** The other tabs, by the step they stopped at. */
  stalls: Map<TabStall, number>;
  written: number;
  /** Commit → shown, one per (live tab, event) that tab showed. */
  latenciesMs: number[];
  /** (live tab, event) pairs the tab never showed. */
  missing: number;
  /** For each live tab, the messages of the events it never showed, for the log. */
  missingPerTab: string[][];
  /**
   * Of the missing, those the tab never applied at all (its `storylineStream()` does not
   * list them), or applied twice or out of order: a real loss. The others were applied but
   * drawn over by the next event before the page rendered. Null for an editor without
   * `storylineStream()`.
   */
  neverApplied: number | null;
  /** A `stories.list` query from the last tab that went live, timed in the page after the events: median ms, and how many of them got no answer within 5 s. */
  query: { medianMs: number | null; timedOut: number };
  /** The API's `storyline_active_streams{stream="feed"}`. */
  apiStreams: SampledRange;
  /** ESTABLISHED TCP connections from Chromium's processes to the API. */
  browserConnections: SampledRange;
}

/** How long a tab may take from `goto` to showing the job's row: on one stream per tab, the 7th tab never gets there. */
export const TAB_WAIT_MS = 15_000;
/** After the last event was committed, how long every live tab has to show it. */
const SHOW_GRACE_MS = 5_000;
const SAMPLE_EVERY_MS = 1_000;
/** Between the last tab getting ready and the first event: a page that has just booted is still busy for a moment. */
const SETTLE_MS = 1_000;

/** The text of the `index`th event, shown as the job's message: it tells a tab's events apart. */
const tick = (index: number) => `tick ${index}`;

/**
 * Opens `tabs` tabs of the editor in one new browser context as one fresh user, writes
 * progress events on that user's running job at a steady rate and times, in every tab
 * that went live, each event from its commit to the moment the Activity panel showed it.
 */
export async function measureTabsRound(stack: BenchStack, browser: Browser, options: TabsRoundOptions): Promise<TabsRoundOutcome> {
  const [user] = await stack.createUsers(1, `tabs-${options.tabs}-${Date.now()}-`);
  const context = await browser.newContext();
  try {
    const [name, value] = user.cookie.split('=');
    await context.addCookies([{ name, value, url: stack.api.baseUrl }]);
    const { ready, stalls } = await openTabs(context, stack.api.baseUrl, user.jobId, options.tabs);
    // Every observer is in place before the first event is written.
    await Promise.all(ready.map((page) => page.evaluate(watchJobMessage, user.jobId)));
    await new Promise((done) => setTimeout(done, SETTLE_MS));
    const sampler = startSampling(stack.api.baseUrl, options.browserPid);
    await writeEvents(stack, user.jobId, options);
    // A tab that never shows the last event is left to the count of missing ones.
    await Promise.all(ready.map((page) => waitForShown(page, tick(options.events - 1)).catch(() => undefined)));
    const sampled = await sampler.stop();
    const committed = await commitTimes(stack, user.jobId);
    const shownPerTab = await Promise.all(ready.map((page) => page.evaluate(() => (window as unknown as BenchWindow).tabsBench)));
    const appliedPerTab = await Promise.all(ready.map((page) => page.evaluate(appliedSeqs, user.jobId)));
    const { latenciesMs, missingPerTab } = compare(committed, shownPerTab);
    const missing = missingPerTab.reduce((sum, missed) => sum + missed.length, 0);
    const neverApplied = countNeverApplied(committed, appliedPerTab);
    const query = await timeQueries(ready.at(-1));
    return { tabs: options.tabs, live: ready.length, stalls, written: committed.size, latenciesMs, missing, missingPerTab, neverApplied, query, ...sampled };
  } finally {
    await context.close();
  }
}

/**
 * Runs in the page: the sequence numbers of the job's events the tab applied, in order, as
 * its `storylineStream()` tells; null for an editor without it.
 */
function appliedSeqs(jobId: string): number[] | null {
  const report = (window as unknown as { storylineStream?: () => { events: Array<{ jobId: string; seq: number }> } }).storylineStream?.();
  return report ? report.events.filter((event) => event.jobId === jobId).map((event) => event.seq) : null;
}

/** Per tab, the committed events it did not apply exactly once and in order; null when a tab cannot say. */
function countNeverApplied(committed: Map<string, Committed>, appliedPerTab: Array<number[] | null>): number | null {
  if (appliedPerTab.some((applied) => applied === null)) return null;
  let count = 0;
  for (const applied of appliedPerTab as number[][]) {
    const ordered = applied.every((seq, index) => index === 0 || seq > applied[index - 1]);
    const seen = new Set(applied);
    for (const { seq } of committed.values()) if (!seen.has(seq) || !ordered) count += 1;
  }
  return count;
}

/** Queries a tab makes one after the other, as a page does. */
const QUERIES = 10;
/** A query with no answer by then counts as timed out: the tab is frozen. */
const QUERY_TIMEOUT_MS = 5_000;

/** Times {@link QUERIES} `stories.list` queries from the page, one after the other, each bounded by {@link QUERY_TIMEOUT_MS}. */
async function timeQueries(page: Page | undefined): Promise<{ medianMs: number | null; timedOut: number }> {
  if (!page) return { medianMs: null, timedOut: QUERIES };
  const timings = await page.evaluate(
    async ({ count, timeoutMs }) => {
      const answered: number[] = [];
      for (let index = 0; index < count; index += 1) {
        const started = performance.now();
        const ok = await fetch('/trpc/stories.list', { signal: AbortSignal.timeout(timeoutMs) }).then(
          (response) => response.ok,
          () => false,
        );
        if (ok) answered.push(performance.now() - started);
      }
      return answered;
    },
    { count: QUERIES, timeoutMs: QUERY_TIMEOUT_MS },
  );
  const sorted = [...timings].sort((a, b) => a - b);
  return { medianMs: sorted.length ? Math.round(sorted[Math.floor(sorted.length / 2)]) : null, timedOut: QUERIES - timings.length };
}

/** Each (tab, event) from commit to the first time the tab showed it, and per tab the events it never showed. */
function compare(committed: Map<string, Committed>, shownPerTab: ShownMessage[][]): { latenciesMs: number[]; missingPerTab: string[][] } {
  const latenciesMs: number[] = [];
  const missingPerTab = shownPerTab.map((shown) => {
    const firstShown = new Map<string, number>();
    for (const { text, at } of shown) if (!firstShown.has(text)) firstShown.set(text, at);
    const missed: string[] = [];
    for (const [text, { committedMs }] of committed) {
      const at = firstShown.get(text);
      if (at === undefined) missed.push(text);
      else latenciesMs.push(at - committedMs);
    }
    return missed;
  });
  return { latenciesMs, missingPerTab };
}

/** Opens the tabs one after the other, as a user would; a tab that does not get ready is left as it is. */
async function openTabs(context: BrowserContext, baseUrl: string, jobId: string, tabs: number): Promise<{ ready: Page[]; stalls: Map<TabStall, number> }> {
  const ready: Page[] = [];
  const stalls = new Map<TabStall, number>();
  for (let index = 0; index < tabs; index += 1) {
    const page = await context.newPage();
    const stall = await openTab(page, baseUrl, jobId);
    if (stall) stalls.set(stall, (stalls.get(stall) ?? 0) + 1);
    else ready.push(page);
  }
  return { ready, stalls };
}

/** Loads the story list, waits for the header to say `live`, opens the Activity panel and waits for the job's row; `null` when all went well. */
async function openTab(page: Page, baseUrl: string, jobId: string): Promise<TabStall | null> {
  const deadline = Date.now() + TAB_WAIT_MS;
  const left = () => Math.max(1, deadline - Date.now());
  try {
    await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded', timeout: left() });
  } catch {
    return 'page did not load';
  }
  try {
    await page.waitForFunction(() => document.querySelector('[data-testid="connection-status"]')?.textContent?.trim() === 'live', undefined, {
      timeout: left(),
      polling: 100,
    });
  } catch {
    return 'never live';
  }
  try {
    await page.getByTestId('nav-activity').click({ timeout: left() });
    await page.locator(`[data-testid="activity-job"][data-job-id="${jobId}"] [data-testid="job-message"]`).waitFor({ timeout: left() });
  } catch {
    return 'no job row';
  }
  return null;
}

interface ShownMessage {
  text: string;
  /** The page's Date.now() when the DOM took the text. */
  at: number;
}

/** What {@link watchJobMessage} leaves on the page's window. */
interface BenchWindow {
  tabsBench: ShownMessage[];
}

/**
 * Runs in the page: records each text the job row's message takes, with the time the DOM
 * took it. No named helpers inside: tsx keeps names by wrapping them in a `__name` the page lacks.
 */
function watchJobMessage(jobId: string): void {
  const shown: ShownMessage[] = [];
  (window as unknown as BenchWindow).tabsBench = shown;
  const selector = `[data-testid="activity-job"][data-job-id="${jobId}"] [data-testid="job-message"]`;
  let last = document.querySelector(selector)?.textContent?.trim() ?? '';
  new MutationObserver(() => {
    const text = document.querySelector(selector)?.textContent?.trim() ?? '';
    if (text === last) return;
    last = text;
    shown.push({ text, at: Date.now() });
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}

async function waitForShown(page: Page, text: string): Promise<void> {
  await page.waitForFunction((wanted) => (window as unknown as BenchWindow).tabsBench.some((shown) => shown.text === wanted), text, {
    timeout: SHOW_GRACE_MS,
    polling: 100,
  });
}

/** Writes the round's events, paced to the rate; one behind schedule is written at once. */
async function writeEvents(stack: BenchStack, jobId: string, options: TabsRoundOptions): Promise<void> {
  const started = Date.now();
  for (let index = 0; index < options.events; index += 1) {
    const due = started + (index * 1000) / options.ratePerSec;
    if (due > Date.now()) await new Promise((done) => setTimeout(done, due - Date.now()));
    const progress = index % 100;
    await stack.database.db.transaction((tx) =>
      recordJobChange(tx, jobId, { set: { progress, message: tick(index) }, event: { kind: 'progress', progress, message: tick(index) } }),
    );
  }
}

/** Each event's message and when its transaction committed, as Postgres recorded it (epoch ms). */
/** One written event: when it committed, and its sequence number in the job. */
interface Committed {
  committedMs: number;
  seq: number;
}

async function commitTimes(stack: BenchStack, jobId: string): Promise<Map<string, Committed>> {
  const rows = await stack.database.sql<{ message: string; seq: number; committed_ms: number | null }[]>`
    select data->>'message' as message, seq, (extract(epoch from pg_xact_commit_timestamp(xmin)) * 1000)::float8 as committed_ms
    from job_events where job_id = ${jobId} and kind = 'progress'`;
  if (rows.some((row) => row.committed_ms === null)) throw new Error('an event has no commit timestamp: is track_commit_timestamp on?');
  return new Map(rows.map((row) => [row.message, { committedMs: row.committed_ms as number, seq: row.seq }]));
}

/** Samples the API's open feed streams and the browser's connections to the API every second until stopped. */
function startSampling(baseUrl: string, browserPid: number): { stop(): Promise<{ apiStreams: SampledRange; browserConnections: SampledRange }> } {
  const port = Number(new URL(baseUrl).port);
  const streams: number[] = [];
  const connections: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      streams.push(await feedStreams(baseUrl));
      connections.push(countConnectionsTo(browserPid, port));
      await new Promise((done) => setTimeout(done, SAMPLE_EVERY_MS));
    }
  })();
  // Handled now, rethrown by stop(): a failed sample must not end the process before the bench stops what it started.
  loop.catch(() => undefined);
  const range = (values: number[]) => ({ min: Math.min(...values), max: Math.max(...values) });
  return {
    async stop() {
      running = false;
      await loop;
      return { apiStreams: range(streams), browserConnections: range(connections) };
    },
  };
}

async function feedStreams(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const value = /^storyline_active_streams\{stream="feed"\} (\d+)/m.exec(text)?.[1];
  if (value === undefined) throw new Error('the API reports no storyline_active_streams{stream="feed"}');
  return Number(value);
}
