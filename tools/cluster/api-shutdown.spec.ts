import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { UserStreamMessage } from '@storyline/contracts';
import { createTestDatabase, type TestDatabase } from '@storyline/db/testing';
import '../testing/provided-context';
import { seedDemoData } from '../start/seed-demo-data';
import { createClusterClient, loginCookie } from './cluster-client';
import { startBalancer, type Balancer } from './start-balancer';
import { startCluster, type Cluster } from './start-cluster';

let database: TestDatabase;
let cluster: Cluster;
let balancer: Balancer;

beforeAll(async () => {
  database = await createTestDatabase(inject('pgAdminUrl'));
  await seedDemoData(database.db);
  cluster = await startCluster({ apis: 2, workers: 0, databaseUrl: database.url, storageConnectionString: inject('storageConnectionString'), logLevel: process.env['CLUSTER_LOG_LEVEL'] });
  balancer = await startBalancer(cluster.apiUrls);
}, 120_000);
afterAll(async () => {
  await balancer?.close();
  await cluster?.stop();
  await database?.destroy();
});

describe('an API process receiving SIGTERM', () => {
  it('finishes requests in flight, drops its streams so clients reconnect to another process, and exits', async () => {
    const cookie = await loginCookie(balancer.url, 'alice', 'alice-storyline');
    const client = createClusterClient(() => balancer.url, balancer.url, cookie);
    const received: UserStreamMessage[] = [];
    let stoppedAt = 0;
    let resumedAt = 0;
    const subscription = client.jobs.onMyJobs.subscribe(
      {},
      {
        onData: ({ data }) => {
          received.push(data as UserStreamMessage);
          if (stoppedAt && !resumedAt) resumedAt = Date.now();
        },
      },
    );
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received[0]?.kind).toBe('snapshot');

    // A login hashes a password for tens of milliseconds (argon2): sent 20 ms before the
    // signal, it has arrived and is still being handled when the signal lands.
    const inFlight = fetch(`${cluster.apiUrls[0]}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: 'bob-storyline' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    cluster.apis[0].child.kill('SIGTERM');
    stoppedAt = Date.now();

    expect((await inFlight).status).toBe(200);
    await cluster.apis[0].exited;
    expect(cluster.apis[0].child.exitCode).toBe(0);
    while (!resumedAt && Date.now() < stoppedAt + 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
    subscription.unsubscribe();
    expect(resumedAt, 'the stream resumed on the other API').toBeGreaterThan(0);
    expect(received.at(-1)?.kind).toBe('flags');
    console.log(`[shutdown] API stopped; its stream resumed on the other API after ${resumedAt - stoppedAt} ms`);
  }, 60_000);
});
