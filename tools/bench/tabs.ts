/**
 * Tabs: one stream per browser. In real Chromium, one browser context and one user, with
 * 1 tab and with 10 tabs of the editor side by side in one run: how long each progress
 * event takes from its commit in Postgres to the moment each tab's Activity panel shows
 * it (p50 / p99 / max), which events a tab never showed, how many tabs went live at all,
 * and how many streams the API holds open and TCP connections the browser holds to it.
 *
 * With one `onMyJobs` stream per tab, Chromium's six connections per host let no more than
 * six tabs go live, and the tabs past that wait for ever (most never even load): each wait
 * is bounded, and such a round is reported as "did not go live in N of 10 tabs". With the
 * stream shared by the browser's tabs, all ten go live over one stream.
 *
 * Commit times are Postgres's own (`pg_xact_commit_timestamp`, `track_commit_timestamp` on),
 * not the bench process's: that process also drives Chromium and samples /proc, so its
 * clock reading after COMMIT could lag. The page reads the same machine clock.
 * Chromium is started with `launchServer` (the same executable and flags as `npm run bench`)
 * and connected to: a launched `Browser` does not expose its process, and the connections
 * are counted from its process tree.
 *
 *   npm run bench:tabs       (BENCH_SMOKE=1: 1 and 3 tabs, 3 stays under the six-connection limit)
 */
import { execFileSync } from 'node:child_process';
import { chromium } from '@playwright/test';
import { CHROMIUM_PATH, ensureChromium } from '../test/ensure-chromium';
import { benchScale } from './bench-scale';
import { startBenchStack } from './bench-stack';
import { runBench } from './run-bench';
import { measureTabsRound, TAB_WAIT_MS, type SampledRange, type TabsRoundOutcome } from './tabs-round';
import { measureTakeover, type TakeoverWay } from './tabs-takeover';

const TAB_COUNTS = benchScale([1, 10], [1, 3]);
const RATE_PER_SEC = 5;
/** 15 s of events a round (3 s in a smoke run). */
const EVENTS = benchScale(75, 15);
/** Takeovers timed for each way the leading tab goes. */
const TAKEOVER_RUNS = benchScale(5, 1);
const TAKEOVER_WAYS: Array<{ way: TakeoverWay; label: string }> = [
  { way: 'closed', label: 'closed by the user' },
  { way: 'crashed', label: 'its page crashed (Page.crash)' },
  { way: 'stopped', label: 'its script stopped (frozen or hung; the debugger)' },
];
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

await runBench('bench:tabs', async (defer) => {
  ensureChromium((line) => console.error(`[bench:tabs] ${line}`));
  const stack = await startBenchStack({ editor: true, postgresSettings: { track_commit_timestamp: 'on' } });
  defer(() => stack.stop());
  const server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  defer(() => server.close());
  const browser = await chromium.connect(server.wsEndpoint());
  defer(() => browser.close());
  const outcomes: TabsRoundOutcome[] = [];
  for (const tabs of TAB_COUNTS) {
    console.error(`[bench:tabs] ${tabLabel(tabs)}: opening, then ${EVENTS} events at ${RATE_PER_SEC}/s`);
    const outcome = await measureTabsRound(stack, browser, { tabs, events: EVENTS, ratePerSec: RATE_PER_SEC, browserPid: server.process().pid as number });
    outcome.missingPerTab.forEach((missed, tab) => {
      if (missed.length > 0) console.error(`[bench:tabs] ${tabLabel(tabs)}: live tab ${tab + 1} never showed ${missed.join(', ')}`);
    });
    outcomes.push(outcome);
  }
  console.log(formatTabs(outcomes));

  const takeovers: string[] = [];
  for (const { way, label } of TAKEOVER_WAYS) {
    console.error(`[bench:tabs] takeover: the leading tab ${label}, ${TAKEOVER_RUNS}×`);
    const times = await measureTakeover(stack, browser, way, TAKEOVER_RUNS);
    takeovers.push(times ? `| ${label} | ${times.length} | ${percentile(times, 0.5)} | ${percentile(times, 1)} |` : `| ${label} | — | each tab holds its own stream: nothing to take over | |`);
  }
  console.log(
    [
      '\n## Takeover: the leading tab of three goes, another leads\n',
      '| the leading tab | runs | median ms | max ms |',
      '| --- | --- | --- | --- |',
      ...takeovers,
      '',
      'Measured: from the moment the bench closed, crashed or paused the leading tab to the first moment another tab of the same browser ' +
        'led with its stream live (its storylineStream(), polled every 10 ms in the page; same machine clock).',
    ].join('\n'),
  );
});

