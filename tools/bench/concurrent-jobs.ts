/**
 * How fast each kind of job event reaches its editor, by push and by polling, while many
 * real jobs run at once: the built worker publishes `jobs` stories per round, all started
 * together, each by its own user. Three rounds, measured in one run: every user holding
 * one `onMyJobs` stream (opened before the publishes), the polling helper, and the old
 * editor's 5 s poll. Each event's delay runs from its commit, as Postgres recorded it
 * (`track_commit_timestamp`), to the moment the client had it.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { isTerminalStatus, type JobStatus } from '@storyline/contracts';
import { forkBenchChild, type BenchChild } from './bench-children';
import type { BenchStack } from './bench-stack';
import { callTrpc } from './call-trpc';
import { formatConcurrentJobs, type RoundOutcome, type CommittedEvent } from './format-concurrent-jobs';
import { startMeasuredWorker } from './measured-worker';
import type { PollSchedule, PollTrace, PublishedJob, StoryToPublish } from './publish-and-poll';
import type { StreamReport } from './stream-clients';

/** What `startBenchStack` must be given for this section: Postgres then records when each transaction committed. */
export const CONCURRENT_JOBS_POSTGRES_SETTINGS: Record<string, string> = { track_commit_timestamp: 'on' };

export interface ConcurrentJobsOptions {
  /** Stories published at once in each round, one user each. */
  jobs: number;
  /** Pages of each story, with text in `en` and `ro`. */
  pages: number;
  /** Jobs the one worker process runs at once; the worker's own default (4), as `npm start` runs it, by default. */
  workerConcurrency?: number;
}

const CLIENT_PROCESSES = 2;
/** WORKER_CONCURRENCY's default (apps/worker/src/env.ts). */
const WORKER_CONCURRENCY_DEFAULT = 4;
/** From the publishes to the last job's end; beyond it the section fails instead of waiting on. */
const JOBS_DEADLINE_MS = 10 * 60_000;
/** The polling helper's longest wait (60 s) and a margin: a poller sees the end this much after it. */
const POLL_GRACE_MS = 75_000;
/** After the last job ended, how long push may take to deliver what it still owes. */
const PUSH_GRACE_MS = 15_000;

const ROUNDS: Array<{ name: RoundOutcome['name']; schedule?: PollSchedule }> = [
  { name: 'push' },
  { name: 'polling helper', schedule: 'disciplined' },
  { name: 'status quo', schedule: 'status-quo' },
];

interface Section {
  stack: BenchStack;
  clients: BenchChild[];
  options: ConcurrentJobsOptions;
  /** Tells this call's users from any other's on the same stack. */
  tag: string;
}

/**
 * Runs the three rounds (see the top of this file) against `stack`, which must have been
 * started with {@link CONCURRENT_JOBS_POSTGRES_SETTINGS}, and answers the markdown to print.
 * Starts the built worker and its own client processes, and stops them however it ends.
 */
export async function measureConcurrentJobs(stack: BenchStack, options: ConcurrentJobsOptions): Promise<string> {
  await expectCommitTimestamps(stack);
  buildWorker();
  const concurrency = options.workerConcurrency ?? WORKER_CONCURRENCY_DEFAULT;
  const clients = Array.from({ length: CLIENT_PROCESSES }, () => forkBenchChild('stream-clients.ts'));
  const section: Section = { stack, clients, options, tag: `cj${randomUUID().slice(0, 6)}` };
  try {
    const worker = await startMeasuredWorker({
      DATABASE_URL: stack.database.url,
      AZURE_STORAGE_CONNECTION_STRING: stack.storage,
      // The API's prefix: bench-stack hands it this process's environment, as this does the worker.
      QUEUE_PREFIX: process.env['QUEUE_PREFIX'] ?? '',
      WORKER_CONCURRENCY: String(concurrency),
      // The stack's users each hold a fake Running job nobody renews: swept, each would be re-run
      // (and fail) on the measured worker while the real jobs run.
      RUNNING_STALE_SEC: '86400',
    });
    try {
      const outcomes: RoundOutcome[] = [];
      for (const round of ROUNDS) outcomes.push(await runRound(section, round.name, round.schedule));
      return formatConcurrentJobs(outcomes, { ...options, workerConcurrency: concurrency, problems: worker.problems });
    } finally {
      await worker.stop();
    }
  } finally {
    await Promise.all(clients.map(stopChild));
  }
}

