import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserStreamMessage } from '@storyline/contracts';
import { createDelivery, type StreamSink } from '@storyline/realtime';
import pino from 'pino';
import { appendEvents, openRawStream, publishNewStory, startTestStack, type RawStream, type TestStack } from '../testing';
import { until } from '../../../../../tools/testing/eventually';

const logLines: string[] = [];
const BUFFER_BOUND = 64 * 1024;
let stack: TestStack;
let aliceCookie: string;
let adminCookie: string;
let aliceJob: string;
let bobJob: string;

beforeAll(async () => {
  const capture = { write: (line: string) => void logLines.push(line) };
  stack = await startTestStack({ streamLimits: { maxBufferedBytes: BUFFER_BOUND, maxStreamsPerUser: 5_000 }, log: pino({ level: 'error' }, capture) });
  [aliceCookie, adminCookie] = await Promise.all(['alice', 'admin'].map((name) => stack.loginCookie(name)));
  const [alice, bob] = await Promise.all([stack.login('alice'), stack.login('bob')]);
  aliceJob = (await publishNewStory(alice, 1)).jobId;
  bobJob = (await publishNewStory(bob, 1)).jobId;
});
afterAll(() => stack?.close());

const open = (cookie = aliceCookie, options: Parameters<typeof openRawStream>[1] = {}) => openRawStream(stack.baseUrl, { cookie, ...options });
const gotSnapshot = (stream: RawStream) => stream.messages<UserStreamMessage>().some((m) => m.data.kind === 'snapshot');

/** The API still answers, and a well-behaved stream still gets a new event at once. */
async function expectStillServing(): Promise<void> {
  expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
  const stream = open();
  await until(() => gotSnapshot(stream), 'a snapshot on a fresh stream');
  const [seq] = await appendEvents(stack.database.db, aliceJob, 1);
  await until(() => stream.messages<UserStreamMessage>().some((m) => m.data.kind === 'event' && m.data.event.seq === seq), 'the new event');
  stream.socket.destroy();
  await until(() => stack.api.openStreams() === 0, 'every stream closed');
}

