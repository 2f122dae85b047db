import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { asc, eq } from 'drizzle-orm';
import { inject } from 'vitest';
import type { JobEvent, JobType, JobView } from '@storyline/contracts';
import { jobEvents, users } from '@storyline/db';
import { createTestDatabase, type TestDatabase } from '@storyline/db/testing';
import { createJobWorker, findJob, startJob, toJobEvent, type JobDefinition, type JobWorker } from '@storyline/jobs';
import { createBlobStore, createJobQueues, type BlobContainer } from '@storyline/storage';
import pino from 'pino';
import '../../../../../tools/testing/provided-context';
import { eventually } from '../../../../../tools/testing/eventually';
import type { FileJobServices } from '../file-job-services';
import { createJobDefinitions } from '../index';

export const log = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

/** A job as a redelivery test sees it: its row, its events, and what else it changed. */
export interface Redelivered<T> {
  job: unknown;
  events: JobEvent[];
  effects: T;
}

/** What a handler test runs on: a database of its own, blobs and queues of its own in the shared Azurite, and workers. */
export interface HandlerStack {
  database: TestDatabase;
  /** The services the worker's handlers get; their scratch dir is the stack's own. */
  services: FileJobServices;
  /** The user every fixture and job of the stack belongs to. */
  ownerId: string;
  /** Starts a worker of `definitions` (this lib's own over {@link services} by default); {@link close} stops it. */
  startWorker(definitions?: JobDefinition[]): JobWorker;
  /** Stops every worker started so far, so the next job waits on its queue. */
  stopWorkers(): Promise<void>;
  /** Starts a job as the API does, through the jobs lib's `startJob`; answers its id. */
  startJob(type: JobType, targetId: string, payload: Record<string, unknown>, options?: { supersedeQueued?: boolean }): Promise<string>;
  /** The job once it is neither Queued nor Running (a retry in between does not end it). */
  jobEnded(jobId: string): Promise<JobView>;
  /** The job's events, oldest first, as the event log holds them. */
  events(jobId: string): Promise<JobEvent[]>;
  /** Waits until no message is left on `type`'s queue, visible or hidden. */
  queueDrained(type: JobType): Promise<void>;
  /**
   * Sends a completed job's message again, as a duplicate delivery would, and waits for the
   * worker to take it off the queue. Answers the job row, its events and what `effects`
   * reads (what the job changed besides itself), before and after.
   */
  redeliver<T>(job: Pick<JobView, 'id' | 'type'>, effects: () => Promise<T>): Promise<{ before: Redelivered<T>; after: Redelivered<T> }>;
  /** The names of the blobs under `prefix` in `container`, sorted. */
  blobsUnder(container: BlobContainer, prefix: string): Promise<string[]>;
  /** A blob's bytes. */
  readBlob(container: BlobContainer, name: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** Starts a handler stack; `services` replaces some of the worker's services (a counting blob store, tighter limits). */
export async function startHandlerStack(options: { services?: (base: FileJobServices) => Partial<FileJobServices> } = {}): Promise<HandlerStack> {
  const database = await createTestDatabase(inject('pgAdminUrl'));
  const prefix = `h${randomBytes(4).toString('hex')}-`;
  const blobs = createBlobStore({ connectionString: inject('storageConnectionString'), prefix });
  const queues = createJobQueues({ connectionString: inject('storageConnectionString'), prefix });
  await Promise.all([blobs.ensure(), queues.ensure()]);
  const scratchDir = await mkdtemp(join(tmpdir(), 'storyline-handlers-'));
  const base: FileJobServices = { db: database.db, blobs, queues, log, exportRetentionMs: 7 * 86_400_000, scratchDir };
  const services: FileJobServices = { ...base, ...options.services?.(base) };
  const [{ id: ownerId }] = await database.db.insert(users).values({ username: 'alice', passwordHash: 'unused' }).returning({ id: users.id });
  const workers: JobWorker[] = [];
  const deps = { db: database.db, queues, log };
  const events = async (jobId: string) =>
    (await database.db.select().from(jobEvents).where(eq(jobEvents.jobId, jobId)).orderBy(asc(jobEvents.seq))).map(toJobEvent);
  const queueDrained = async (type: JobType) => {
    await eventually(() => queues.depth(type), (depth) => depth === 0, `the ${type} queue to drain`, { timeoutMs: 15_000 });
  };

  return {
    database,
    services,
    ownerId,
    startWorker(definitions = createJobDefinitions(services)) {
      const worker = createJobWorker(
        { ...deps, listen: (channel, onNotify, onListen) => database.sql.listen(channel, onNotify, onListen) },
        { definitions, retryDelaySec: 0, maxDeliveries: 3 },
      );
      worker.start();
      workers.push(worker);
      return worker;
    },
    async stopWorkers() {
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    },
    async startJob(type, targetId, payload, { supersedeQueued } = {}) {
      return (await startJob(deps, { type, targetId, ownerId, payload, supersedeQueued })).jobId;
    },
    async jobEnded(jobId) {
      const job = await eventually(() => findJob(database.db, jobId), (seen) => seen !== null && !['Queued', 'Running'].includes(seen.status), `job ${jobId} to end`, {
        timeoutMs: 30_000,
      });
      return job!;
    },
    events,
    queueDrained,
    async redeliver({ id, type }, effects) {
      const snapshot = async () => ({
        job: await database.sql`select status, last_seq, dequeue_count, completed_at, result from jobs where id = ${id}`,
        events: await events(id),
        effects: await effects(),
      });
      await queueDrained(type);
      const before = await snapshot();
      await queues.send(type, { jobId: id, type });
      await queueDrained(type);
      return { before, after: await snapshot() };
    },
    async blobsUnder(container, prefix) {
      const names: string[] = [];
      for await (const name of blobs.list(container, prefix)) names.push(name);
      return names.sort();
    },
    async readBlob(container, name) {
      return buffer(await blobs.read(container, name));
    },
    async close() {
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));
      await database.destroy();
      await rm(scratchDir, { recursive: true, force: true });
    },
  };
}
