import type { AddressInfo } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import type { UserStreamMessage, Notice } from '@storyline/contracts';
import { recordNotice } from '@storyline/realtime';
import { createApi, type Api } from '../../http/create-api';
import { openRawStream } from '../../testing/raw-stream';
import { publishNewStory } from '../../testing/story-fixtures';
import { log, type TestClient, type TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let bob: TestClient;
let admin: TestClient;

useTestStack((started) => ({ stack, alice, bob, admin } = started));

type Message = { id: string; data: UserStreamMessage };

async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Opens `onMyJobs` and resolves once it is live (its first message arrived). */
async function openUserStream(client: TestClient, lastEventId?: string) {
  const messages: Message[] = [];
  const subscription = client.jobs.onMyJobs.subscribe({ lastEventId }, { onData: (message) => messages.push(message as Message) });
  await until(() => messages.length > 0, 'the user stream to open');
  return { messages, close: () => subscription.unsubscribe() };
}

const noticesOf = (messages: Array<{ data: UserStreamMessage }>): Notice[] =>
  messages.flatMap((m) => (m.data.kind === 'notice' ? [m.data.notice] : []));

describe('notices.broadcast', () => {
  it('reaches the open streams of every user, admins included, with who sent it', async () => {
    const userStreams = await Promise.all([openUserStream(alice), openUserStream(bob), openUserStream(admin)]);
    const sent = await admin.notices.broadcast.mutate({ message: '  Maintenance in 10 minutes ', level: 'warning' });
    expect(sent).toMatchObject({ level: 'warning', message: 'Maintenance in 10 minutes', from: 'admin', scope: 'broadcast' });
    for (const userStream of userStreams) await until(() => noticesOf(userStream.messages).length === 1, 'the notice on every stream');
    for (const userStream of userStreams) {
      expect(noticesOf(userStream.messages)).toEqual([sent]);
      userStream.close();
    }
  });

  it('reaches streams held by another API process over the same database', async () => {
    const other: Api = await createApi({
      databaseUrl: stack.database.url,
      storageConnectionString: inject('storageConnectionString'),
      queuePrefix: 'notices-other-',
      log,
    });
    try {
      await new Promise<void>((resolve) => other.server.listen(0, '127.0.0.1', resolve));
      const otherUrl = `http://127.0.0.1:${(other.server.address() as AddressInfo).port}`;
      const stream = openRawStream(otherUrl, { cookie: await stack.loginCookie('bob'), input: {} });
      await until(() => stream.messages<UserStreamMessage>().some((m) => m.data.kind === 'snapshot'), 'the other process’s stream');
      const sent = await admin.notices.broadcast.mutate({ message: 'Deploying now' });
      await until(() => noticesOf(stream.messages<UserStreamMessage>()).length > 0, 'the notice on the other process');
      expect(noticesOf(stream.messages<UserStreamMessage>())).toEqual([sent]);
      stream.socket.destroy();
    } finally {
      await other.close();
    }
  });

  it('leaves a stream at a position it can resume from, without losing or repeating an event', async () => {
    const userStream = await openUserStream(alice);
    await admin.notices.broadcast.mutate({ message: 'Resume from here' });
    await until(() => noticesOf(userStream.messages).length > 0, 'the notice');
    const position = userStream.messages.at(-1)!.id;
    userStream.close();
    const { jobId } = await publishNewStory(alice, 1);
    const resumed = await openUserStream(alice, position);
    await until(() => resumed.messages.some((m) => m.data.kind === 'event' && m.data.event.jobId === jobId), 'the job queued after it');
    const seqs = resumed.messages.flatMap((m) => (m.data.kind === 'event' && m.data.event.jobId === jobId ? [m.data.event.seq] : []));
    expect(seqs).toEqual([...new Set(seqs)]);
    expect(seqs[0]).toBe(1);
    resumed.close();
  });

  it('is for admins only', async () => {
    await expect(alice.notices.broadcast.mutate({ message: 'I am not an admin' })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });

  it('refuses an empty, too long or unstorable message with a sentence saying why', async () => {
    const refused = (message: string) => admin.notices.broadcast.mutate({ message });
    await expect(refused('')).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/must not be empty/) });
    await expect(refused('   ')).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/must not be empty/) });
    await expect(refused('x'.repeat(501))).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/at most 500 characters/) });
    await expect(refused('a\u0000b')).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/NUL character/) });
    await expect(admin.notices.broadcast.mutate({ message: 'ok', level: 'panic' as 'info' })).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
  });
});

describe('notices for one user', () => {
  it('go to that user’s streams alone', async () => {
    const [aliceStream, bobStream, adminStream] = await Promise.all([openUserStream(alice), openUserStream(bob), openUserStream(admin)]);
    const [aliceUser] = await stack.database.sql<{ id: string }[]>`select id from users where username = 'alice'`;
    const notice = await recordNotice(stack.database.db, { level: 'info', message: 'Only for Alice', userId: aliceUser.id });
    await until(() => noticesOf(aliceStream.messages).length > 0, 'Alice’s notice');
    expect(noticesOf(aliceStream.messages)).toEqual([{ ...notice, scope: 'user' }]);
    // A later broadcast arriving shows the user notice had its chance to arrive too.
    const broadcast = await admin.notices.broadcast.mutate({ message: 'For everyone' });
    await until(() => noticesOf(bobStream.messages).length > 0 && noticesOf(adminStream.messages).length > 0, 'the broadcast');
    expect(noticesOf(bobStream.messages)).toEqual([broadcast]);
    expect(noticesOf(adminStream.messages)).toEqual([broadcast]);
    for (const userStream of [aliceStream, bobStream, adminStream]) userStream.close();
  });
});

describe('the notices table', () => {
  it('lets go of week-old notices as new ones are stored', async () => {
    const [old] = await stack.database.sql<{ id: string }[]>`
      insert into notices (level, message, created_at) values ('info', 'Long ago', now() - interval '8 days') returning id`;
    await admin.notices.broadcast.mutate({ message: 'Fresh' });
    expect(await stack.database.sql`select 1 from notices where id = ${old.id}`).toHaveLength(0);
  });
});

describe('notices.recent', () => {
  it('lists broadcasts and the caller’s own notices, newest first', async () => {
    const recent = await bob.notices.recent.query();
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.every((notice) => notice.scope === 'broadcast')).toBe(true);
    expect(recent.map((notice) => notice.at)).toEqual([...recent.map((notice) => notice.at)].sort().reverse());
    const mine = await alice.notices.recent.query();
    expect(mine.some((notice) => notice.message === 'Only for Alice')).toBe(true);
  });
});
