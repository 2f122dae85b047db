import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobType } from '@storyline/contracts';
import { users } from '@storyline/db';
import { createTestDatabase, type TestDatabase } from '@storyline/db/testing';
import { createJobQueues, type JobQueues } from '@storyline/storage';
import pino from 'pino';
import { eventually, until } from '../../../../../tools/testing/eventually';
import '../../../../../tools/testing/provided-context';
import type { JobDefinition, JobHandler } from '../job-handler';
import { createJobWorker, type JobWorker, type JobWorkerDeps, type JobWorkerOptions } from './job-worker';
import { startJob } from '../start-job';
import { sweepStaleJobs } from '../sweep-stale-jobs';

const log = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
/** Far beyond every wait below: a job found this fast was found by a wake-up, not by the idle backoff. */
const IDLE_CEILING_MS = 60_000;
/** The backoff doubles, so after a pause this long the next one is at least twice as long. */
const DEEP_PAUSE_MS = 3_000;
/** How soon a woken worker must have the job: far below the next receive of a worker in a deep pause. */
const WAKE_WITHIN_MS = 3_000;

let database: TestDatabase;
let ownerId: string;
const workers: JobWorker[] = [];

beforeAll(async () => {
  database = await createTestDatabase(inject('pgAdminUrl'));
  [{ id: ownerId }] = await database.db.insert(users).values({ username: 'owner', passwordHash: 'unused' }).returning({ id: users.id });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
});
afterAll(() => database?.destroy());

/** Every receive a worker made, by queue; the real queues still answer it. */
class ReceiveLog {
  readonly at = new Map<JobType, number[]>();
  /** When each receive's answer came back from storage. */
  readonly answeredAt = new Map<JobType, number[]>();
  count(type: JobType): number {
    return this.at.get(type)?.length ?? 0;
  }
  /** The pause before the latest receive of `type`. */
  lastPause(type: JobType): number {
    const times = this.at.get(type) ?? [];
    return times.length < 2 ? 0 : times[times.length - 1] - times[times.length - 2];
  }
  /**
   * The worker's own waits: from each receive's answer to the next receive. Not from start to
   * start, which would add storage's round trip (over 50 ms on a loaded machine) to the wait.
   */
  pauses(type: JobType): number[] {
    const times = this.at.get(type) ?? [];
    const answered = this.answeredAt.get(type) ?? [];
    return times.slice(1, answered.length + 1).map((time, index) => time - answered[index]);
  }
}

/** Queues of their own in the shared Azurite. */
async function freshQueues(): Promise<JobQueues> {
  const queues = createJobQueues({ connectionString: inject('storageConnectionString'), prefix: `w${randomBytes(4).toString('hex')}-` });
  await queues.ensure();
  return queues;
}

/** `queues`, logging each receive; the real queue still answers it. */
function counted(queues: JobQueues): { queues: JobQueues; receives: ReceiveLog } {
  const receives = new ReceiveLog();
  return {
    receives,
    queues: {
      ...queues,
      receive(type, options) {
        receives.at.set(type, [...(receives.at.get(type) ?? []), Date.now()]);
        return queues.receive(type, options).finally(() => receives.answeredAt.set(type, [...(receives.answeredAt.get(type) ?? []), Date.now()]));
      },
    },
  };
}

function workerDeps(queues: JobQueues): JobWorkerDeps {
  return { db: database.db, queues, log, listen: (channel, onNotify, onListen) => database.sql.listen(channel, onNotify, onListen) };
}

function startWorker(deps: JobWorkerDeps, options: JobWorkerOptions): JobWorker {
  const worker = createJobWorker(deps, { idlePollMs: IDLE_CEILING_MS, ...options });
  worker.start();
  workers.push(worker);
  return worker;
}

function publishJob(handler: JobHandler): JobDefinition {
  return { type: 'story-publish', timeoutMs: 20_000, handler };
}

const completes: JobHandler = ({ report }) => report.complete(async () => ({ done: true }));