describe('the stream server against misbehaving clients', () => {
  it('survives clients that hang up before the headers, right after them, and during the snapshot', async () => {
    const streams: RawStream[] = [];
    for (let index = 0; index < 90; index += 1) {
      const stream = open();
      streams.push(stream);
      if (index % 3 === 0) stream.socket.destroy();
      else if (index % 3 === 1) stream.socket.once('data', () => stream.socket.destroy());
      else stream.socket.on('data', () => gotSnapshot(stream) && stream.socket.destroy());
    }
    await Promise.all(streams.map((stream) => stream.closed));
    await expectStillServing();
  });

  it('survives clients that hang up in the middle of a long replay', async () => {
    await appendEvents(stack.database.db, aliceJob, 3_000, { padding: 200 });
    const streams = Array.from({ length: 20 }, (_, index) => {
      const stream = open(aliceCookie, { lastEventId: '0' });
      let chunks = 0;
      stream.socket.on('data', () => (chunks += 1) === 2 + index && stream.socket.destroy());
      return stream;
    });
    await Promise.all(streams.map((stream) => stream.closed));
    await expectStillServing();
  });

  it('survives a thousand clients hanging up at once while events pour in', async () => {
    const streams = Array.from({ length: 1_000 }, (_, index) => open(index % 2 ? aliceCookie : adminCookie));
    await until(() => streams.every(gotSnapshot), 'every snapshot');
    const writing = appendEvents(stack.database.db, aliceJob, 2_000, { perTransaction: 20 });
    await until(() => streams[1].messages().length > 20, 'events flowing');
    for (const stream of streams) stream.socket.destroy();
    await writing;
    await until(() => stack.api.openStreams() === 0, 'every stream closed');
    await expectStillServing();
  }, 120_000);

  it('ends a stream that stops reading once it falls a bound behind; the client resumes with nothing lost or doubled', async () => {
    const stream = open();
    await until(() => gotSnapshot(stream), 'the snapshot');
    stream.socket.pause();
    const written = await appendEvents(stack.database.db, aliceJob, 3_000, { padding: 2_000, perTransaction: 100 });
    await until(() => stack.api.openStreams() === 0, 'the slow stream ended by the server', 60_000);
    stream.socket.resume();
    await stream.closed;
    const frames = stream.frames();
    const last = frames.at(-1);
    expect(last?.event).toBe('serialized-error');
    const error = JSON.parse(last?.data ?? '{}') as { message: string; data: { code: string } };
    expect(error.data.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toMatch(/fell more than 64 KiB behind/);
    const before = stream.messages<UserStreamMessage>();
    const lastId = before.filter((m) => m.id).at(-1)?.id as string;

    const resumed = open(aliceCookie, { lastEventId: lastId });
    const seqsOf = (messages: Array<{ data: UserStreamMessage }>) =>
      messages.flatMap((m) => (m.data.kind === 'event' && m.data.event.jobId === aliceJob ? [m.data.event.seq] : []));
    await until(() => seqsOf(resumed.messages()).at(-1) === written.at(-1), 'the resumed stream reaching the last event', 60_000);
    resumed.socket.destroy();
    const received = [...seqsOf(before), ...seqsOf(resumed.messages<UserStreamMessage>())];
    expect(received.filter((seq) => seq >= written[0])).toEqual(written);
  }, 120_000);

  it('cuts the connection of a client that never reads again, so it holds nothing', async () => {
    const serverSide = new Promise<Socket>((resolve) => stack.api.server.once('connection', resolve));
    const stream = open();
    const socket = await serverSide;
    const cut = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await until(() => gotSnapshot(stream), 'the snapshot');
    stream.socket.pause();
    await appendEvents(stack.database.db, aliceJob, 1_500, { padding: 2_000, perTransaction: 100 });
    await until(() => stack.api.openStreams() === 0, 'the stream ended', 60_000);
    await cut;
    expect(socket.destroyed).toBe(true);
    stream.socket.destroy();
    await expectStillServing();
  }, 120_000);

  it('sends a snapshot larger than the bound to a client that reads, and goes on streaming', async () => {
    const [alice] = await stack.database.sql<{ id: string }[]>`select id from users where username = 'alice'`;
    const filler = 'y'.repeat(1_000);
    await stack.database.sql`
      insert into jobs (type, target_id, owner_id, payload, message)
      select 'story-publish', gen_random_uuid(), ${alice.id}, '{}', ${filler} from generate_series(1, 150)`;
    const stream = open();
    await until(() => gotSnapshot(stream), 'the snapshot');
    expect(stream.text().length).toBeGreaterThan(BUFFER_BOUND * 2);
    const written = await appendEvents(stack.database.db, aliceJob, 50, { perTransaction: 1 });
    await until(() => stream.messages<UserStreamMessage>().some((m) => m.data.kind === 'event' && m.data.event.seq === written.at(-1)), 'every event after it');
    expect(stream.frames().some((frame) => frame.event === 'serialized-error')).toBe(false);
    stream.socket.destroy();
    await stack.database.sql`delete from jobs where message = ${filler}`;
  });

  it('logged no error while all of that went on', () => {
    expect(logLines).toEqual([]);
  });

  it('routes an event only to its owner’s and admins’ streams, encoding its frame once', async () => {
    const seen = new Map<string, Buffer[]>();
    const sink = (name: string): StreamSink<UserStreamMessage> => {
      const frames: Buffer[] = [];
      seen.set(name, frames);
      const listeners: Array<() => void> = [];
      let closed = false;
      return {
        get closed() {
          return closed;
        },
        onClose: (listener) => void listeners.push(listener),
        send: (delivery) => void frames.push(delivery.frame()),
        ready: async () => undefined,
        ping: () => undefined,
        end: () => {
          closed = true;
          for (const listener of listeners) listener();
        },
      };
    };
    const account = (userId: string, seesAll = false) => ({ userId, seesAll, sessionKey: `test-${userId}-${seesAll}`, expiresAt: new Date(Date.now() + 60_000) });
    const [aliceId, bobId] = await Promise.all([aliceJob, bobJob].map(ownerOf));
    for (const name of ['alice-1', 'alice-2']) await stack.api.hub.openUserStream(sink(name), { account: account(aliceId), after: null });
    await stack.api.hub.openUserStream(sink('bob'), { account: account(bobId), after: null });
    await stack.api.hub.openUserStream(sink('admin'), { account: account('admin', true), after: null });
    const [seq] = await appendEvents(stack.database.db, aliceJob, 1);
    const frameOf = (name: string) => seen.get(name)?.find((frame) => frame.toString().includes(`"seq":${seq},`));
    await until(() => ['alice-1', 'alice-2', 'admin'].every((name) => frameOf(name)), 'the event on every allowed stream');
    expect(frameOf('alice-2')).toBe(frameOf('alice-1'));
    expect(frameOf('admin')).toBe(frameOf('alice-1'));
    expect(seen.get('bob')?.some((frame) => frame.toString().includes(aliceJob))).toBe(false);
    expect(createDelivery('1-1', {}).frame()).not.toBe(frameOf('alice-1'));
    for (const key of [`test-${aliceId}-false`, `test-${bobId}-false`, 'test-admin-true']) stack.api.hub.endSession(key);
    expect(stack.api.hub.counts()).toEqual({ feed: 0, job: 0 });
  });
});

async function ownerOf(jobId: string): Promise<string> {
  const [row] = await stack.database.sql<{ owner_id: string }[]>`select owner_id from jobs where id = ${jobId}`;
  return row.owner_id;
}
