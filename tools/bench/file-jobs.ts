/**
 * Whether the worker's memory stays flat while it exports and imports big stories.
 * Real Postgres and Azurite, the built API and one built worker process
 * (WORKER_CONCURRENCY=1), driven over HTTP as the editor drives them: upload images,
 * save the draft, export the ZIP, download it, import it back, render the PDF. Each job
 * runs in a fresh worker whose RSS is sampled every 50 ms (and its VmHWM read), so
 * stories of different sizes are compared side by side in one run.
 *
 *   npm run bench:files         (BENCH_SMOKE=1: three tiny stories, see `bench-scale.ts`)
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { testImages } from '@storyline/story-document/testing';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from '@storyline/api-router';
import type { JobView } from '@storyline/contracts';
import { benchScale, smokeRun } from './bench-scale';
import { startBenchStack, type BenchStack } from './bench-stack';
import { startMeasuredWorker, type MemoryPeak } from './measured-worker';
import { runBench } from './run-bench';

interface StorySize {
  pages: number;
  images: number;
  /** Width and height of each random-pixel RGB image: 256 is ~197 KB, 362 about twice that. */
  side: number;
}

const SIZES: StorySize[] = benchScale(
  [
    { pages: 20, images: 10, side: 256 },
    { pages: 200, images: 100, side: 256 },
    { pages: 200, images: 100, side: 362 },
    // The most images a story may hold (MEDIA_PER_STORY_MAX), four times the bytes of the 200-page story.
    { pages: 400, images: 200, side: 362 },
  ],
  // The verdict compares the second size with the last: a smoke run needs three.
  [
    { pages: 2, images: 1, side: 64 },
    { pages: 3, images: 2, side: 64 },
    { pages: 4, images: 2, side: 96 },
  ],
);
const MiB = 1024 * 1024;

type Client = ReturnType<typeof createTRPCClient<AppRouter>>;

interface Session {
  baseUrl: string;
  cookie: string;
  trpc: Client;
}

interface JobRun {
  /** The job's run time in the worker, startedAt → completedAt. */
  seconds: number;
  peak: MemoryPeak<JobView>;
  idleBytes: number;
}

interface Row {
  size: StorySize;
  storyBytes: number;
  zipBytes: number;
  pdfBytes: number;
  exported: JobRun;
  imported: JobRun;
  pdf: JobRun;
}

/** A real PNG of random pixels: deflate cannot shrink it, so its bytes are what a photo weighs. */
function randomPng(side: number): Buffer {
  return testImages.png({ width: side, height: side, noise: true });
}

const EN = 'The fox and the heron shared a field by the river, and every evening they argued about the weather. ';
const RO = 'Ștefan și țânțarul își împărțeau câmpul de lângă râu; în fiecare seară se certau pe vreme, până când îngerul a tăcut. ';

/** ~1,500 characters of page text, different on every page. */
function pageText(sentence: string, label: string, page: number): string {
  return `${label} ${page + 1}. ${sentence.repeat(Math.ceil(1_500 / sentence.length))}`.slice(0, 1_500);
}

async function login(baseUrl: string): Promise<Session> {
  const response = await fetch(`${baseUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // bench-stack's one real user.
    body: JSON.stringify({ username: 'bench-template', password: 'bench-password' }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
  const trpc = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${baseUrl}/trpc`, headers: () => ({ cookie }) })] });
  return { baseUrl, cookie, trpc };
}