function start(deps: JobWorkerDeps, type: JobType = 'story-publish'): Promise<string> {
  return startJob(deps, { type, targetId: randomUUID(), ownerId, payload: {} }).then((started) => started.jobId);
}

async function statusOf(jobId: string): Promise<string> {
  const [row] = await database.sql<{ status: string }[]>`select status from jobs where id = ${jobId}`;
  return row.status;
}

function pickedUp(jobId: string, within: number) {
  return eventually(() => statusOf(jobId), (status) => status !== 'Queued', `job ${jobId} to leave Queued`, { timeoutMs: within, intervalMs: 10 });
}

/** The job's status events, oldest first, with the time their transaction began. */
function statusEvents(jobId: string) {
  return database.sql<{ status: string; message: string; at: number }[]>`
    select data->>'status' as status, data->>'message' as message, (extract(epoch from created_at) * 1000)::float8 as at
    from job_events where job_id = ${jobId} and kind = 'status' order by seq`;
}

describe('the run timeout', () => {
  it('fails a job past its type’s timeout at once, saying so, and aborts its handler', async () => {
    const deps = workerDeps(await freshQueues());
    let aborted = false;
    const waitsForever: JobHandler = (context) =>
      new Promise((_, reject) =>
        context.signal.addEventListener('abort', () => {
          aborted = true;
          reject(context.signal.reason);
        }, { once: true }),
      );
    startWorker(deps, { definitions: [{ type: 'story-publish', timeoutMs: 300, handler: waitsForever }] });
    const jobId = await start(deps);
    await until(async () => (await statusOf(jobId)) === 'Failed', 'the job to time out', 10_000);
    const [job] = await database.sql<{ error: string; dequeue_count: number }[]>`select error, dequeue_count from jobs where id = ${jobId}`;
    expect(job).toEqual({ error: 'The job timed out after 300 ms.', dequeue_count: 1 });
    expect(aborted).toBe(true);
  });
});

