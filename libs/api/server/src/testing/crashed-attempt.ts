import { createJobDefinitions, type FileJobServices } from '@storyline/job-handlers';
import { findJob, type JobReporter } from '@storyline/jobs';
import { log, type TestStack } from './test-stack';

/** Where a {@link crashedAttempt} stops: its completing transaction, or its first progress report. */
export type CrashPoint = 'complete' | 'first-progress';

/**
 * Runs a job's real handler once, outside any worker, and stops it dead at `crashAt` the way
 * a killed worker stops: the reporter's call there never returns, so none of the handler's
 * `catch` or `finally` runs and whatever it had stored stays behind. Resolves once the
 * handler got there (rejects if it failed before); the job row stays Queued and its message
 * stays on the queue, for a worker to take as a redelivery would.
 */
export async function crashedAttempt(stack: TestStack, jobId: string, crashAt: CrashPoint, services: FileJobServices = stack.fileServices): Promise<void> {
  const job = await findJob(stack.database.db, jobId);
  if (!job) throw new Error(`no job ${jobId}`);
  const definition = createJobDefinitions(services).find((candidate) => candidate.type === job.type);
  if (!definition) throw new Error(`no handler for ${job.type}`);
  const [{ payload }] = await stack.database.sql<{ payload: unknown }[]>`select payload from jobs where id = ${jobId}`;
  let crashed!: () => void;
  const reached = new Promise<void>((resolve) => (crashed = resolve));
  const dead = () => {
    crashed();
    return new Promise<never>(() => undefined);
  };
  const report: JobReporter = {
    phase: async () => undefined,
    progress: async () => (crashAt === 'first-progress' ? dead() : undefined),
    warn: async () => undefined,
    complete: async () => dead(),
  };
  const running = definition.handler({ job, payload, db: stack.database.db, report, signal: new AbortController().signal, log, attempt: 1 });
  await Promise.race([reached, running.then(() => Promise.reject(new Error(`${job.type} completed without reaching ${crashAt}`)))]);
}
