import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { eq, lt, sql } from 'drizzle-orm';
import { isTerminalStatus, JobMessage, type JobType, type JobView } from '@storyline/contracts';
import { JOB_CANCEL_CHANNEL, jobs } from '@storyline/db';
import type { ReceivedJobMessage } from '@storyline/storage';
import { JobCancelledError } from './cancel-job';
import { createJobCancellers } from './job-cancellers';
import { isPermanentFailure, jobFailureMessage, type JobDefinition } from './job-handler';
import { createJobReporter, JobNotRunningError } from './job-reporter';
import { toJobView } from './job-view';
import { listenForWakeups, type ListenToChannel, type WakeupListener } from './listen-for-wakeups';
import { createQueuePoller, type QueuePoller, type ReceiveOutcome } from './queue-poller';
import { findJob } from './read-jobs';
import { recordJobChange, wakeJobWorkers } from './record-job-change';
import { runAborted } from './run-aborted';
import type { JobDeps } from './start-job';
import { sweepStaleJobs, type SweepOptions } from './sweep-stale-jobs';

export interface JobWorkerOptions {
  definitions: JobDefinition[];
  /** Jobs run at once by this process, over all types. */
  concurrency?: number;
  /** How long a received message stays hidden; renewed while its job runs. */
  visibilityTimeoutSec?: number;
  /** The delivery on which a failing job is given up and its message poisoned. */
  maxDeliveries?: number;
  /** How soon a failed attempt's message becomes visible again. */
  retryDelaySec?: number;
  /**
   * Longest pause between two looks at an idle queue; 30 s by default. New jobs and
   * re-sent ones wake the worker at once (see {@link JobWorkerDeps.listen}), and retries
   * are looked for when they become visible, so this bounds only what nobody announces:
   * a crashed peer's message, visible again `visibilityTimeoutSec` after its last
   * renewal, is taken over at most this much later.
   */
  idlePollMs?: number;
  /** Names this worker in job events; host and process id by default. */
  name?: string;
  /** Look for stale jobs this often (see {@link sweepStaleJobs}); off when absent. */
  sweep?: SweepOptions & { intervalMs: number };
}

export interface JobWorkerDeps extends JobDeps {
  /**
   * Listens on a Postgres channel (postgres.js's `sql.listen`): a job started anywhere
   * then wakes the worker at once. Without it the worker finds jobs by its idle backoff only.
   */
  listen?: ListenToChannel;
}

export interface JobWorker {
  start(): void;
  /** Stops taking messages and waits for running jobs to end. */
  stop(): Promise<void>;
}