async function expectCommitTimestamps(stack: BenchStack): Promise<void> {
  const [row] = await stack.database.sql<{ track_commit_timestamp: string }[]>`show track_commit_timestamp`;
  if (row?.track_commit_timestamp !== 'on') {
    throw new Error('measureConcurrentJobs needs track_commit_timestamp=on: start the stack with startBenchStack({ postgresSettings: CONCURRENT_JOBS_POSTGRES_SETTINGS })');
  }
}

function buildWorker(): void {
  const build = spawnSync(resolve('node_modules/.bin/nx'), ['run', 'worker:build', '--outputStyle=stream'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
  });
  if (build.status !== 0) throw new Error('building the worker failed');
}

/** Kills a client process (its streams close with it) and waits until it is gone. */
async function stopChild(child: BenchChild): Promise<void> {
  const proc = child.process;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((done) => proc.once('exit', done));
  proc.kill();
  await exited;
}

async function runRound(section: Section, name: RoundOutcome['name'], schedule?: PollSchedule): Promise<RoundOutcome> {
  const users = await section.stack.createUsers(section.options.jobs, `${section.tag}-${name.replaceAll(' ', '-')}-`);
  const stories = await draftStories(section.stack.api.baseUrl, users, section.options.pages);
  const parts = section.clients.map((_, index) => stories.filter((__, i) => i % section.clients.length === index));
  const seen = schedule ? await pollRound(section, name, parts, schedule) : await pushRound(section, parts);
  return { ...seen, loadAverage: loadavg()[0] };
}

type RoundSeen = Omit<RoundOutcome, 'loadAverage'>;

const EN = 'The fox and the heron shared a field by the river, and every evening they argued about the weather.';
const RO = 'Ștefan și țânțarul își împărțeau câmpul de lângă râu; în fiecare seară se certau pe vreme.';

