import { ZodError } from 'zod';
import type { JobFailure, JobRemedy, JobType, JobView } from '@storyline/contracts';
import type { Db } from '@storyline/db';
import type { Logger } from 'pino';
import type { JobCompletion, JobReporter } from './job-reporter';

export interface JobContext {
  job: JobView;
  /** The payload stored with the job; the handler parses it on its first line. */
  payload: unknown;
  db: Db;
  report: JobReporter;
  /** Aborted when the run timeout passes, the worker shuts down, or the job is cancelled (its reason then a `JobCancelledError`). */
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

/** How a {@link JobInputError} may be cured. */
export interface JobInputErrorOptions {
  /** What the user can do that a retry cannot (choose another file, fix the story). */
  remedy?: JobRemedy;
  /**
   * Whether the user's own Retry may succeed later (say, images still being copied), though
   * the worker does not retry it at once. Default false: the same input fails the same way.
   */
  retryable?: boolean;
}

/**
 * A failure the worker does not retry (a broken upload, a story that no longer exists):
 * the job fails at once with this message, which is written for the user, and says
 * whether the user's Retry can succeed or what can cure it instead.
 */
export class JobInputError extends Error {
  readonly failure: JobFailure;

  constructor(message: string, options: JobInputErrorOptions = {}) {
    super(message);
    this.name = 'JobInputError';
    this.failure = { retryable: options.retryable ?? false, remedy: options.remedy ?? null };
  }
}

/**
 * A run that passed its type's timeout. The job fails at once, without the worker's retry:
 * a job that ran that long once would most likely do it again, holding a worker each time.
 * The user may still retry it, when the service is less busy.
 */
export class JobTimedOutError extends JobInputError {
  constructor(readonly timeoutMs: number) {
    super(`The job timed out after ${formatDuration(timeoutMs)}.`, { retryable: true });
    this.name = 'JobTimedOutError';
  }
}

/** `90 s`, `5 min`, `1 h 30 min`: a duration as a person says it. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 1) return `${ms} ms`;
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/**
 * Whether no retry can cure `error`: a handler's {@link JobInputError}, or a payload that
 * fails its schema (an old message may carry an old shape; it will not change on a retry).
 */
export function isPermanentFailure(error: unknown): boolean {
  return error instanceof JobInputError || error instanceof ZodError;
}

/**
 * Whether the user's Retry of a job that failed with `error` can succeed, and what can
 * cure it otherwise: a handler's {@link JobInputError} says; a payload that fails its
 * schema never will; anything else (storage down, a crash) may pass.
 */
export function jobFailureOf(error: unknown): JobFailure {
  if (error instanceof JobInputError) return error.failure;
  if (error instanceof ZodError) return { retryable: false, remedy: null };
  return { retryable: true, remedy: null };
}

/**
 * The sentence a failed job shows its user. Messages of plain `Error`s and
 * {@link JobInputError}s are the handlers' own words; anything else (a storage or SQL
 * error) may carry URLs, queries or paths, so it is named by a reference the log also holds.
 */
export function jobFailureMessage(error: unknown, reference: string): string {
  if (error instanceof JobInputError) return error.message;
  if (error instanceof ZodError) return `The job's stored request is not valid: ${error.issues.map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`).join('; ')}`;
  // Node's system errors are plain `Error`s too, but carry a `code` (and often a path).
  if (error instanceof Error && Object.getPrototypeOf(error) === Error.prototype && !('code' in error)) return error.message;
  return `internal error (reference ${reference})`;
}