/** Consumes every defined job type's queue and runs each message's job through its handler. */
export function createJobWorker(deps: JobWorkerDeps, options: JobWorkerOptions): JobWorker {
  const concurrency = options.concurrency ?? 4;
  const visibilityTimeoutSec = options.visibilityTimeoutSec ?? 30;
  const maxDeliveries = options.maxDeliveries ?? 3;
  const retryDelaySec = options.retryDelaySec ?? 2;
  const idlePollMs = options.idlePollMs ?? 30_000;
  // The heartbeat is renewed every third of the visibility timeout; half of it unrenewed means the worker is gone.
  const takeoverAfterSec = visibilityTimeoutSec / 2;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const shutdown = new AbortController();
  const running = new Set<Promise<void>>();
  const pollers = new Map<JobType, QueuePoller>();
  let wakeups: WakeupListener | undefined;
  let cancels: WakeupListener | undefined;
  const cancellers = createJobCancellers();
  let sweeper: NodeJS.Timeout | undefined;

  const receive = async (definition: JobDefinition): Promise<ReceiveOutcome> => {
    const free = concurrency - running.size;
    if (free <= 0) return 'full';
    const received = await deps.queues.receive(definition.type, { max: Math.min(free, 32), visibilityTimeoutSec });
    if (shutdown.signal.aborted) {
      // Taken while stopping: let another worker have them now.
      await Promise.all(received.map((message) => deps.queues.hide(definition.type, message, 0).catch(() => undefined)));
      return 0;
    }
    const visibleAt = Date.now() + visibilityTimeoutSec * 1000;
    for (const message of received) run(definition, message, { visibleAt });
    return received.length;
  };

  const run = (definition: JobDefinition, message: ReceivedJobMessage, lease: Lease) => {
    const task = handleMessage(definition, message, lease)
      .catch((error: unknown) => {
        deps.log.error({ err: error, type: definition.type }, 'message handling failed; it will be delivered again');
        // Its message reappears when the last renewal runs out: look then, not at the idle ceiling.
        pollers.get(definition.type)?.wakeAt(lease.visibleAt);
      })
      .finally(() => {
        running.delete(task);
        for (const poller of pollers.values()) poller.capacityFreed();
      });
    running.add(task);
  };

  const handleMessage = async (definition: JobDefinition, message: ReceivedJobMessage, lease: Lease) => {
    const { type } = definition;
    let parsed: JobMessage;
    try {
      parsed = JobMessage.parse(JSON.parse(message.text));
    } catch {
      deps.log.error({ type, messageId: message.messageId }, 'malformed queue message moved to poison queue');
      await deps.queues.poison(type, message.text);
      await deps.queues.delete(type, message);
      return;
    }
    const log = deps.log.child({ jobId: parsed.jobId, type, attempt: message.dequeueCount });
    const job = await findJob(deps.db, parsed.jobId);
    if (!job || isTerminalStatus(job.status)) {
      log.info({ status: job?.status ?? 'missing' }, 'message for a finished job dropped');
      await deps.queues.delete(type, message);
      return;
    }
    // Listening before the job is Running, so a cancel committed right after the start is not missed.
    const cancelled = cancellers.add(job.id);
    try {
      await runJob(definition, message, lease, { job, cancelled: cancelled.signal, log });
    } finally {
      cancelled.done();
    }
  };

  const runJob = async (
    definition: JobDefinition,
    message: ReceivedJobMessage,
    lease: Lease,
    { job, cancelled, log }: { job: JobView; cancelled: AbortSignal; log: JobDeps['log'] },
  ) => {
    const { type } = definition;
    const started = await deps.db.transaction(async (tx) => {
      if (job.status === 'Running') {
        // Take the job over only from a worker that stopped renewing it; a message for a
        // job that is alive elsewhere is a duplicate (the sweeper may have sent one).
        const takenOver = await recordJobChange(tx, job.id, {
          set: { dequeueCount: message.dequeueCount },
          event: { kind: 'warning', message: `Taken over by another worker (delivery ${message.dequeueCount})` },
          onlyIf: ['Running'],
          andWhere: lt(jobs.heartbeatAt, sql`now() - make_interval(secs => ${takeoverAfterSec})`),
        });
        if (!takenOver) return null;
      }
      return recordJobChange(tx, job.id, {
        set: { status: 'Running', dequeueCount: message.dequeueCount, startedAt: new Date(), error: null, message: 'Running' },
        event: { kind: 'status', status: 'Running', message: `Attempt ${message.dequeueCount} on worker ${name}` },
        onlyIf: ['Queued', 'Running'],
      });
    });
    if (!started) {
      log.info({ status: job.status }, 'duplicate message for a job running elsewhere dropped');
      await deps.queues.delete(type, message);
      return;
    }
    log.info('job running');
    let receipt = message.popReceipt;
    const keepHidden = setInterval(() => {
      deps.queues
        .hide(type, { messageId: message.messageId, popReceipt: receipt }, visibilityTimeoutSec)
        .then((next) => {
          receipt = next;
          lease.visibleAt = Date.now() + visibilityTimeoutSec * 1000;
        })
        .catch((error) => log.warn({ err: error }, 'could not renew message visibility'));
      // The heartbeat also catches a cancel whose NOTIFY this worker missed.
      void deps.db
        .update(jobs)
        .set({ heartbeatAt: sql`now()` })
        .where(eq(jobs.id, job.id))
        .returning({ status: jobs.status })
        .then(([row]) => {
          if (row?.status === 'Cancelled') cancellers.abort(job.id);
        })
        .catch(() => undefined);
    }, (visibilityTimeoutSec * 1000) / 3);
    const signal = AbortSignal.any([shutdown.signal, cancelled, AbortSignal.timeout(definition.timeoutMs)]);
    try {
      const [row] = await deps.db.select().from(jobs).where(eq(jobs.id, job.id));
      await runAborted(
        definition.handler({
          job: toJobView(row),
          payload: row.payload,
          db: deps.db,
          report: createJobReporter(deps.db, job.id, message.dequeueCount),
          signal,
          log,
          attempt: message.dequeueCount,
        }),
        signal,
        definition.timeoutMs,
      );
      clearInterval(keepHidden);
      await deps.queues.delete(type, { messageId: message.messageId, popReceipt: receipt });
      log.info('job completed');
    } catch (error) {
      clearInterval(keepHidden);
      // If the database or the queue is unreachable here, the message stays hidden until
      // its timeout and is delivered again; the job is then taken over.
      await settleFailure(type, job.id, { ...message, popReceipt: receipt }, cancelled.aborted ? cancelled.reason : error, log);
    }
  };

  const settleFailure = async (
    type: JobType,
    jobId: string,
    message: ReceivedJobMessage,
    error: unknown,
    log: JobDeps['log'],
  ) => {
    if (error instanceof JobNotRunningError) {
      log.info(error instanceof JobCancelledError ? 'job cancelled; handler aborted and message dropped' : 'job stopped running under its handler; message dropped');
      await deps.queues.delete(type, message);
      return;
    }
    if (shutdown.signal.aborted) {
      await handBack(type, jobId, message, log);
      return;
    }
    const reference = randomBytes(4).toString('hex');
    const reason = jobFailureMessage(error, reference);
    if (isPermanentFailure(error)) {
      log.warn({ reason }, 'job refused its input; failed without retry');
      await deps.db.transaction((tx) =>
        recordJobChange(tx, jobId, {
          set: { status: 'Failed', error: reason, completedAt: new Date(), message: null },
          event: { kind: 'failed', error: reason },
          onlyIf: ['Running'],
        }),
      );
      await deps.queues.delete(type, message);
      return;
    }
    if (message.dequeueCount >= maxDeliveries) {
      log.error({ err: error, reference }, 'job failed for the last time; message moved to poison queue');
      await deps.db.transaction((tx) =>
        recordJobChange(tx, jobId, {
          set: { status: 'Failed', error: reason, completedAt: new Date(), message: null },
          event: { kind: 'failed', error: reason },
          onlyIf: ['Running'],
        }),
      );
      await deps.queues.poison(type, message.text);
      await deps.queues.delete(type, message);
      return;
    }
    log.warn({ err: error, reference }, 'job attempt failed; will retry');
    await deps.db.transaction(async (tx) => {
      await recordJobChange(tx, jobId, {
        set: { message: `Attempt ${message.dequeueCount} failed: ${reason}` },
        event: { kind: 'warning', message: `Attempt ${message.dequeueCount} of ${maxDeliveries} failed: ${reason}. Retrying.` },
        onlyIf: ['Running'],
      });
      await recordJobChange(tx, jobId, {
        set: { status: 'Queued', phase: null, progress: 0 },
        event: { kind: 'status', status: 'Queued', message: 'Waiting to retry' },
        onlyIf: ['Running'],
      });
    });
    await deps.queues.hide(type, message, retryDelaySec);
    pollers.get(type)?.wakeAt(Date.now() + retryDelaySec * 1000);
  };

  /**
   * Gives a job this stopping worker was running back to the queue. A peer takes over a
   * Running job only once its heartbeat is stale, so the job is made Queued first and
   * the peers are woken; then its message is made visible at once.
   */
  const handBack = async (type: JobType, jobId: string, message: ReceivedJobMessage, log: JobDeps['log']) => {
    const handedBack = await deps.db
      .transaction(async (tx) => {
        const event = await recordJobChange(tx, jobId, {
          set: { status: 'Queued', phase: null, progress: 0, message: 'Waiting for another worker' },
          event: { kind: 'status', status: 'Queued', message: `Worker ${name} stopped; waiting for another worker` },
          onlyIf: ['Running'],
        });
        if (event) await wakeJobWorkers(tx, type);
        return event !== null;
      })
      .catch(() => false);
    if (!handedBack) {
      // Its message reappears when its visibility runs out, and a peer then takes the job over.
      log.warn('worker stopping; job left to be taken over');
      return;
    }
    log.warn('worker stopping; job handed back to the queue');
    await deps.queues.hide(type, message, 0).catch(() => undefined);
  };

  return {
    start() {
      for (const definition of options.definitions) {
        const poller = createQueuePoller({
          receive: () => receive(definition),
          idleMaxMs: idlePollMs,
          onError: (error) => deps.log.warn({ err: error, type: definition.type }, 'queue receive failed; retrying'),
        });
        pollers.set(definition.type, poller);
      }
      if (deps.listen) {
        wakeups = listenForWakeups(deps.listen, {
          onWake: (type) => pollers.get(type as JobType)?.wake(),
          onRelisten: () => pollers.forEach((poller) => poller.look()),
          log: deps.log,
        });
        cancels = listenForWakeups(deps.listen, {
          channel: JOB_CANCEL_CHANNEL,
          onWake: (jobId) => cancellers.abort(jobId),
          // Cancels committed while the channel was down were not heard: ask the database.
          onRelisten: () => void cancellers.abortCancelled(deps.db).catch((error: unknown) => deps.log.warn({ err: error }, 'could not look for cancelled jobs')),
          log: deps.log,
        });
      }
      const sweep = options.sweep;
      if (sweep) {
        sweeper = setInterval(() => {
          sweepStaleJobs(deps, sweep).catch((error: unknown) => deps.log.warn({ err: error }, 'sweeping stale jobs failed'));
        }, sweep.intervalMs);
      }
    },
    async stop() {
      clearInterval(sweeper);
      shutdown.abort();
      const receivesEnded = Promise.allSettled([...pollers.values()].map((poller) => poller.stop()));
      await Promise.all([wakeups?.stop(), cancels?.stop()]);
      await receivesEnded;
      await Promise.allSettled([...running]);
    },
  };
}

/** When a received message becomes visible again unless renewed (epoch ms). */
interface Lease {
  visibleAt: number;
}