function formatTabs(outcomes: TabsRoundOutcome[]): string {
  const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  const lines = [
    `\n## Tabs: one stream per browser (${editorSource()})\n`,
    row(['tabs', 'events written', 'shown (tab × event)', 'missing', 'of them never applied', 'p50 ms', 'p99 ms', 'max ms', 'tabs live', 'streams open at the API', 'browser connections to the API', 'a query in the last live tab, median ms']),
    row(Array.from({ length: 12 }, () => '---')),
    ...outcomes.map((outcome) =>
      row([
        tabLabel(outcome.tabs),
        outcome.written,
        outcome.latenciesMs.length,
        outcome.missing,
        outcome.neverApplied ?? '—',
        percentile(outcome.latenciesMs, 0.5),
        percentile(outcome.latenciesMs, 0.99),
        percentile(outcome.latenciesMs, 1),
        `${outcome.live} of ${outcome.tabs}`,
        range(outcome.apiStreams),
        range(outcome.browserConnections),
        queryCell(outcome.query),
      ]),
    ),
    '',
    `Measured: each progress event (${RATE_PER_SEC}/s, one transaction each, on a fresh user's running job, one browser context a round) from its commit in Postgres ` +
      '(pg_xact_commit_timestamp) to the DOM change that put its message into the job\'s Activity row, in every tab that went live ' +
      '(Date.now() in a MutationObserver; same machine clock). Shown and missing count those tabs only. ' +
      'A missing event the tab applied (its storylineStream() lists it, once and in order) was drawn over by the next before the page rendered; ' +
      '"never applied" counts those it did not apply exactly once and in order (— when the editor cannot say). ' +
      'Streams (storyline_active_streams{stream="feed"}) and ESTABLISHED connections from Chromium\'s processes to the API port (/proc) sampled every second while writing, min–max.',
  ];
  for (const outcome of outcomes.filter((one) => one.live < one.tabs)) {
    const where = [...outcome.stalls].map(([stall, count]) => `${stall}: ${count}`).join(', ');
    lines.push(`${tabLabel(outcome.tabs)}: did not go live in ${outcome.tabs - outcome.live} of ${outcome.tabs} tabs within ${TAB_WAIT_MS / 1000} s each (${where}).`);
  }
  return lines.join('\n');
}

function queryCell(query: TabsRoundOutcome['query']): string {
  const median = query.medianMs === null ? '—' : String(query.medianMs);
  return query.timedOut > 0 ? `${median} (${query.timedOut} of 10 unanswered in 5 s)` : median;
}

function tabLabel(tabs: number): string {
  return tabs === 1 ? '1 tab' : `${tabs} tabs`;
}

/** The value below which a share `q` of the samples lie (`1`: the largest); `—` with none. */
function percentile(values: number[], q: number): string {
  if (values.length === 0) return '—';
  const sorted = [...values].sort((a, b) => a - b);
  return String(Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]));
}

function range({ min, max }: SampledRange): string {
  return min === max ? String(max) : `${min}–${max}`;
}

/** The commit the editor was built from, and whether its sources differed from it: the figures belong to that code. */
function editorSource(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'apps/editor', 'libs/editor', 'libs/shared'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    return changed.length === 0 ? `editor as committed in ${commit}` : `editor of ${commit} with ${changed.length} uncommitted file(s) under apps/editor, libs/editor, libs/shared`;
  } catch {
    return 'editor commit unknown';
  }
}