/** One story per user, its draft saved with `pages` pages, as the editor leaves it before Publish. */
async function draftStories(baseUrl: string, users: Array<{ cookie: string }>, pages: number): Promise<StoryToPublish[]> {
  const draft = Array.from({ length: pages }, (_, page) => ({ en: `Page ${page + 1}. ${EN}`, ro: `Pagina ${page + 1}. ${RO}`, media: [] }));
  const stories: StoryToPublish[] = [];
  let next = 0;
  const lane = async () => {
    while (next < users.length) {
      const { cookie } = users[next++];
      const { id, revision } = await callTrpc<{ id: string; revision: number }>(baseUrl, cookie, 'stories.create', { title: 'Bench story' }, 'POST');
      await callTrpc(baseUrl, cookie, 'stories.saveDraft', { storyId: id, title: 'Bench story', pages: draft, revision }, 'POST');
      stories.push({ cookie, storyId: id });
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return stories;
}

async function pushRound(section: Section, parts: StoryToPublish[][]): Promise<RoundSeen> {
  const { stack, clients } = section;
  const baseUrl = stack.api.baseUrl;
  // Each open answers once every stream has had its snapshot: from then on the API pushes.
  await Promise.all(clients.map((client, index) => client.ask({ cmd: 'open', baseUrl, cookies: parts[index].map((story) => story.cookie) })));
  await Promise.all(clients.map((client) => client.ask({ cmd: 'reset' })));
  const published = await Promise.all(clients.map((client, index) => client.ask<{ jobs: PublishedJob[] }>({ cmd: 'publish', baseUrl, stories: parts[index] })));
  const jobIds = published.flatMap((answer) => answer.jobs.map((job) => job.jobId));
  await waitForJobsToEnd(stack, jobIds);
  const events = await readCommittedEvents(stack, jobIds);
  let reports: StreamReport[] = [];
  for (const deadline = Date.now() + PUSH_GRACE_MS; ; await pause(200)) {
    reports = await Promise.all(clients.map((client) => client.ask<StreamReport>({ cmd: 'report' })));
    if (events.every((event) => reports.some((report) => report.arrivals[event.key])) || Date.now() > deadline) break;
  }
  await Promise.all(clients.map((client) => client.ask({ cmd: 'close-all' })));
  const seenAt = new Map<string, number>();
  for (const event of events) {
    const first = Math.min(...reports.flatMap((report) => report.arrivals[event.key] ?? []));
    if (Number.isFinite(first)) seenAt.set(event.key, first);
  }
  return {
    name: 'push',
    events,
    seenAt,
    shown: new Set(seenAt.keys()),
    requests: `${jobIds.length} onMyJobs streams`,
    notes: [`push: ${reports.reduce((sum, r) => sum + r.duplicates, 0)} events doubled, ${reports.reduce((sum, r) => sum + r.gaps, 0)} skipped (gaps)`],
  };
}

async function pollRound(section: Section, name: RoundOutcome['name'], parts: StoryToPublish[][], schedule: PollSchedule): Promise<RoundSeen> {
  const { stack, clients } = section;
  const deadline = Date.now() + JOBS_DEADLINE_MS + POLL_GRACE_MS;
  const traces = await Promise.all(
    clients.map((client, index) => client.ask<PollTrace>({ cmd: 'publish-and-poll', baseUrl: stack.api.baseUrl, stories: parts[index], schedule, deadline })),
  );
  const jobs = traces.flatMap((trace) => trace.jobs);
  const jobIds = jobs.map((job) => job.jobId);
  await expectCompleted(stack, jobIds, JOBS_DEADLINE_MS + POLL_GRACE_MS);
  const unseen = jobs.filter((job) => !isTerminalStatus(job.polls.at(-1)?.status ?? 'Running'));
  if (unseen.length > 0) throw new Error(`${name}: ${unseen.length} jobs ended, but their pollers gave up before a poll showed it`);
  const events = await readCommittedEvents(stack, jobIds);
  const seenAt = new Map<string, number>();
  const shown = new Set<string>();
  const polls = new Map(jobs.map((job) => [job.jobId, job.polls]));
  for (const event of events) {
    const first = polls.get(event.jobId)?.find((poll) => poll.lastSeq >= event.seq);
    if (first) seenAt.set(event.key, first.at);
    if (polls.get(event.jobId)?.some((poll) => poll.lastSeq === event.seq)) shown.add(event.key);
  }
  const requests = traces.reduce((sum, trace) => sum + trace.requests, 0);
  const failures = jobs.reduce((sum, job) => sum + job.failures, 0);
  return {
    name,
    events,
    seenAt,
    shown,
    requests: `${requests} jobs.get (${(requests / jobs.length).toFixed(1)} a job)`,
    notes: failures > 0 ? [`${name}: ${failures} polls failed`] : [],
  };
}

/** Waits, a bounded time, until every job has ended; any that did not complete fails the section. */
async function waitForJobsToEnd(stack: BenchStack, jobIds: string[]): Promise<void> {
  const deadline = Date.now() + JOBS_DEADLINE_MS;
  for (;;) {
    const rows = await stack.database.sql<{ status: JobStatus; count: number }[]>`
      select status, count(*)::int as count from jobs where id = any(${jobIds}::uuid[]) group by status`;
    if (rows.every((row) => isTerminalStatus(row.status))) break;
    if (Date.now() > deadline) {
      const counts = rows.map((row) => `${row.count} ${row.status}`).join(', ');
      throw new Error(`the jobs did not all end within ${JOBS_DEADLINE_MS / 1000} s of their publish: ${counts}`);
    }
    await pause(250);
  }
  await expectCompleted(stack, jobIds, JOBS_DEADLINE_MS);
}

/** Fails the section unless every job completed; `waitedMs` is how long the jobs were given. */
async function expectCompleted(stack: BenchStack, jobIds: string[], waitedMs: number): Promise<void> {
  const rows = await stack.database.sql<{ id: string; status: JobStatus; error: string | null }[]>`
    select id, status, error from jobs where id = any(${jobIds}::uuid[]) and status <> 'Completed'`;
  if (rows.length === 0) return;
  const [first] = rows;
  const detail = isTerminalStatus(first.status)
    ? `ended ${first.status}${first.error ? `: ${first.error}` : ''}`
    : `was still ${first.status} ${waitedMs / 1000} s after its publish`;
  throw new Error(`${rows.length} of ${jobIds.length} jobs did not complete; job ${first.id} ${detail}`);
}

/** Every event of the jobs, with when its transaction committed; an event without that fails the section. */
async function readCommittedEvents(stack: BenchStack, jobIds: string[]): Promise<CommittedEvent[]> {
  // The commit-time trigger updates the row in its own transaction, so xmin stays that transaction's id.
  const rows = await stack.database.sql<{ job_id: string; seq: number; kind: string; status: string | null; committed_ms: number | null }[]>`
    select job_id, seq, kind, data->>'status' as status,
      (extract(epoch from pg_xact_commit_timestamp(xmin)) * 1000)::float8 as committed_ms
    from job_events where job_id = any(${jobIds}::uuid[]) order by job_id, seq`;
  const missing = rows.find((row) => row.committed_ms === null);
  if (missing) throw new Error(`event ${missing.job_id}:${missing.seq} has no commit timestamp: is track_commit_timestamp on?`);
  return rows.map((row) => ({
    key: `${row.job_id}:${row.seq}`,
    jobId: row.job_id,
    seq: row.seq,
    label: row.kind === 'status' ? `status ${row.status}` : row.kind,
    committedMs: row.committed_ms as number,
  }));
}

function pause(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
