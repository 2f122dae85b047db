/**
 * How fast an idle worker starts a new job, and what an idle worker costs in storage
 * transactions, against a throw-away Postgres and Azurite, with an in-process worker
 * made by `createJobWorker` from the real job definitions. Every request the worker
 * makes to the queue service passes a counting proxy, so the idle count is what Azure
 * would bill. The old behaviour (no wake-up, a 0.5 s idle poll) is measured the same way.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx tools/bench/worker-wakeup.ts
 *
 * WAKEUP_SAMPLES, WAKEUP_IDLE_WINDOW_SEC, WAKEUP_COMPARE_OLD=0 shorten or skip parts;
 * BENCH_SMOKE=1 shrinks every part (see `bench-scale.ts`).
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import getPort from 'get-port';
import pino from 'pino';
import { JobType } from '@storyline/contracts';
import { createDatabase, migrateDatabase, stories, users, type Database } from '@storyline/db';
import { createJobDefinitions } from '@storyline/job-handlers';
import { createJobWorker, startJob, type JobDefinition, type JobDeps, type JobWorkerDeps } from '@storyline/jobs';
import { azuriteConnectionString, createBlobStore, createJobQueues, startAzurite } from '@storyline/storage';
import { startThrowawayPostgres } from '../testing/start-throwaway-services';
import { benchScale } from './bench-scale';
import { runBench, stopAll } from './run-bench';
import { startCountingProxy, type CountingProxy } from './start-counting-proxy';

export interface WorkerWakeupOptions {
  /** Jobs started while the worker idles, one at a time; 40 by default. */
  samples?: number;
  /** Idle time before each of them, after the previous job ended (plus up to 0.5 s of jitter); 2.5 s. */
  gapMs?: number;
  /** The worker's idle ceiling (IDLE_RECEIVE_MAX_SEC); 30 s. */
  idleCeilingSec?: number;
  /** How long idle requests are counted once the backoff has reached its ceiling; 180 s. */
  idleWindowSec?: number;
  /** Also measure the old behaviour: no wake-up, a 0.5 s idle poll. */
  compareOld?: boolean;
  /** Progress lines; silent by default. */
  progress?: (line: string) => void;
}

export interface PickupLatency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface IdleTransactions {
  windowSec: number;
  /** Queues the worker consumed; requests to each were counted. */
  queues: number;
  /** Per queue and hour: the mean over the consumed queues. */
  perQueuePerHour: number;
  /** All consumed queues together, per hour. */
  allQueuesPerHour: number;
}

export interface WorkerWakeupRun {
  label: string;
  pickup: PickupLatency;
  idle: IdleTransactions;
}

export interface WorkerWakeupResult {
  now: WorkerWakeupRun;
  old?: WorkerWakeupRun;
  /**
   * How the 11 queues were measured: the worker consumes all 11 job types' queues with
   * the real definitions; only story-publish jobs are started, and they run for real.
   */
  note: string;
}

const log = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });

/** Runs the measurement described at the top of this file. */
export async function measureWorkerWakeup(options: WorkerWakeupOptions = {}): Promise<WorkerWakeupResult> {
  const stack = await startServices();
  try {
    const progress = options.progress ?? (() => undefined);
    const samples = options.samples ?? benchScale(40, 3);
    const gapMs = options.gapMs ?? benchScale(2_500, 300);
    const ceilingSec = options.idleCeilingSec ?? benchScale(30, 2);
    const idleWindowSec = options.idleWindowSec ?? benchScale(180, 4);
    progress(`wake-up worker (idle ceiling ${ceilingSec} s): ${samples} pickups, then ${idleWindowSec} s idle`);
    const now = await measureRun(stack, {
      label: `NOTIFY wake-up, ${ceilingSec} s idle ceiling`,
      wakeUp: true,
      idleCeilingMs: ceilingSec * 1000,
      samples,
      gapMs,
      // The backoff doubles from 50 ms, so it reaches its ceiling within twice the ceiling.
      settleMs: ceilingSec * 2_000 + 5_000,
      idleWindowMs: idleWindowSec * 1000,
    });
    let old: WorkerWakeupRun | undefined;
    if (options.compareOld ?? true) {
      progress('old worker (0.5 s idle poll, no wake-up)');
      old = await measureRun(stack, {
        label: 'before: 0.5 s idle poll',
        wakeUp: false,
        idleCeilingMs: 500,
        samples: Math.min(samples, 20),
        gapMs,
        settleMs: benchScale(5_000, 1_000),
        idleWindowMs: Math.min(30, idleWindowSec) * 1000,
      });
    }
    return {
      now,
      old,
      note: `the worker consumed all ${JobType.options.length} job types' queues, each counted at the proxy, with the real job definitions (createJobDefinitions, as apps/worker builds them); only story-publish jobs are started, and they run for real (render, upload, complete)`,
    };
  } finally {
    await stack.stop();
  }
}

