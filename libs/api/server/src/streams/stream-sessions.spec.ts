import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserStreamMessage } from '@storyline/contracts';
import { createSession, SESSION_COOKIE } from '@storyline/api-router';
import { createApi, type Api } from '../http/create-api';
import { log, openRawStream, startTestStack, type RawStream, type TestStack } from '../testing';
import { until } from '../../../../../tools/testing/eventually';
import { inject } from 'vitest';
import type { AddressInfo } from 'node:net';

let stack: TestStack;
let second: Api;
let secondUrl: string;

beforeAll(async () => {
  stack = await startTestStack({ streamLimits: { maxStreams: 8, maxStreamsPerUser: 3 } });
  // A second API process on the same database: logging out on one ends streams on the other.
  second = await createApi({ databaseUrl: stack.database.url, storageConnectionString: inject('storageConnectionString'), log });
  await new Promise<void>((resolve) => second.server.listen(0, '127.0.0.1', resolve));
  secondUrl = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await second?.close();
  await stack?.close();
});

const live = (stream: RawStream) => stream.messages<UserStreamMessage>().some((m) => m.data.kind === 'snapshot');
const errorOf = (stream: RawStream) => {
  const frame = stream.frames().find((f) => f.event === 'serialized-error');
  return frame?.data ? (JSON.parse(frame.data) as { message: string; data: { code: string } }) : null;
};
const logout = (cookie: string) => fetch(`${stack.baseUrl}/trpc/auth.logout`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });

describe('streams and sessions', () => {
  it('ends the session’s streams on every API process within a second of logging out, and only that session’s', async () => {
    const [cookie, otherCookie] = [await stack.loginCookie('alice'), await stack.loginCookie('alice')];
    const here = openRawStream(stack.baseUrl, { cookie });
    const there = openRawStream(secondUrl, { cookie });
    const otherSession = openRawStream(stack.baseUrl, { cookie: otherCookie });
    await until(() => [here, there, otherSession].every(live), 'all three streams live');
    const lastId = here.messages().at(-1)?.id as string;
    const loggedOut = Date.now();
    expect((await logout(cookie)).status).toBe(200);
    await until(() => errorOf(here) !== null && errorOf(there) !== null, 'both streams of the session ended', 1_000);
    expect(Date.now() - loggedOut).toBeLessThan(1_000);
    expect(errorOf(here)).toMatchObject({ message: 'You have logged out.', data: { code: 'UNAUTHORIZED' } });
    expect(errorOf(otherSession)).toBeNull();

    const resumed = openRawStream(stack.baseUrl, { cookie, lastEventId: lastId });
    await until(() => errorOf(resumed) !== null, 'the resumed stream refused');
    expect(errorOf(resumed)?.data.code).toBe('UNAUTHORIZED');
    for (const stream of [here, there, otherSession, resumed]) stream.socket.destroy();
  });

  it('ends the streams of a session that ended while the session listener was away', async () => {
    const cookie = await stack.loginCookie('alice');
    const stream = openRawStream(stack.baseUrl, { cookie });
    await until(() => live(stream), 'the stream live');
    // Cut the API's LISTEN connection, and end the session without any NOTIFY reaching it.
    await stack.database.sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and query ilike '%session_ended%' and pid <> pg_backend_pid()`;
    await stack.database.sql`delete from sessions`;
    await until(() => errorOf(stream) !== null, 'the stream ended once the listener was back', 30_000);
    expect(errorOf(stream)?.data.code).toBe('UNAUTHORIZED');
    stream.socket.destroy();
  });

  it('ends a stream when its session expires', async () => {
    const [alice] = await stack.database.sql<{ id: string }[]>`select id from users where username = 'alice'`;
    const token = await createSession(stack.database.db, alice.id, 1_500);
    const stream = openRawStream(stack.baseUrl, { cookie: `${SESSION_COOKIE}=${token}` });
    await until(() => live(stream), 'the stream live');
    await until(() => errorOf(stream) !== null, 'the stream ended at expiry', 5_000);
    expect(errorOf(stream)).toMatchObject({ message: /session has expired/, data: { code: 'UNAUTHORIZED' } });
    stream.socket.destroy();
  });

  it('lets a burst of opens by one user past the limit only as many as it allows', async () => {
    await until(() => stack.api.openStreams() === 0, 'earlier streams closed');
    const bobCookie = await stack.loginCookie('bob');
    const burst = Array.from({ length: 10 }, () => openRawStream(stack.baseUrl, { cookie: bobCookie }));
    await until(() => burst.every((stream) => live(stream) || errorOf(stream) !== null), 'every open answered');
    expect(burst.filter(live)).toHaveLength(3);
    expect(burst.filter((stream) => errorOf(stream)?.data.code === 'TOO_MANY_REQUESTS')).toHaveLength(7);
    for (const stream of burst) stream.socket.destroy();
  });

  it('refuses a user’s streams beyond their limit, and any beyond the process’s, with a retry hint', async () => {
    await until(() => stack.api.openStreams() === 0, 'earlier streams closed');
    const [aliceCookie, bobCookie, adminCookie] = await Promise.all(['alice', 'bob', 'admin'].map((name) => stack.loginCookie(name)));
    const alice = [0, 1, 2].map(() => openRawStream(stack.baseUrl, { cookie: aliceCookie }));
    await until(() => alice.every(live), 'three streams live');
    const fourth = openRawStream(stack.baseUrl, { cookie: aliceCookie });
    await until(() => errorOf(fourth) !== null, 'the fourth refused');
    expect(errorOf(fourth)).toMatchObject({ message: /already have 3 live streams/, data: { code: 'TOO_MANY_REQUESTS' } });

    const others = [...[0, 1, 2].map(() => openRawStream(stack.baseUrl, { cookie: bobCookie })), ...[0, 1].map(() => openRawStream(stack.baseUrl, { cookie: adminCookie }))];
    await until(() => others.every(live), 'the process full');
    const ninth = openRawStream(stack.baseUrl, { cookie: adminCookie });
    await until(() => errorOf(ninth) !== null, 'the ninth refused');
    expect(errorOf(ninth)).toMatchObject({ message: /limit of 8 live streams/, data: { code: 'SERVICE_UNAVAILABLE' } });
    expect(ninth.frames().find((f) => f.event === 'serialized-error')?.retry).toMatch(/^\d+$/);
    for (const stream of [...alice, fourth, ...others, ninth]) stream.socket.destroy();
  });
});