/** Posts one file as multipart/form-data (field `file`), as the editor does, and answers its JSON. */
async function postFile<T>(session: Session, path: string, file: Blob, name: string, expected: number): Promise<T> {
  const form = new FormData();
  form.append('file', file, name);
  const response = await fetch(`${session.baseUrl}${path}`, { method: 'POST', body: form, headers: { cookie: session.cookie } });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** A new story of `size`, its images uploaded and its draft saved; answers its id and its bytes (text + images). */
async function createStory(session: Session, size: StorySize): Promise<{ storyId: string; storyBytes: number }> {
  const title = `Bench ${size.pages} pagini, ${size.images} imagini`;
  const { id: storyId, revision } = await session.trpc.stories.create.mutate({ title });
  let storyBytes = 0;
  const mediaIds: string[] = [];
  for (let index = 0; index < size.images; index += 1) {
    const png = randomPng(size.side);
    storyBytes += png.length;
    const blob = new Blob([new Uint8Array(png)], { type: 'image/png' });
    const answer = await postFile<{ media: { id: string } }>(session, `/files/media?storyId=${storyId}`, blob, `image-${index + 1}.png`, 201);
    mediaIds.push(answer.media.id);
  }
  const pages = Array.from({ length: size.pages }, (_, page) => ({ en: pageText(EN, 'Page', page), ro: pageText(RO, 'Pagina', page), media: [] as string[] }));
  // Spread evenly: with twice the pages as images, every other page has one.
  mediaIds.forEach((id, index) => pages[Math.floor((index * size.pages) / size.images)].media.push(id));
  for (const page of pages) storyBytes += Buffer.byteLength(page.en) + Buffer.byteLength(page.ro);
  await session.trpc.stories.saveDraft.mutate({ storyId, title, pages, revision });
  return { storyId, storyBytes };
}

/** Polls the job (every 200 ms) until it ends; anything but Completed is an error. */
async function waitForJob(session: Session, jobId: string, timeoutMs = 300_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await session.trpc.jobs.get.query({ jobId });
    if (job.status === 'Completed') return job;
    if (job.status === 'Failed' || job.status === 'Cancelled') throw new Error(`${job.type} job ${jobId} ended ${job.status}: ${job.error}`);
    if (Date.now() > deadline) throw new Error(`${job.type} job ${jobId} still ${job.status} (${job.phase}, ${job.progress}%) after ${timeoutMs / 1000} s`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** Streams a completed job's file to `path` through a fresh download link; answers its size. */
async function download(session: Session, jobId: string, path: string): Promise<number> {
  const { url } = await session.trpc.files.downloadLink.mutate({ jobId });
  const response = await fetch(`${session.baseUrl}${url}`);
  if (!response.ok || !response.body) throw new Error(`download of job ${jobId} answered ${response.status}: ${await response.text()}`);
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(path));
  return (await stat(path)).size;
}

/** Runs one job in a fresh worker, measuring its idle RSS first and its peak while `start` and the job run. */
async function inFreshWorker(stack: BenchStack, scratchDir: string, session: Session, start: () => Promise<string>, problems: string[]): Promise<JobRun> {
  const env = { DATABASE_URL: stack.database.url, AZURE_STORAGE_CONNECTION_STRING: stack.storage, WORKER_CONCURRENCY: '1', SCRATCH_DIR: scratchDir };
  const worker = await startMeasuredWorker(env);
  try {
    const idleBytes = await worker.idleRss();
    const peak = await worker.measure(async () => waitForJob(session, await start()));
    const job = peak.result;
    const seconds = (Date.parse(job.completedAt ?? '') - Date.parse(job.startedAt ?? '')) / 1000;
    return { seconds, peak, idleBytes };
  } finally {
    await worker.stop();
    problems.push(...worker.problems.map((line) => `worker ${worker.pid}: ${line}`));
  }
}

async function measureSize(stack: BenchStack, session: Session, dir: string, size: StorySize, problems: string[]): Promise<Row> {
  const { storyId, storyBytes } = await createStory(session, size);
  const zipPath = join(dir, `story-${size.pages}-${size.side}.zip`);
  const scratch = join(dir, 'worker-scratch');
  const exported = await inFreshWorker(stack, scratch, session, async () => (await session.trpc.stories.export.mutate({ storyId })).jobId, problems);
  const zipBytes = await download(session, exported.peak.result.id, zipPath);
  const imported = await inFreshWorker(stack, scratch, session, async () => {
    const answer = await postFile<{ jobId: string }>(session, '/files/imports', await openAsBlob(zipPath, { type: 'application/zip' }), 'story.zip', 202);
    return answer.jobId;
  }, problems);
  const importedId = String(imported.peak.result.result?.['storyId']);
  const copy = await session.trpc.stories.get.query({ storyId: importedId });
  const images = copy.media.filter((item) => item.state === 'ready').length;
  if (copy.pages.length !== size.pages || images !== size.images) {
    throw new Error(`the imported story has ${copy.pages.length} pages and ${images} ready images; expected ${size.pages} and ${size.images}`);
  }
  if (copy.pages.at(-1)?.ro !== pageText(RO, 'Pagina', size.pages - 1)) throw new Error('the imported story\'s Romanian text differs from the exported one');
  await rm(zipPath, { force: true });
  const pdf = await inFreshWorker(stack, scratch, session, async () => (await session.trpc.stories.exportDocument.mutate({ storyId, language: 'ro' })).jobId, problems);
  const pdfBytes = Number(pdf.peak.result.result?.['byteSize'] ?? Number.NaN);
  return { size, storyBytes, zipBytes, pdfBytes, exported, imported, pdf };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const mib = (bytes: number) => (bytes / MiB).toFixed(0);
const over = (run: JobRun) => run.peak.peakBytes - run.idleBytes;
/** "peak (+over idle) / VmHWM", in MiB. */
const peakCell = (run: JobRun) => `${mib(run.peak.peakBytes)} (+${mib(over(run))}) / ${mib(run.peak.hwmBytes)}`;

function formatTable(rows: Row[]): string {
  const table: string[][] = [
    ['pages', 'images', 'story bytes', 'ZIP bytes', 'idle RSS', 'export time', 'export peak / HWM', 'import time', 'import peak / HWM', 'PDF bytes', 'PDF time', 'PDF peak / HWM'],
    ...rows.map((row) => [
      String(row.size.pages),
      `${row.size.images}×${row.size.side}²`,
      mb(row.storyBytes),
      mb(row.zipBytes),
      `${mib(row.exported.idleBytes)} MiB`,
      `${row.exported.seconds.toFixed(1)} s`,
      peakCell(row.exported),
      `${row.imported.seconds.toFixed(1)} s`,
      peakCell(row.imported),
      mb(row.pdfBytes),
      `${row.pdf.seconds.toFixed(1)} s`,
      peakCell(row.pdf),
    ]),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
  return table.map((cells) => cells.map((cell, column) => cell.padStart(widths[column])).join('  ')).join('\n');
}

const PHASES = [
  ['export', (row: Row) => row.exported],
  ['import', (row: Row) => row.imported],
  ['PDF', (row: Row) => row.pdf],
] as const;

/**
 * Flat means: from the 200-page story to the biggest, no phase's peak over idle rises by
 * half the bytes the story gained. A job that held every image (a ZIP built in memory,
 * say) would rise by all of them; one that streams, by what one image in flight costs.
 */
function verdict(rows: Row[]): string {
  const lines = PHASES.map(([name, run]) => `${name} peak over idle: ${rows.map((row) => `+${mib(over(run(row)))} MiB (${mb(row.storyBytes)})`).join(', ')}`);
  // SIZES' second row is the 200-page story, the last the biggest.
  const [, from] = rows;
  const to = rows[rows.length - 1];
  const gained = to.storyBytes - from.storyBytes;
  const rises = PHASES.map(([, run]) => over(run(to)) - over(run(from)));
  const share = Math.max(...rises) / gained;
  const detail =
    `from the ${from.size.pages}p/${from.size.images}img story (${mb(from.storyBytes)}) to ${to.size.pages}p/${to.size.images}img ` +
    `(${mb(to.storyBytes)}, ×${(to.storyBytes / from.storyBytes).toFixed(1)}) the peak over idle moves ${rises.map((rise) => `${rise >= 0 ? '+' : ''}${mib(rise)}`).join(' / ')} MiB ` +
    `(export / import / PDF), at most ${Math.max(0, Math.round(share * 100))}% of the ${mb(gained)} the story gained (holding its images would be ~100%)`;
  const outcome = share < 0.5 ? 'memory does not grow with the story' : 'memory GROWS with the story';
  const caveat = smokeRun ? ' (smoke run: these stories are too small for the verdict to mean anything)' : '';
  return [...lines, `Verdict: ${detail}: ${outcome}${caveat}.`].join('\n');
}

await runBench('bench:files', async (defer) => {
  const build = spawnSync(resolve('node_modules/.bin/nx'), ['run', 'worker:build', '--outputStyle=stream'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
  });
  if (build.status !== 0) throw new Error('building the worker failed');
  const dir = await mkdtemp(join(tmpdir(), 'storyline-bench-files-'));
  defer(() => rm(dir, { recursive: true, force: true }));
  const problems: string[] = [];
  defer(() => {
    if (problems.length > 0) console.log(`\nThe workers logged:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  });
  const stack = await startBenchStack();
  defer(() => stack.stop());
  const session = await login(stack.api.baseUrl);
  console.log(`Worker memory during file jobs: one built worker process (WORKER_CONCURRENCY=1), a fresh one per job,`);
  console.log(`RSS sampled every 50 ms from /proc (peak = largest sample, +over idle = peak − that worker's idle median; HWM = VmHWM).`);
  console.log(`Images are random-pixel RGB PNGs (incompressible); pages hold ~1,500 characters each in en and ro. PDF is the ro document.`);
  console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, Node ${process.version}.\n`);
  const rows: Row[] = [];
  for (const size of SIZES) {
    console.error(`[bench:files] ${size.pages} pages, ${size.images} images of ${size.side}×${size.side}…`);
    rows.push(await measureSize(stack, session, dir, size, problems));
  }
  console.log(formatTable(rows));
  console.log(`(RSS in MiB; times are the job's run in the worker, startedAt → completedAt.)\n`);
  console.log(verdict(rows));
});
