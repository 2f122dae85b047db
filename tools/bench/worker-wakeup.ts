/**
 * How fast an idle worker starts a new job, and what an idle worker costs in storage
 * transactions, against a throw-away Postgres and Azurite, with an in-process worker
 * made by `createJobWorker` from the real job definitions. Every request the worker
 * makes to the queue service passes a counting proxy, so the idle count is what Azure
 * would bill. The old behaviour (no wake-up, a 0.5 s idle poll) is measured the same way.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx tools/bench/worker-wakeup.ts
 *
 * WAKEUP_SAMPLES, WAKEUP_IDLE_WINDOW_SEC, WAKEUP_COMPARE_OLD=0 shorten or skip parts.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import getPort from 'get-port';
import pino from 'pino';
import { JobType } from '@storyline/contracts';
import { createDatabase, migrateDatabase, stories, users, type Database } from '@storyline/db';
import { createJobWorker, startJob, type JobDefinition, type JobDeps } from '@storyline/jobs';
import { azuriteConnectionString, createJobQueues, startAzurite } from '@storyline/storage';
import { startThrowawayPostgres } from '../testing/start-throwaway-services';
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
   * How the 11 queues were measured: the worker consumes all 11 job types' queues;
   * story-publish has its real handler, the other 10 stand-in handlers that never run
   * because no job of their types is started.
   */
  note: string;
}

const log = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });

/** Runs the measurement described at the top of this file. */
export async function measureWorkerWakeup(options: WorkerWakeupOptions = {}): Promise<WorkerWakeupResult> {
  const stack = await startServices();
  try {
    const progress = options.progress ?? (() => undefined);
    const samples = options.samples ?? 40;
    const gapMs = options.gapMs ?? 2_500;
    const ceilingSec = options.idleCeilingSec ?? 30;
    progress(`wake-up worker (idle ceiling ${ceilingSec} s): ${samples} pickups, then ${options.idleWindowSec ?? 180} s idle`);
    const now = await measureRun(stack, {
      label: `NOTIFY wake-up, ${ceilingSec} s idle ceiling`,
      wakeUp: true,
      idleCeilingMs: ceilingSec * 1000,
      samples,
      gapMs,
      // The backoff doubles from 50 ms, so it reaches its ceiling within twice the ceiling.
      settleMs: ceilingSec * 2_000 + 5_000,
      idleWindowMs: (options.idleWindowSec ?? 180) * 1000,
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
        settleMs: 5_000,
        idleWindowMs: 30_000,
      });
    }
    return {
      now,
      old,
      note: `the worker consumed all ${JobType.options.length} job types' queues, each counted at the proxy: story-publish with its real handler, the others with stand-ins that never run (no job of their types is started)`,
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
  const pg = await startThrowawayPostgres();
  const [blobPort, queuePort] = [await getPort(), await getPort()];
  const azurite = await startAzurite({ blobPort, queuePort }).catch(async (error: unknown) => {
    await pg.stop();
    throw error;
  });
  const proxy = await startCountingProxy(queuePort);
  await migrateDatabase(pg.url);
  const database = createDatabase(pg.url, { max: 6 });
  const [owner] = await database.db.insert(users).values({ username: 'bench', passwordHash: 'unused' }).returning({ id: users.id });
  return {
    databaseUrl: pg.url,
    database,
    proxiedConnectionString: azuriteConnectionString(blobPort, proxy.port),
    directConnectionString: azuriteConnectionString(blobPort, queuePort),
    proxy,
    ownerId: owner.id,
    async stop() {
      await database.close();
      await proxy.stop();
      await azurite.stop();
      await pg.stop();
    },
  };
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
  const worker = createJobWorker(
    {
      db: workerDb.db,
      queues: workerQueues,
      log,
      listen: plan.wakeUp ? (channel, onNotify, onListen) => workerDb.sql.listen(channel, onNotify, onListen) : undefined,
    },
    {
      definitions: everyJobType(),
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
    const queues = everyJobType().length;
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

/** A consumer for every job type, so every queue is polled; the benchmark sends no job, so no handler runs. */
function everyJobType(): JobDefinition[] {
  return JobType.options.map(
    (type): JobDefinition => ({
      type,
      timeoutMs: 60_000,
      handler: async () => {
        throw new Error(`no ${type} handler in this benchmark`);
      },
    }),
  );
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
  const result = await measureWorkerWakeup({
    samples: process.env['WAKEUP_SAMPLES'] ? Number(process.env['WAKEUP_SAMPLES']) : undefined,
    idleWindowSec: process.env['WAKEUP_IDLE_WINDOW_SEC'] ? Number(process.env['WAKEUP_IDLE_WINDOW_SEC']) : undefined,
    compareOld: process.env['WAKEUP_COMPARE_OLD'] !== '0',
    progress: (line) => console.error(`[worker-wakeup] ${line}`),
  });
  console.log(formatWorkerWakeup(result));
}