describe('the job worker, waking and idling', () => {
  it('picks up a job started while it idles deep in its backoff at once, woken by the NOTIFY', async () => {
    const { queues, receives } = counted(await freshQueues());
    const deps = workerDeps(queues);
    startWorker(deps, { definitions: [publishJob(completes)] });
    await until(() => receives.lastPause('story-publish') >= DEEP_PAUSE_MS, 'the worker to back off');

    const jobId = await start(deps);
    await pickedUp(jobId, WAKE_WITHIN_MS);
    await until(async () => (await statusOf(jobId)) === 'Completed', 'the job to complete', 10_000);
  });

  it('starts a failing job’s retry at its retry delay, not at the idle ceiling', async () => {
    const { queues, receives } = counted(await freshQueues());
    const deps = workerDeps(queues);
    const retryDelaySec = 1;
    const flaky: JobHandler = async (context) => {
      if (context.attempt > 1) return completes(context);
      // Fail only once the worker idles deep, so that only a look timed for the retry finds it soon.
      await until(() => receives.lastPause('story-publish') >= DEEP_PAUSE_MS, 'the worker to back off while the job runs');
      throw new Error('first attempt fails');
    };
    startWorker(deps, { definitions: [publishJob(flaky)], retryDelaySec });
    const jobId = await start(deps);
    await until(async () => (await statusEvents(jobId)).some((event) => event.message === 'Waiting to retry'), 'the first attempt to fail', 20_000);

    await until(async () => (await statusEvents(jobId)).filter((event) => event.status === 'Running').length === 2, 'the retry to start', retryDelaySec * 1000 + WAKE_WITHIN_MS);
    const events = await statusEvents(jobId);
    const failedAt = events.find((event) => event.message === 'Waiting to retry')?.at ?? 0;
    const retriedAt = events.filter((event) => event.status === 'Running')[1].at;
    expect(retriedAt - failedAt).toBeGreaterThanOrEqual(retryDelaySec * 1000 - 100);
    await until(async () => (await statusOf(jobId)) === 'Completed', 'the retry to complete', 10_000);
  });

  it('lets its receives fall to one per queue per idle ceiling, doubling from 50 ms', async () => {
    const { queues, receives } = counted(await freshQueues());
    const ceilingMs = 1_500;
    const types: JobType[] = ['story-publish', 'story-version'];
    startWorker(workerDeps(queues), { definitions: types.map((type) => ({ type, timeoutMs: 1_000, handler: completes })), idlePollMs: ceilingMs });
    // 50, 100, 200, 400, 800, then the ceiling three times.
    await until(() => types.every((type) => receives.count(type) >= 9), 'the worker to reach its ceiling', 30_000);

    for (const type of types) {
      const pauses = receives.pauses(type).slice(0, 8);
      const planned = pauses.map((_, index) => Math.min(50 * 2 ** index, ceilingMs));
      expect(pauses.every((pause, index) => pause >= planned[index] - 5)).toBe(true);
      // Each wait is the planned one (a timer may fire a little late), never a second receive.
      expect(pauses.every((pause, index) => pause < planned[index] * 2)).toBe(true);
      expect(planned.slice(-3)).toEqual([ceilingMs, ceilingMs, ceilingMs]);
    }
  });

  it('hands a job back when it stops mid-run, and an idle peer runs it at once', async () => {
    const shared = await freshQueues();
    const peer = counted(shared);
    const holdsOn: JobHandler = async (context) => {
      if (context.attempt > 1) return completes(context);
      return new Promise((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }));
    };
    const first = startWorker(workerDeps(shared), { definitions: [publishJob(holdsOn)], name: 'first' });
    const jobId = await start(workerDeps(shared));
    await pickedUp(jobId, WAKE_WITHIN_MS);
    startWorker(workerDeps(peer.queues), { definitions: [publishJob(holdsOn)], name: 'peer' });
    await until(() => peer.receives.lastPause('story-publish') >= DEEP_PAUSE_MS, 'the peer to back off');

    await first.stop();
    await until(
      async () => (await statusEvents(jobId)).some((event) => event.status === 'Running' && event.message.endsWith('on worker peer')),
      'the peer to run the job',
      WAKE_WITHIN_MS,
    );
    await until(async () => (await statusOf(jobId)) === 'Completed', 'the peer to complete the job', 10_000);
    const messages = (await statusEvents(jobId)).map((event) => `${event.status}: ${event.message}`);
    expect(messages).toEqual([
      'Queued: Waiting for a worker',
      'Running: Attempt 1 on worker first',
      'Queued: Worker first stopped; waiting for another worker',
      'Running: Attempt 2 on worker peer',
    ]);
  });

  it('wakes for a job the sweeper sends again', async () => {
    const { queues, receives } = counted(await freshQueues());
    const deps = workerDeps(queues);
    const jobId = await start(deps);
    const [lost] = await queues.receive('story-publish', { max: 1, visibilityTimeoutSec: 30 });
    await queues.delete('story-publish', lost);
    await database.sql`update jobs set heartbeat_at = now() - interval '10 minutes' where id = ${jobId}`;
    startWorker(deps, { definitions: [publishJob(completes)] });
    await until(() => receives.lastPause('story-publish') >= DEEP_PAUSE_MS, 'the worker to back off');

    const swept = await sweepStaleJobs(deps, { queuedStaleSec: 60, runningStaleSec: 60, maxRequeues: 5 });
    expect(swept.requeued).toEqual([jobId]);
    await pickedUp(jobId, WAKE_WITHIN_MS);
    await until(async () => (await statusOf(jobId)) === 'Completed', 'the job to complete', 10_000);
  });

  it('survives losing its listen connection and, listening again, looks at every queue and wakes as before', async () => {
    const { queues, receives } = counted(await freshQueues());
    const deps = workerDeps(queues);
    const types: JobType[] = ['story-publish', 'story-version'];
    startWorker(deps, { definitions: types.map((type) => ({ type, timeoutMs: 1_000, handler: completes })) });
    await until(() => types.every((type) => receives.lastPause(type) >= DEEP_PAUSE_MS), 'the worker to back off');
    const before = types.map((type) => receives.count(type));

    const [killed] = await database.sql<{ terminated: boolean }[]>`
      select pg_terminate_backend(pid) as terminated from pg_stat_activity
      where datname = current_database() and query ilike 'listen%'`;
    expect(killed?.terminated).toBe(true);
    await until(() => types.every((type, index) => receives.count(type) > before[index]), 'a look at every queue once listening again', WAKE_WITHIN_MS);

    const jobId = await start(deps, 'story-version');
    await pickedUp(jobId, WAKE_WITHIN_MS);
    await until(async () => (await statusOf(jobId)) === 'Completed', 'the job to complete', 10_000);
  });
});

