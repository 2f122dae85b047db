import { afterEach, describe, expect, it } from 'vitest';
import type { UserStreamMessage, Notice, OpsSample } from '@storyline/contracts';
import { parseLogPosition } from './log-position';
import type { LogItem, LogReader } from './log-reader';
import { createStreamHub, type StreamHub } from './stream-hub';
import { recordingSink } from './testing-sink';

const notice = (id: string, scope: Notice['scope'] = 'broadcast'): Notice => ({ id, level: 'info', message: `notice ${id}`, at: '2030-01-01T00:00:00.000Z', scope });

/** A log reader standing at `93` whose snapshots are taken at `position`. */
function fakeLogReader(position = '93') {
  let consumer: ((item: LogItem) => void) | null = null;
  let snapshotGate: Promise<void> = Promise.resolve();
  const logReader: LogReader = {
    setConsumer: (next) => (consumer = next),
    ready: () => Promise.resolve(),
    received: () => 0,
    lastPosition: () => parseLogPosition('93'),
    isAhead: async () => false,
    readAfter: async () => [],
    snapshot: async () => {
      await snapshotGate;
      return { jobs: [], position };
    },
    close: async () => undefined,
  };
  return {
    logReader,
    push: (item: LogItem) => consumer?.(item),
    holdSnapshots: () => {
      let release!: () => void;
      snapshotGate = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}

const account = (userId: string, seesAll = false) => ({ userId, seesAll, sessionKey: `s-${userId}`, expiresAt: new Date(Date.now() + 60_000) });
const noticesIn = (sink: ReturnType<typeof recordingSink<UserStreamMessage>>) => sink.sent.filter((delivery) => delivery.message.kind === 'notice');

let hub: StreamHub | undefined;
afterEach(() => hub?.close());

function startHub(logReader: LogReader) {
  hub = createStreamHub({ logReader, readFlags: async () => [], readJob: async () => null, readEventsAfter: async () => [], pingIntervalMs: 60_000, maxStreams: 100, maxStreamsPerUser: 10 });
  return hub;
}

describe('notices through the stream hub', () => {
  it('sends a broadcast to every user stream as one frame, at the log reader’s position', async () => {
    const { logReader, push } = fakeLogReader();
    const hub = startHub(logReader);
    const sinks = [recordingSink<UserStreamMessage>(), recordingSink<UserStreamMessage>(), recordingSink<UserStreamMessage>()];
    await hub.openUserStream(sinks[0], { account: account('alice'), after: null });
    await hub.openUserStream(sinks[1], { account: account('bob'), after: null });
    await hub.openUserStream(sinks[2], { account: account('root', true), after: null });
    push({ type: 'notice', notice: { notice: notice('n1'), userId: null } });
    const [first, ...others] = sinks.map((sink) => noticesIn(sink));
    expect(first).toHaveLength(1);
    expect(first[0].id).toBe('93');
    expect(first[0].message).toEqual({ kind: 'notice', notice: notice('n1') });
    for (const got of others) expect(got).toEqual([first[0]]);
    expect(new Set([first[0], ...others.flat()]).size).toBe(1);
  });

  it('sends a user’s notice to that user’s streams alone, even when others are admins', async () => {
    const { logReader, push } = fakeLogReader();
    const hub = startHub(logReader);
    const alice = recordingSink<UserStreamMessage>();
    const bob = recordingSink<UserStreamMessage>();
    const admin = recordingSink<UserStreamMessage>();
    await hub.openUserStream(alice, { account: account('alice'), after: null });
    await hub.openUserStream(bob, { account: account('bob'), after: null });
    await hub.openUserStream(admin, { account: account('root', true), after: null });
    push({ type: 'notice', notice: { notice: notice('n2', 'user'), userId: 'alice' } });
    push({ type: 'notice', notice: { notice: notice('n3', 'user'), userId: 'root' } });
    expect(noticesIn(alice).map((d) => d.message)).toEqual([{ kind: 'notice', notice: notice('n2', 'user') }]);
    expect(noticesIn(bob)).toEqual([]);
    expect(noticesIn(admin).map((d) => d.message)).toEqual([{ kind: 'notice', notice: notice('n3', 'user') }]);
  });

  it('holds a notice for a stream still catching up, and keeps its own position when it stands past the log reader', async () => {
    const { logReader, push, holdSnapshots } = fakeLogReader('120');
    const hub = startHub(logReader);
    const release = holdSnapshots();
    const sink = recordingSink<UserStreamMessage>();
    const opening = hub.openUserStream(sink, { account: account('alice'), after: null });
    await new Promise((resolve) => setTimeout(resolve, 0));
    push({ type: 'notice', notice: { notice: notice('n4'), userId: null } });
    expect(sink.sent).toEqual([]);
    release();
    await opening;
    expect(sink.sent.map((d) => d.message.kind)).toEqual(['snapshot', 'notice']);
    // Its snapshot stands at 120, past the log reader's 93: going back would replay what it has.
    push({ type: 'notice', notice: { notice: notice('n5'), userId: null } });
    expect(noticesIn(sink).map((d) => d.id)).toEqual(['120', '120']);
  });
});

describe('ops samples through the stream hub', () => {
  const sample: OpsSample = {
    process: 'api-1:42',
    at: '2030-01-01T00:00:00.000Z',
    intervalSec: 5,
    streams: { feed: 3, job: 0 },
    eventsPerSec: 1.5,
    latencyMs: { p50: 4, p99: 20 },
  };

  it('sends a sample to admins’ live user streams alone, as one frame, and counts them', async () => {
    const { logReader, push } = fakeLogReader();
    const hub = startHub(logReader);
    const [alice, root, ops] = [recordingSink<UserStreamMessage>(), recordingSink<UserStreamMessage>(), recordingSink<UserStreamMessage>()];
    await hub.openUserStream(alice, { account: account('alice'), after: null });
    await hub.openUserStream(root, { account: account('root', true), after: null });
    await hub.openUserStream(ops, { account: account('ops', true), after: null });
    expect(hub.adminUserStreams()).toBe(2);
    push({ type: 'ops', sample });
    const samplesIn = (sink: typeof alice) => sink.sent.filter((delivery) => delivery.message.kind === 'ops');
    expect(samplesIn(alice)).toEqual([]);
    expect(samplesIn(root).map((d) => d.message)).toEqual([{ kind: 'ops', sample }]);
    expect(samplesIn(ops)[0]).toBe(samplesIn(root)[0]);
  });

  it('skips a stream still catching up: the next sample comes soon enough', async () => {
    const { logReader, push, holdSnapshots } = fakeLogReader();
    const hub = startHub(logReader);
    const release = holdSnapshots();
    const sink = recordingSink<UserStreamMessage>();
    const opening = hub.openUserStream(sink, { account: account('root', true), after: null });
    push({ type: 'ops', sample });
    release();
    await opening;
    expect(sink.sent.map((d) => d.message.kind)).toEqual(['snapshot']);
  });
});
