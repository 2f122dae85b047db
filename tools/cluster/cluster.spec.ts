import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { JobEvent, UserStreamMessage } from '@storyline/contracts';
import { createTestDatabase, type TestDatabase } from '@storyline/db/testing';
import { publishNewStory } from '@storyline/api-server/testing';
import { until } from '../testing/eventually';
import '../testing/provided-context';
import { seedDemoData } from '../start/seed-demo-data';
import { createClusterClient, loginCookie } from './cluster-client';
import { startBalancer } from './start-balancer';
import { startCluster, type Cluster } from './start-cluster';

let database: TestDatabase;
let cluster: Cluster;

beforeAll(async () => {
  database = await createTestDatabase(inject('pgAdminUrl'));
  await seedDemoData(database.db);
  cluster = await startCluster({
    apis: 2,
    workers: 2,
    databaseUrl: database.url,
    storageConnectionString: inject('storageConnectionString'),
    queuePrefix: `c${randomBytes(3).toString('hex')}-`,
    workerEnv: { WORKER_CONCURRENCY: '1' },
  });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  await database?.destroy();
});


describe('2 API and 2 worker processes behind a load balancer', () => {
  it('stream every event of jobs run by either worker, and a client resumes on B with nothing lost when A dies', async () => {
    const [urlA, urlB] = cluster.apiUrls;
    const balancer = await startBalancer([urlA, urlB]);
    const cookie = await loginCookie(urlA, 'alice', 'alice-storyline');
    const client = createClusterClient(() => balancer.url, urlB, cookie);

    const received: Array<{ id: string; data: UserStreamMessage }> = [];
    let killedAt = 0;
    let resumedAt = 0;
    const subscription = client.jobs.onMyJobs.subscribe(
      {},
      {
        onData: (message) => {
          received.push(message as (typeof received)[number]);
          if (killedAt && !resumedAt) resumedAt = Date.now();
        },
      },
    );
    await until(() => received.length > 0, 'the snapshot');

    const jobIds: string[] = [];
    for (let index = 0; index < 4; index += 1) jobIds.push((await publishNewStory(client, 12)).jobId);
    const events = () => received.flatMap((m) => (m.data.kind === 'event' ? [m.data.event as JobEvent] : []));
    await until(() => events().some((event) => event.kind === 'progress'), 'progress from a worker');

    cluster.apis[0].child.kill('SIGKILL');
    killedAt = Date.now();
    await until(
      () => jobIds.every((jobId) => events().some((event) => event.jobId === jobId && event.kind === 'completed')),
      'every job to complete on the stream',
      90_000,
    );
    subscription.unsubscribe();
    await balancer.close();

    for (const jobId of jobIds) {
      const stored = await database.sql<{ seq: number }[]>`select seq from job_events where job_id = ${jobId} order by seq`;
      const seen = events().filter((event) => event.jobId === jobId).map((event) => event.seq);
      expect(seen, `events of job ${jobId}`).toEqual(stored.map((row) => row.seq).filter((seq) => seq > 1 || seen.includes(1)));
    }
    const workers = new Set(
      events().flatMap((event) => (event.kind === 'status' && event.status === 'Running' ? [event.message?.split('on worker ')[1]] : [])),
    );
    expect(workers.size).toBe(2);
    console.log(`[cluster] API A killed; the stream resumed on API B after ${resumedAt - killedAt} ms`);
  }, 180_000);
});