describe('a failing job', () => {
  it('is retried, then failed on its last delivery with the handler’s own words, its message moved to the poison queue', async () => {
    const queues = await freshQueues();
    const deps = workerDeps(queues);
    let attempts = 0;
    const failing: JobHandler = async () => {
      attempts += 1;
      throw new Error(`renderer crashed (attempt ${attempts})`);
    };
    startWorker(deps, { definitions: [publishJob(failing)], retryDelaySec: 0, maxDeliveries: 3 });
    const jobId = await start(deps);
    await until(async () => (await statusOf(jobId)) === 'Failed', 'the job to fail for good', 40_000);
    await until(async () => (await queues.depth('story-publish')) === 0, 'its message to leave the queue');

    const [job] = await database.sql<{ error: string; dequeue_count: number }[]>`select error, dequeue_count from jobs where id = ${jobId}`;
    expect(job).toEqual({ error: 'renderer crashed (attempt 3)', dequeue_count: 3 });
    expect(attempts).toBe(3);
    expect((await queues.peekPoison('story-publish')).map((text) => JSON.parse(text).jobId)).toEqual([jobId]);
  });
});

describe('the message lease', () => {
  it('deletes the message of a job that completed while a visibility renewal was in flight, instead of retrying the finished job', async () => {
    const real = await freshQueues();
    const leaseSec = 3;
    let renewalSent!: () => void;
    const renewing = new Promise<void>((resolve) => (renewalSent = resolve));
    let answerRenewal!: () => void;
    const answered = new Promise<void>((resolve) => (answerRenewal = resolve));
    const deletes: Array<'deleted' | 'refused'> = [];
    const queues: JobQueues = {
      ...real,
      // The first renewal reaches storage, which changes the message's pop receipt; its answer is held back.
      async hide(type, message, visibilityTimeoutSec) {
        const receipt = await real.hide(type, message, visibilityTimeoutSec);
        if (visibilityTimeoutSec === leaseSec) {
          renewalSent();
          await answered;
        }
        return receipt;
      },
      delete: (type, message) =>
        real.delete(type, message).then(
          () => void deletes.push('deleted'),
          (error: unknown) => {
            deletes.push('refused');
            throw error;
          },
        ),
    };
    const completesMidRenewal: JobHandler = async ({ report }) => {
      await renewing;
      const completion = await report.complete(async () => ({ done: true }));
      // The renewal's answer arrives a turn of the event loop later: after all the worker does at once on completion,
      // which without the fix was to delete the message with the receipt the renewal had already replaced.
      setImmediate(answerRenewal);
      return completion;
    };
    const lines: string[] = [];
    const deps = { ...workerDeps(queues), log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line).msg) }) };
    const worker = startWorker(deps, { definitions: [publishJob(completesMidRenewal)], visibilityTimeoutSec: leaseSec });
    const jobId = await start(deps);
    await until(async () => (await statusOf(jobId)) === 'Completed' && deletes.length > 0, 'the job to complete and its message to be deleted', 10_000);
    await worker.stop();

    expect(deletes).toEqual(['deleted']);
    expect(lines).not.toContain('job attempt failed; will retry');
    expect(lines).toContain('job completed');
  });
});
