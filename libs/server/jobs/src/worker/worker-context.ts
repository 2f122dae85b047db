import type { JobType, JobView } from '@storyline/contracts';
import type { Logger } from 'pino';
import type { JobCancellers } from './job-cancellers';
import type { JobWorkerDeps } from './job-worker';
import type { MessageLease } from './message-lease';

/** What every part of one worker shares: its services, its settings, and the registries of the jobs it runs. */
export interface WorkerContext {
  deps: JobWorkerDeps;
  /** Names this worker in job events. */
  name: string;
  /** How long a received message stays hidden; renewed while its job runs. */
  visibilityTimeoutSec: number;
  /** The delivery on which a failing job is given up and its message poisoned. */
  maxDeliveries: number;
  /** How soon a failed attempt's message becomes visible again. */
  retryDelaySec: number;
  /** Aborted when the worker stops. */
  shutdown: AbortSignal;
  cancellers: JobCancellers;
  /** Looks at `type`'s queue at `at` (epoch ms), when a message this worker hid becomes visible again. */
  wakeAt(type: JobType, at: number): void;
}

/** One delivery of a job's message, claimed by this worker. */
export interface Attempt {
  job: JobView;
  lease: MessageLease;
  log: Logger;
}
