import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { BehaviorSubject, Subject } from 'rxjs';
import type { UserStreamMessage } from '@storyline/contracts';
import { connectUserStream, type UserStreamEnvelope, type UserStreamUpdate } from './connect-user-stream';

const flags: UserStreamMessage = { kind: 'flags', flags: [{ jobType: 'story-publish', transport: 'push' }] };
const snapshot: UserStreamMessage = { kind: 'snapshot', jobs: [], flags: [] };

/** A fake server: each connection is a Subject the test drives, opened with the position it resumed from. */
function fakeServer() {
  const connections: Array<{ lastEventId: string | null; stream: Subject<UserStreamEnvelope> }> = [];
  const open = (lastEventId: string | null) => {
    const stream = new Subject<UserStreamEnvelope>();
    connections.push({ lastEventId, stream });
    return stream;
  };
  return { open, connections, latest: () => connections[connections.length - 1] };
}

function run(open: ReturnType<typeof fakeServer>['open'], options?: Parameters<typeof connectUserStream>[1]) {
  const updates: UserStreamUpdate[] = [];
  const subscription = connectUserStream(open, options).subscribe((update) => updates.push(update));
  const states = () => updates.flatMap((update) => (update.kind === 'state' ? [update.state] : []));
  const messages = () => updates.flatMap((update) => (update.kind === 'message' ? [update.message] : []));
  return { subscription, states, messages };
}

