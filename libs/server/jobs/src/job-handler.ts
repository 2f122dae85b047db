import type { JobType, JobView } from '@storyline/contracts';
import type { Db } from '@storyline/db';
import type { Logger } from 'pino';
import type { JobCompletion, JobReporter } from './job-reporter';

export interface JobContext {
  job: JobView;
  /** The payload stored with the job; the handler parses it on its first line. */
  payload: unknown;
  db: Db;
  report: JobReporter;
  /** Aborted when the run timeout passes or the worker shuts down. */
  signal: AbortSignal;
  log: Logger;
  /** 1 for the first delivery of the job's message, 2 for the first retry, … */
  attempt: number;
}

/** Runs one job to completion; must be idempotent, since a message can arrive twice. */
export type JobHandler = (context: JobContext) => Promise<JobCompletion>;

export interface JobDefinition {
  type: JobType;
  handler: JobHandler;
  /** The longest one run may take before it is aborted and counted as a failed attempt. */
  timeoutMs: number;
}
