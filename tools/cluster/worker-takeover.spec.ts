import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@storyline/db/testing';
import { publishNewStory } from '@storyline/api-server/testing';
import { eventually } from '../testing/eventually';
import '../testing/provided-context';
import { seedDemoData } from '../start/seed-demo-data';
import { createClusterClient, loginCookie } from './cluster-client';
import { startCluster, type Cluster } from './start-cluster';

let database: TestDatabase;
let cluster: Cluster;

beforeAll(async () => {
  database = await createTestDatabase(inject('pgAdminUrl'));
  await seedDemoData(database.db);
  cluster = await startCluster({
    apis: 1,
    workers: 1,
    databaseUrl: database.url,
    storageConnectionString: inject('storageConnectionString'),
    queuePrefix: `k${randomBytes(3).toString('hex')}-`,
    workerEnv: { VISIBILITY_TIMEOUT_SEC: '3', WORKER_CONCURRENCY: '1' },
  });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  await database?.destroy();
});


describe('a worker killed with SIGKILL mid-job', () => {
  it('lets another worker take the job over when its message reappears; the job completes once with a consistent log', async () => {
    const [url] = cluster.apiUrls;
    const client = createClusterClient(() => url, url, await loginCookie(url, 'alice', 'alice-storyline'));
    // A publish renders one blob per page: 120 pages keep it running while the test strikes.
    const { storyId, jobId } = await publishNewStory(client, 120);

    await eventually(() => client.jobs.get.query({ jobId }), (job) => job.status === 'Running' && job.progress > 40, 'the first worker to be well into the job');
    const second = await cluster.startWorker();
    cluster.workers[0].child.kill('SIGKILL');
    const killedAt = Date.now();
    const done = await eventually(() => client.jobs.get.query({ jobId }), (job) => job.status !== 'Running' && job.status !== 'Queued', 'the job to end', { timeoutMs: 90_000 });
    console.log(`[takeover] job completed ${Date.now() - killedAt} ms after its worker was killed`);

    expect(done).toMatchObject({ status: 'Completed', result: { version: 1 }, dequeueCount: 2 });
    expect(second.child.exitCode).toBeNull();
    const events = await database.sql<{ seq: number; kind: string; data: { message?: string } }[]>`
      select seq, kind, data from job_events where job_id = ${jobId} order by seq`;
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.filter((event) => event.kind === 'completed')).toHaveLength(1);
    expect(events.some((event) => event.kind === 'warning' && /Taken over by another worker/.test(event.data.message ?? ''))).toBe(true);
    const versions = await database.sql`select version from story_versions where story_id = ${storyId}`;
    expect(versions).toEqual([{ version: 1 }]);
  }, 180_000);
});