interface Services {
  databaseUrl: string;
  /** The pool of whoever starts jobs, as the API's. */
  database: Database;
  /** Reaches Azurite through the counting proxy: the worker's queues. */
  proxiedConnectionString: string;
  /** Reaches Azurite directly: the queues of whoever starts jobs, as the API would. */
  directConnectionString: string;
  proxy: CountingProxy;
  ownerId: string;
  stop(): Promise<void>;
}

async function startServices(): Promise<Services> {
  // Stopped last first, whether the start failed half-way or the measurement ended.
  const stops: Array<() => Promise<void>> = [];
  const stop = () => stopAll(stops);
  try {
    const pg = await startThrowawayPostgres();
    stops.push(pg.stop);
    const [blobPort, queuePort] = [await getPort(), await getPort()];
    const azurite = await startAzurite({ blobPort, queuePort });
    stops.push(azurite.stop);
    const proxy = await startCountingProxy(queuePort);
    stops.push(proxy.stop);
    await migrateDatabase(pg.url);
    const database = createDatabase(pg.url, { max: 6 });
    stops.push(database.close);
    const [owner] = await database.db.insert(users).values({ username: 'bench', passwordHash: 'unused' }).returning({ id: users.id });
    return {
      databaseUrl: pg.url,
      database,
      // Only the queue port is proxied: blob requests (a publish's pages) are not counted.
      proxiedConnectionString: azuriteConnectionString(blobPort, proxy.port),
      directConnectionString: azuriteConnectionString(blobPort, queuePort),
      proxy,
      ownerId: owner.id,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface RunPlan {
  label: string;
  wakeUp: boolean;
  idleCeilingMs: number;
  samples: number;
  gapMs: number;
  settleMs: number;
  idleWindowMs: number;
}

async function measureRun(stack: Services, plan: RunPlan): Promise<WorkerWakeupRun> {
  const prefix = `b${randomUUID().slice(0, 8)}-`;
  const starterQueues = createJobQueues({ connectionString: stack.directConnectionString, prefix });
  await starterQueues.ensure();
  const workerQueues = createJobQueues({ connectionString: stack.proxiedConnectionString, prefix });
  // The worker's own pool, as apps/worker opens one.
  const workerDb = createDatabase(stack.databaseUrl, { max: 6 });
  const deps: JobWorkerDeps = {
    db: workerDb.db,
    queues: workerQueues,
    log,
    listen: plan.wakeUp ? (channel, onNotify, onListen) => workerDb.sql.listen(channel, onNotify, onListen) : undefined,
  };
  const definitions = await everyJobType(deps, stack.proxiedConnectionString, prefix).catch(async (error: unknown) => {
    await workerDb.close();
    throw error;
  });
  const worker = createJobWorker(
    deps,
    {
      definitions,
      idlePollMs: plan.idleCeilingMs,
      sweep: { intervalMs: 15_000, queuedStaleSec: 120, runningStaleSec: 150, maxRequeues: 5 },
    },
  );
  worker.start();
  try {
    const starter: JobDeps = { db: stack.database.db, queues: starterQueues, log };
    const latencies: number[] = [];
    for (let sample = 0; sample < plan.samples; sample += 1) {
      await pause(plan.gapMs + Math.random() * 500);
      latencies.push(await publishAndTimePickup(stack, starter));
    }
    await pause(plan.settleMs);
    stack.proxy.reset();
    await pause(plan.idleWindowMs);
    const counted = [...stack.proxy.counts()].filter(([queue]) => queue.startsWith(prefix) && !queue.endsWith('-poison'));
    const requests = counted.reduce((sum, [, count]) => sum + count, 0);
    const queues = definitions.length;
    const perHour = 3_600_000 / plan.idleWindowMs;
    return {
      label: plan.label,
      pickup: summarise(latencies),
      idle: { windowSec: plan.idleWindowMs / 1000, queues, perQueuePerHour: (requests / queues) * perHour, allQueuesPerHour: requests * perHour },
    };
  } finally {
    await worker.stop();
    await workerDb.close();
  }
}

/**
 * The real definitions of every job type, wired as apps/worker wires them, so every queue
 * is consumed and a publish runs its real handler. A job type without one fails the bench:
 * its queue would go uncounted.
 */
async function everyJobType(deps: JobWorkerDeps, connectionString: string, prefix: string): Promise<JobDefinition[]> {
  const blobs = createBlobStore({ connectionString, prefix });
  await blobs.ensure();
  const definitions = createJobDefinitions({
    db: deps.db,
    blobs,
    queues: deps.queues,
    log: deps.log,
    exportRetentionMs: 86_400_000,
    scratchDir: join(tmpdir(), 'storyline-bench-wakeup'),
  });
  const missing = JobType.options.filter((type) => !definitions.some((definition) => definition.type === type));
  if (missing.length > 0) throw new Error(`no job definition for ${missing.join(', ')}`);
  return definitions;
}

/** Starts a one-page publish as the API does and answers how long it stayed Queued (ms, Postgres clock). */
async function publishAndTimePickup(stack: Services, starter: JobDeps): Promise<number> {
  const [story] = await stack.database.db
    .insert(stories)
    .values({ ownerId: stack.ownerId, title: 'Bench story', pages: [{ en: 'One page.', ro: 'O pagină.' }] })
    .returning({ id: stories.id });
  const { jobId } = await startJob(starter, {
    type: 'story-publish',
    targetId: story.id,
    ownerId: stack.ownerId,
    payload: { storyId: story.id },
    supersedeQueued: true,
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [row] = await stack.database.sql<{ status: string; pickup_ms: number | null }[]>`
      select j.status, (extract(epoch from (
        select min(e.created_at) from job_events e
        where e.job_id = j.id and e.kind = 'status' and e.data->>'status' = 'Running')) - extract(epoch from j.queued_at)) * 1000 as pickup_ms
      from jobs j where j.id = ${jobId}`;
    if (row.status === 'Completed' && row.pickup_ms !== null) return Number(row.pickup_ms);
    if (row.status === 'Failed' || Date.now() > deadline) throw new Error(`bench job ${jobId} ended ${row.status}`);
    await pause(20);
  }
}

function summarise(latencies: number[]): PickupLatency {
  const sorted = [...latencies].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return { samples: sorted.length, p50Ms: rank(0.5), p99Ms: rank(0.99), maxMs: sorted.at(-1) ?? NaN };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The result as a small table, the runs side by side. */
export function formatWorkerWakeup(result: WorkerWakeupResult): string {
  const runs = [result.now, ...(result.old ? [result.old] : [])];
  const whole = (value: number) => Math.round(value).toLocaleString('en-US');
  const rows: Array<[string, ...string[]]> = [
    ['', ...runs.map((run) => run.label)],
    ['pickup Queued → Running, p50', ...runs.map((run) => `${run.pickup.p50Ms.toFixed(1)} ms`)],
    ['pickup p99 (max)', ...runs.map((run) => `${run.pickup.p99Ms.toFixed(1)} ms (${run.pickup.maxMs.toFixed(1)} ms)`)],
    ['pickup samples', ...runs.map((run) => String(run.pickup.samples))],
    ['idle transactions / hour, per queue', ...runs.map((run) => whole(run.idle.perQueuePerHour))],
    [`idle transactions / hour, ${runs[0].idle.queues} queues`, ...runs.map((run) => whole(run.idle.allQueuesPerHour))],
    [`idle transactions / day, ${runs[0].idle.queues} queues`, ...runs.map((run) => whole(run.idle.allQueuesPerHour * 24))],
    ['idle window counted', ...runs.map((run) => `${run.idle.windowSec} s`)],
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(rows[0]), ...rows.slice(1).map(line), '', `11 queues: ${result.note}.`].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runBench('worker-wakeup', async () => {
    const result = await measureWorkerWakeup({
      samples: process.env['WAKEUP_SAMPLES'] ? Number(process.env['WAKEUP_SAMPLES']) : undefined,
      idleWindowSec: process.env['WAKEUP_IDLE_WINDOW_SEC'] ? Number(process.env['WAKEUP_IDLE_WINDOW_SEC']) : undefined,
      compareOld: process.env['WAKEUP_COMPARE_OLD'] !== '0',
      progress: (line) => console.error(`[worker-wakeup] ${line}`),
    });
    console.log(formatWorkerWakeup(result));
  });
}
