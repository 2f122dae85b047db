import { spawn } from 'node:child_process';
import { eq } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApi, type Api } from '@storyline/api-server';
import type { UserStreamMessage } from '@storyline/contracts';
import { jobs, users } from '@storyline/db';
import { createTestDatabase, type TestDatabase } from '@storyline/db/testing';
import pino from 'pino';
import '../testing/provided-context';
import { seedDemoData } from '../start/seed-demo-data';
import { createClusterClient, loginCookie, type ClusterClient } from './cluster-client';

const root = fileURLToPath(new URL('../..', import.meta.url));
const WRITERS = 3;
const EVENTS_PER_WRITER = 250;

let database: TestDatabase;
let api: Api;
let baseUrl: string;

beforeAll(async () => {
  database = await createTestDatabase(inject('pgAdminUrl'));
  await seedDemoData(database.db);
  api = await createApi({ databaseUrl: database.url, storageConnectionString: inject('storageConnectionString'), log: pino({ level: 'silent' }) });
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await api?.close();
  await database?.destroy();
});

function runWriter(jobIds: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/cluster/write-events.ts'], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json', DATABASE_URL: database.url, JOB_IDS: jobIds.join(','), EVENTS: String(EVENTS_PER_WRITER) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/**
 * Subscribes from `lastEventId` and disconnects `stayMs` after the first message (every
 * subscribe starts with one: the snapshot, or the flags on a resume).
 */
function connectFor(client: ClusterClient, lastEventId: string | undefined, stayMs: number) {
  return new Promise<{ messages: Array<{ id: string; data: UserStreamMessage }>; firstAfterMs: number | null }>((resolve, reject) => {
    const messages: Array<{ id: string; data: UserStreamMessage }> = [];
    const openedAt = Date.now();
    let firstAfterMs: number | null = null;
    const subscription = client.jobs.onMyJobs.subscribe(
      { lastEventId },
      {
        onData: (message) => {
          if (firstAfterMs === null) {
            firstAfterMs = Date.now() - openedAt;
            clearTimeout(giveUp);
            setTimeout(finish, stayMs);
          }
          messages.push(message as (typeof messages)[number]);
        },
        onError: reject,
      },
    );
    const finish = () => {
      subscription.unsubscribe();
      resolve({ messages, firstAfterMs });
    };
    const giveUp = setTimeout(finish, 10_000);
  });
}

describe('the per-user stream under concurrent writers', () => {
  it('neither skips, repeats nor reorders an event across many reconnects while several processes commit out of order', async () => {
    const [alice] = await database.db.select().from(users).where(eq(users.username, 'alice'));
    const created = await database.db
      .insert(jobs)
      .values(Array.from({ length: 8 }, () => ({ type: 'story-publish' as const, targetId: alice.id, ownerId: alice.id, status: 'Running' as const, payload: {} })))
      .returning({ id: jobs.id });
    const jobIds = created.map((job) => job.id);
    const client = createClusterClient(() => baseUrl, baseUrl, await loginCookie(baseUrl, 'alice', 'alice-storyline'));

    const first = await connectFor(client, undefined, 200);
    expect(first.messages[0].data.kind).toBe('snapshot');
    let cursor = first.messages.at(-1)?.id;
    const seen = new Map<string, number>();
    /** Per job, the newest seq received: a lower one after it arrived out of order. */
    const newest = new Map<string, number>();
    let outOfOrder = 0;
    const resumeTimes: number[] = [];
    const take = (messages: Array<{ id: string; data: UserStreamMessage }>) => {
      for (const message of messages) {
        cursor = message.id;
        if (message.data.kind !== 'event') continue;
        const { jobId, seq } = message.data.event;
        const key = `${jobId}:${seq}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (seq < (newest.get(jobId) ?? 0)) outOfOrder += 1;
        newest.set(jobId, Math.max(seq, newest.get(jobId) ?? 0));
      }
    };
    take(first.messages);

    let writing = true;
    const writers = Promise.all(Array.from({ length: WRITERS }, () => runWriter(jobIds))).finally(() => (writing = false));
    const total = WRITERS * EVENTS_PER_WRITER;
    let reconnects = 0;
    const deadline = Date.now() + 120_000;
    while ((writing || seen.size < total) && Date.now() < deadline) {
      const { messages, firstAfterMs } = await connectFor(client, cursor, 20 + Math.floor(Math.random() * 130));
      reconnects += 1;
      if (firstAfterMs !== null) resumeTimes.push(firstAfterMs);
      take(messages);
    }
    expect(await writers).toEqual(Array(WRITERS).fill(0));

    const stored = await database.sql<{ key: string }[]>`
      select job_id || ':' || seq as key from job_events where job_id in ${database.sql(jobIds)}`;
    const lost = stored.filter((row) => !seen.has(row.key)).length;
    const doubled = [...seen.values()].filter((times) => times > 1).length;
    const median = [...resumeTimes].sort((a, b) => a - b)[Math.floor(resumeTimes.length / 2)];
    console.log(
      `[feed] ${stored.length} events from ${WRITERS} writer processes, ${reconnects} reconnects: ${lost} lost, ${doubled} doubled, ${outOfOrder} out of order; median reconnect-to-first-message ${median} ms`,
    );
    expect(stored).toHaveLength(total);
    expect({ lost, doubled, outOfOrder }).toEqual({ lost: 0, doubled: 0, outOfOrder: 0 });
    expect(reconnects).toBeGreaterThan(20);
  }, 180_000);
});
