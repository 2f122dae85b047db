import { hostname } from 'node:os';
import type { JobType } from '@storyline/contracts';
import { JOB_CANCEL_CHANNEL } from '@storyline/db';
import type { JobDefinition } from '../job-handler';
import type { JobDeps } from '../start-job';
import { sweepStaleJobs, type SweepOptions } from '../sweep-stale-jobs';
import { createJobCancellers } from './job-cancellers';
import { listenForWakeups, type ListenToChannel, type WakeupListener } from './listen-for-wakeups';
import { createMessageLease, type MessageLease } from './message-lease';
import { createQueuePoller, type QueuePoller, type ReceiveOutcome } from './queue-poller';
import { runMessage } from './run-message';
import type { WorkerContext } from './worker-context';

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

/**
 * Consumes every defined job type's queue and runs each message's job through its handler
 * (see {@link runMessage}), at most `concurrency` at once. A queue is looked at when a
 * NOTIFY says a job was started, when a message this worker hid comes back, and otherwise
 * on an idle backoff; a cancel's NOTIFY aborts the job's handler.
 */
export function createJobWorker(deps: JobWorkerDeps, options: JobWorkerOptions): JobWorker {
  const concurrency = options.concurrency ?? 4;
  const shutdown = new AbortController();
  const running = new Set<Promise<void>>();
  const pollers = new Map<JobType, QueuePoller>();
  const worker: WorkerContext = {
    deps,
    name: options.name ?? `${hostname()}:${process.pid}`,
    visibilityTimeoutSec: options.visibilityTimeoutSec ?? 30,
    maxDeliveries: options.maxDeliveries ?? 3,
    retryDelaySec: options.retryDelaySec ?? 2,
    shutdown: shutdown.signal,
    cancellers: createJobCancellers(),
    wakeAt: (type, at) => pollers.get(type)?.wakeAt(at),
  };
  let listeners: WakeupListener[] = [];
  let sweeper: NodeJS.Timeout | undefined;

  const receive = async (definition: JobDefinition): Promise<ReceiveOutcome> => {
    const free = concurrency - running.size;
    if (free <= 0) return 'full';
    const { type } = definition;
    const received = await deps.queues.receive(type, { max: Math.min(free, 32), visibilityTimeoutSec: worker.visibilityTimeoutSec });
    if (shutdown.signal.aborted) {
      // Taken while stopping: let another worker have them now.
      await Promise.all(received.map((message) => deps.queues.hide(type, message, 0).catch(() => undefined)));
      return 0;
    }
    for (const message of received) run(definition, createMessageLease(deps.queues, type, message, { visibilityTimeoutSec: worker.visibilityTimeoutSec, log: deps.log }));
    return received.length;
  };

  const run = (definition: JobDefinition, lease: MessageLease) => {
    const task = runMessage(worker, definition, lease)
      .catch((error: unknown) => {
        deps.log.error({ err: error, type: definition.type }, 'message handling failed; it will be delivered again');
        // Its message reappears when the last renewal runs out: look then, not at the idle ceiling.
        worker.wakeAt(definition.type, lease.visibleAt);
      })
      .finally(() => {
        running.delete(task);
        for (const poller of pollers.values()) poller.capacityFreed();
      });
    running.add(task);
  };

  const listen = (listenTo: ListenToChannel): WakeupListener[] => [
    listenForWakeups(listenTo, {
      onWake: (type) => pollers.get(type as JobType)?.wake(),
      onRelisten: () => pollers.forEach((poller) => poller.look()),
      log: deps.log,
    }),
    listenForWakeups(listenTo, {
      channel: JOB_CANCEL_CHANNEL,
      onWake: (jobId) => worker.cancellers.abort(jobId),
      // Cancels committed while the channel was down were not heard: ask the database.
      onRelisten: () => void worker.cancellers.abortCancelled(deps.db).catch((error: unknown) => deps.log.warn({ err: error }, 'could not look for cancelled jobs')),
      log: deps.log,
    }),
  ];

  return {
    start() {
      for (const definition of options.definitions) {
        const poller = createQueuePoller({
          receive: () => receive(definition),
          idleMaxMs: options.idlePollMs ?? 30_000,
          onError: (error) => deps.log.warn({ err: error, type: definition.type }, 'queue receive failed; retrying'),
        });
        pollers.set(definition.type, poller);
      }
      if (deps.listen) listeners = listen(deps.listen);
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
      await Promise.all(listeners.map((listener) => listener.stop()));
      await receivesEnded;
      await Promise.allSettled([...running]);
    },
  };
}
