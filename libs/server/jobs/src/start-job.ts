import { and, eq, ne } from 'drizzle-orm';
import { DomainError, supersededMessage, type JobStarted, type JobType } from '@storyline/contracts';
import { jobs, type Db, type Tx } from '@storyline/db';
import type { JobQueues } from '@storyline/storage';
import type { Logger } from 'pino';
import { failJob } from './fail-job';
import { recordJobChange, wakeJobWorkers } from './record-job-change';

export interface StartJobRequest {
  type: JobType;
  targetId: string;
  ownerId: string;
  payload: Record<string, unknown>;
  /** Mark older jobs of the same type and target that still wait in the queue as superseded. */
  supersedeQueued?: boolean;
  /** The job this one continues (a fork's assets job names the fork). */
  parentJobId?: string;
  /** The message of its first (Queued) event; "Waiting for a worker" when absent. */
  queuedMessage?: string;
}

export interface JobDeps {
  db: Db;
  queues: JobQueues;
  log: Logger;
}

/**
 * Records a job and puts its message on the type's queue, answering as soon as both
 * hold. When the queue cannot be reached the job is failed on the spot, so nothing
 * is left waiting for a message that was never sent.
 */
export async function startJob(deps: JobDeps, request: StartJobRequest): Promise<JobStarted> {
  const { db, log } = deps;
  const jobId = await db.transaction((tx) => insertJob(tx, request));
  await enqueueJob(deps, { jobId, type: request.type });
  if (request.supersedeQueued) await supersedeOlderQueued(db, jobId, request);
  log.info({ jobId, type: request.type, targetId: request.targetId }, 'job queued');
  return { jobId, status: 'Queued' };
}

/**
 * Records a Queued job inside `tx`, so a job can queue its next step in the same
 * transaction that completes it; send its message with {@link enqueueJob} after the
 * commit. Should that send never happen, the sweeper re-enqueues the job.
 */
export async function insertJob(tx: Tx, request: StartJobRequest): Promise<string> {
  const [job] = await tx
    .insert(jobs)
    .values({ type: request.type, targetId: request.targetId, ownerId: request.ownerId, payload: request.payload, parentJobId: request.parentJobId })
    .returning({ id: jobs.id });
  const message = request.queuedMessage ?? 'Waiting for a worker';
  await recordJobChange(tx, job.id, { set: {}, event: { kind: 'status', status: 'Queued', message } });
  await wakeJobWorkers(tx, request.type);
  return job.id;
}

/** Puts a recorded job's message on its queue; when storage is unreachable the job is failed on the spot. */
export async function enqueueJob(deps: JobDeps, job: { jobId: string; type: JobType }): Promise<void> {
  const { db, queues, log } = deps;
  try {
    await queues.send(job.type, { jobId: job.jobId, type: job.type });
  } catch (error) {
    log.error({ jobId: job.jobId, err: error }, 'could not enqueue job');
    const reason = 'The job could not be queued because storage is unreachable. Please try again in a moment.';
    await db.transaction((tx) => failJob(tx, job.jobId, reason, ['Queued']));
    throw new DomainError('UNAVAILABLE', reason);
  }
}

async function supersedeOlderQueued(db: Db, jobId: string, request: StartJobRequest): Promise<void> {
  await db.transaction(async (tx) => {
    const older = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.type, request.type), eq(jobs.targetId, request.targetId), eq(jobs.status, 'Queued'), ne(jobs.id, jobId)));
    for (const { id } of older) {
      await recordJobChange(tx, id, {
        set: { status: 'Superseded', completedAt: new Date(), message: supersededMessage(jobId) },
        event: { kind: 'superseded', supersededBy: jobId },
        onlyIf: ['Queued'],
      });
    }
  });
}
