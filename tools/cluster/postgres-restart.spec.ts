import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createApi, type Api } from '@storyline/api-server';
import type { JobEvent, UserStreamMessage } from '@storyline/contracts';
import { createDatabase, migrateDatabase, type Database } from '@storyline/db';
import { startEmbeddedPostgres, type RunningPostgres } from '@storyline/db/embedded';
import { createJobDefinitions } from '@storyline/job-handlers';
import { createJobWorker, type JobWorker } from '@storyline/jobs';
import { publishNewStory } from '@storyline/api-server/testing';
import { until } from '../testing/eventually';
import '../testing/provided-context';
import { seedDemoData } from '../start/seed-demo-data';
import { createClusterClient, loginCookie } from './cluster-client';

const log = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});


describe('Postgres restarted in the middle of a job', () => {
  it('loses no event: the listener reconnects, the stream catches up and the job is taken over and completes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'storyline-restart-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const options = { dataDir: join(dir, 'postgres'), port: await getPort() };
    let pg: RunningPostgres = await startEmbeddedPostgres(options);
    cleanups.push(() => pg.stop());
    await migrateDatabase(pg.url);
    const setup = createDatabase(pg.url, { max: 1 });
    await seedDemoData(setup.db);
    await setup.close();

    const api: Api = await createApi({
      databaseUrl: pg.url,
      storageConnectionString: inject('storageConnectionString'),
      queuePrefix: `r${randomBytes(3).toString('hex')}-`,
      log,
    });
    cleanups.push(() => api.close());
    await Promise.all([api.queues.ensure(), api.blobs.ensure()]);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    const workerDb: Database = createDatabase(pg.url, { max: 4 });
    cleanups.push(() => workerDb.close());
    const worker: JobWorker = createJobWorker(
      { db: workerDb.db, queues: api.queues, log, listen: (channel, onNotify, onListen) => workerDb.sql.listen(channel, onNotify, onListen) },
      {
        definitions: createJobDefinitions({ db: workerDb.db, blobs: api.blobs, queues: api.queues, log, exportRetentionMs: 86_400_000, scratchDir: dir }),
        visibilityTimeoutSec: 3, retryDelaySec: 0, idlePollMs: 100 },
    );
    worker.start();
    cleanups.push(() => worker.stop());

    const client = createClusterClient(() => url, url, await loginCookie(url, 'alice', 'alice-storyline'));
    const received: UserStreamMessage[] = [];
    const subscription = client.jobs.onMyJobs.subscribe({}, { onData: ({ data }) => received.push(data as UserStreamMessage) });
    cleanups.push(async () => subscription.unsubscribe());
    await until(() => received.length > 0, 'the snapshot');

    // A publish renders one blob per page: 120 pages keep it running while the test strikes.
    const { storyId, jobId } = await publishNewStory(client, 120);
    const events = () => received.flatMap((m) => (m.kind === 'event' && m.event.jobId === jobId ? [m.event as JobEvent] : []));
    await until(() => events().some((event) => event.kind === 'progress'), 'the job to make progress');

    await pg.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    pg = await startEmbeddedPostgres(options);
    const restartedAt = Date.now();

    await until(() => events().some((event) => event.kind === 'completed' || event.kind === 'failed'), 'the job to end on the stream', 90_000);
    subscription.unsubscribe();
    const check = createDatabase(pg.url, { max: 1 });
    cleanups.push(() => check.close());
    const stored = await check.sql<{ seq: number; kind: string }[]>`select seq, kind from job_events where job_id = ${jobId} order by seq`;
    console.log(`[restart] job ended ${Date.now() - restartedAt} ms after Postgres came back; ${stored.length} events`);
    // The job began after the stream opened, so every one of its events travels on it.
    expect(events().map((event) => event.seq)).toEqual(stored.map((row) => row.seq));
    expect(stored.at(-1)?.kind).toBe('completed');
    expect(stored.map((row) => row.seq)).toEqual(stored.map((_, index) => index + 1));
    const versions = await check.sql`select version from story_versions where story_id = ${storyId}`;
    expect(versions).toEqual([{ version: 1 }]);
  }, 180_000);
});
