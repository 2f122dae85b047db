/**
 * Publish latency, push vs polling, measured side by side in one run: the same stack,
 * the same browser, the same story size. For each publish it records when the worker
 * completed the job (the job's completedAt) and when the editor in Chromium first
 * showed "Completed", and counts the job requests the page made.
 *
 *   npm run bench            (BENCH_RUNS=6 per transport by default; BENCH_SMOKE=1: one small publish each)
 */
import { chromium, type Page } from '@playwright/test';
import type { JobView, Transport } from '@storyline/contracts';
import { CHROMIUM_PATH, ensureChromium } from '../test/ensure-chromium';
import { benchScale } from './bench-scale';
import { callTrpc as trpc } from './call-trpc';
import { runBench } from './run-bench';
import { startStackProcess } from './start-stack-process';

/**
 * Story sizes (pages; 500 is the most a story takes): jobs of different lengths end at
 * different points of the polling schedule (1, 3, 7 s after the start). The table says
 * how long they ran.
 */
const PAGE_COUNTS = benchScale([10, 40, 90, 160, 250, 400], [2]);
const RUNS = Number(process.env['BENCH_RUNS'] ?? PAGE_COUNTS.length);
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface Sample {
  latencyMs: number;
  jobRequests: number;
  /** How long the job ran in the worker, Running to Completed. */
  ranMs: number;
}

async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

async function publishOnce(page: Page, baseUrl: string, cookie: string, pageCount: number): Promise<Sample> {
  const pages = Array.from({ length: pageCount }, (_, index) => ({ en: `Bench page ${index}`, ro: `Pagina ${index}` }));
  const story = await trpc<{ id: string; revision: number }>(baseUrl, cookie, 'stories.create', { title: 'Bench story' }, 'POST');
  await trpc(baseUrl, cookie, 'stories.saveDraft', { storyId: story.id, title: 'Bench story', pages, revision: story.revision }, 'POST');
  await page.goto(`${baseUrl}/stories/${story.id}`);
  await page.getByTestId('publish').waitFor();
  await page.evaluate(() => {
    const state: { seenAt?: number } = {};
    (window as unknown as { bench: typeof state }).bench = state;
    new MutationObserver(() => {
      if (!state.seenAt && document.querySelector('[data-testid="job-status"]')?.textContent?.trim() === 'Completed') state.seenAt = Date.now();
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  let jobRequests = 0;
  const count = (request: { url(): string }) => {
    if (/\/trpc\/[^?]*jobs\.(get|watch|onMyJobs)/.test(request.url())) jobRequests += 1;
  };
  page.on('request', count);
  await page.getByTestId('publish').click();
  await page
    .waitForFunction(() => (window as unknown as { bench: { seenAt?: number } }).bench.seenAt, undefined, { timeout: 120_000 })
    .catch(async (error: Error) => {
      throw new Error(`"Completed" never shown: ${await describeStall(page, baseUrl, cookie, story.id)} (${error.message.split('\n')[0]})`);
    });
  page.off('request', count);
  const seenAt = await page.evaluate(() => (window as unknown as { bench: { seenAt: number } }).bench.seenAt);
  const job = await trpc<JobView>(baseUrl, cookie, 'jobs.latestFor', { type: 'story-publish', targetId: story.id }, 'GET');
  if (!job.completedAt || !job.startedAt) throw new Error('job has no start or completion time');
  return { latencyMs: seenAt - Date.parse(job.completedAt), jobRequests, ranMs: Date.parse(job.completedAt) - Date.parse(job.startedAt) };
}

/** What the page and the API said when "Completed" did not show, so a stall names its side. */
async function describeStall(page: Page, baseUrl: string, cookie: string, storyId: string): Promise<string> {
  const shown = await page.evaluate(() => ({
    status: document.querySelector('[data-testid="job-status"]')?.textContent?.trim() ?? '(no job card)',
    connection: document.querySelector('[data-testid="connection-status"]')?.textContent?.trim() ?? '(no indicator)',
  }));
  const job = await trpc<JobView | null>(baseUrl, cookie, 'jobs.latestFor', { type: 'story-publish', targetId: storyId }, 'GET').catch((error: Error) => error.message);
  return `page showed status "${shown.status}", connection "${shown.connection}"; the API has ${JSON.stringify(job)}`;
}

await runBench('bench', async (defer) => {
  ensureChromium((line) => console.error(`[bench] ${line}`));
  const stack = await startStackProcess();
  defer(() => stack.stop());
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  defer(() => browser.close());
  const adminCookie = await login(stack.baseUrl, 'admin', 'admin-storyline');
  const aliceCookie = await login(stack.baseUrl, 'alice', 'alice-storyline');
  const context = await browser.newContext();
  await context.addCookies([{ name: aliceCookie.split('=')[0], value: aliceCookie.split('=')[1], url: stack.baseUrl }]);
  const page = await context.newPage();
  const results = new Map<Transport, Sample[]>();
  for (const transport of ['push', 'polling'] as Transport[]) {
    await trpc(stack.baseUrl, adminCookie, 'flags.set', { jobType: 'story-publish', transport }, 'POST');
    const samples: Sample[] = [];
    for (let run = 0; run < RUNS; run += 1) samples.push(await publishOnce(page, stack.baseUrl, aliceCookie, PAGE_COUNTS[run % PAGE_COUNTS.length]));
    results.set(transport, samples);
  }
  const stat = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
  console.log(`\nPublish latency: job completed in the worker → "Completed" shown in Chromium (${RUNS} publishes each, ${PAGE_COUNTS.slice(0, RUNS).join('/')} pages)\n`);
  console.log('transport | median ms | p90 ms | max ms | jobs ran (min–max) | job requests while the job ran (median; the tab’s one stream was already open)');
  console.log('--------- | --------- | ------ | ------ | ------------------ | -------------------------------------------------------------------');
  for (const [transport, samples] of results) {
    const latencies = samples.map((sample) => sample.latencyMs);
    const requests = samples.map((sample) => sample.jobRequests);
    const ran = samples.map((sample) => sample.ranMs);
    const ranRange = `${(Math.min(...ran) / 1000).toFixed(1)}–${(Math.max(...ran) / 1000).toFixed(1)} s`;
    console.log(
      `${transport.padEnd(9)} | ${String(stat(latencies, 0.5)).padStart(9)} | ${String(stat(latencies, 0.9)).padStart(6)} | ${String(Math.max(...latencies)).padStart(6)} | ${ranRange.padStart(18)} | ${stat(requests, 0.5)}`,
    );
  }
});