/** Fails the current connection, then waits `delayMs` for the next attempt. */
async function dropAndWait(server: ReturnType<typeof fakeServer>, delayMs: number) {
  server.latest().stream.error(new Error('connection refused'));
  await vi.advanceTimersByTimeAsync(delayMs);
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('connectUserStream', () => {
  it('is reconnecting until the first message arrives, then live, passing every message on', () => {
    const server = fakeServer();
    const { states, messages } = run(server.open);
    expect(server.latest().lastEventId).toBeNull();
    expect(states()).toEqual(['reconnecting']);

    server.latest().stream.next({ id: '101', data: snapshot });
    server.latest().stream.next({ id: '101', data: flags });
    expect(states()).toEqual(['reconnecting', 'live']);
    expect(messages()).toEqual([snapshot, flags]);
  });

  it('starts afresh with a snapshot when the server refuses the last position as a bad request', async () => {
    const server = fakeServer();
    run(server.open);
    server.latest().stream.next({ id: '101', data: snapshot });
    server.latest().stream.error(new Error('network changed'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.latest().lastEventId).toBe('101');
    const refusal = TRPCClientError.from({ error: { code: -32600, message: 'lastEventId lies beyond every event of this server', data: { code: 'BAD_REQUEST', httpStatus: 400 } } });
    server.latest().stream.error(refusal);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(server.latest().lastEventId).toBeNull();
  });

  it('reopens a dropped stream after 1 s from the last position seen', async () => {
    const server = fakeServer();
    const { states } = run(server.open);
    server.latest().stream.next({ id: '101', data: snapshot });
    server.latest().stream.next({ id: '127', data: flags });

    server.latest().stream.error(new Error('network changed'));
    expect(states()).toEqual(['reconnecting', 'live', 'reconnecting']);
    await vi.advanceTimersByTimeAsync(999);
    expect(server.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.connections).toHaveLength(2);
    expect(server.latest().lastEventId).toBe('127');

    server.latest().stream.next({ id: '127', data: flags });
    expect(states().at(-1)).toBe('live');
  });

  it('treats a stream that ends as a drop', async () => {
    const server = fakeServer();
    run(server.open);
    server.latest().stream.next({ id: '33', data: snapshot });
    server.latest().stream.complete();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.connections).toHaveLength(2);
    expect(server.latest().lastEventId).toBe('33');
  });

  it('reconnects after 1, 2, 4, 8 and 16 s, then reports the stream unavailable', async () => {
    const server = fakeServer();
    const { states } = run(server.open);
    server.latest().stream.next({ id: '55', data: snapshot });

    for (const [attempt, delayMs] of [1_000, 2_000, 4_000, 8_000, 16_000].entries()) {
      server.latest().stream.error(new Error('connection refused'));
      await vi.advanceTimersByTimeAsync(delayMs - 1);
      expect(server.connections).toHaveLength(attempt + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(server.connections).toHaveLength(attempt + 2);
      expect(server.latest().lastEventId).toBe('55');
    }
    expect(states()).toEqual(['reconnecting', 'live', 'reconnecting']);

    server.latest().stream.error(new Error('connection refused'));
    expect(states()).toEqual(['reconnecting', 'live', 'reconnecting', 'unavailable']);
  });

  it('keeps trying every 30 s while unavailable and goes live again, resuming where it stopped', async () => {
    const server = fakeServer();
    const { states } = run(server.open);
    server.latest().stream.next({ id: '55', data: snapshot });
    for (const delayMs of [1_000, 2_000, 4_000, 8_000, 16_000]) await dropAndWait(server, delayMs);
    await dropAndWait(server, 29_999);
    expect(server.connections).toHaveLength(6);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.connections).toHaveLength(7);

    await dropAndWait(server, 30_000);
    expect(server.connections).toHaveLength(8);
    expect(states().at(-1)).toBe('unavailable');

    server.latest().stream.next({ id: '55', data: flags });
    expect(server.latest().lastEventId).toBe('55');
    expect(states()).toEqual(['reconnecting', 'live', 'reconnecting', 'unavailable', 'live']);

    // Recovered: the next drop starts the short backoff over.
    await dropAndWait(server, 1_000);
    expect(server.connections).toHaveLength(9);
    expect(states().at(-1)).toBe('reconnecting');
  });

  it('counts a connection that says nothing within the inactivity window as failed', async () => {
    const server = fakeServer();
    const { states } = run(server.open, { openTimeoutMs: 25_000 });
    await vi.advanceTimersByTimeAsync(25_000);
    expect(server.latest().stream.observed).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.connections).toHaveLength(2);
    expect(states()).toEqual(['reconnecting']);
  });

  it('does not time out a connection once data has flowed', async () => {
    const server = fakeServer();
    run(server.open, { openTimeoutMs: 25_000 });
    server.latest().stream.next({ id: '11', data: snapshot });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.connections).toHaveLength(1);
    expect(server.latest().stream.observed).toBe(true);
  });

  it('reports the stream unavailable when the very first connection never works', async () => {
    const server = fakeServer();
    const { states } = run(server.open);
    for (const delayMs of [0, 1_000, 2_000, 4_000, 8_000, 16_000]) {
      await vi.advanceTimersByTimeAsync(delayMs);
      server.latest().stream.error(new Error('502 Bad Gateway'));
    }
    expect(server.connections).toHaveLength(6);
    expect(server.connections.every((connection) => connection.lastEventId === null)).toBe(true);
    expect(states()).toEqual(['reconnecting', 'unavailable']);
  });

  it('survives a connection that fails while it is being opened', async () => {
    const server = fakeServer();
    let calls = 0;
    const open = (lastEventId: string | null) => {
      calls += 1;
      const stream = server.open(lastEventId);
      if (calls === 1) stream.error(new Error('refused at once'));
      return stream;
    };
    run(open);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.connections).toHaveLength(2);
    expect(server.latest().stream.observed).toBe(true);
  });

  it('closes the connection and leaves no timer behind on unsubscribe', async () => {
    const server = fakeServer();
    const { subscription } = run(server.open);
    server.latest().stream.next({ id: '11', data: snapshot });
    subscription.unsubscribe();
    expect(server.latest().stream.observed).toBe(false);
    expect(vi.getTimerCount()).toBe(0);

    const again = run(server.open);
    server.latest().stream.error(new Error('drop'));
    again.subscription.unsubscribe();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(server.connections).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops the connection when the browser goes offline, says offline while attempts fail, and reconnects from its place the moment the network returns', async () => {
    const server = fakeServer();
    const online$ = new BehaviorSubject(true);
    const { states } = run(server.open, { online$ });
    server.latest().stream.next({ id: '7', data: snapshot });
    const live = server.latest();

    online$.next(false);
    expect(live.stream.observed).toBe(false);
    // Deep into the backoff while offline: the next attempt would be 8 s away.
    for (const delayMs of [0, 1_000, 2_000, 4_000]) await dropAndWait(server, delayMs);
    expect(states()).toEqual(['reconnecting', 'live', 'offline']);

    const before = server.connections.length;
    online$.next(true);
    expect(server.connections).toHaveLength(before + 1);
    expect(server.latest().lastEventId).toBe('7');
    server.latest().stream.next({ id: '8', data: flags });
    expect(states()).toEqual(['reconnecting', 'live', 'offline', 'reconnecting', 'live']);
  });

  it('goes live when the stream answers though the browser says it is offline (a server on localhost)', () => {
    const server = fakeServer();
    const { states } = run(server.open, { online$: new BehaviorSubject(false) });
    expect(server.connections).toHaveLength(1);
    server.latest().stream.next({ id: '1', data: snapshot });
    expect(states()).toEqual(['offline', 'live']);
  });

  it('reconnects at once when woken while it waits out a backoff, keeping its count, and ignores a wake while live', async () => {
    const server = fakeServer();
    const wake$ = new Subject<void>();
    run(server.open, { wake$ });
    server.latest().stream.next({ id: '3', data: snapshot });
    wake$.next();
    expect(server.connections).toHaveLength(1);

    for (const delayMs of [1_000, 2_000]) await dropAndWait(server, delayMs);
    server.latest().stream.error(new Error('still down'));
    expect(server.connections).toHaveLength(3);
    wake$.next();
    expect(server.connections).toHaveLength(4);
    expect(server.latest().lastEventId).toBe('3');
    // The failures still count: the next wait is the fourth step's 8 s, so a stream that stays
    // down is called unavailable on time however often the tab is shown.
    server.latest().stream.error(new Error('down again'));
    await vi.advanceTimersByTimeAsync(7_999);
    expect(server.connections).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.connections).toHaveLength(5);
  });
});
