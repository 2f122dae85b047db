import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Subject } from 'rxjs';
import type { JobEvent, JobStreamMessage, JobView } from '@storyline/contracts';
import { PushUnavailableError, streamJob } from './stream-job';

const JOB_ID = '7d1c4c5e-0000-4000-8000-000000000001';

const snapshot = (overrides: Partial<JobView> = {}): JobStreamMessage => ({
  kind: 'snapshot',
  job: {
    id: JOB_ID,
    type: 'story-publish',
    targetId: '7d1c4c5e-0000-4000-8000-000000000002',
    ownerId: '7d1c4c5e-0000-4000-8000-000000000003',
    status: 'Queued',
    phase: null,
    progress: 0,
    message: null,
    dequeueCount: 0,
    queuedAt: '2030-01-01T00:00:00.000Z',
    startedAt: null,
    completedAt: null,
    error: null,
    result: null,
    lastSeq: 1,
    ...overrides,
  },
});

type EventBody = JobEvent extends infer E ? (E extends JobEvent ? Omit<E, 'jobId' | 'at'> : never) : never;
const event = (body: EventBody): JobStreamMessage => ({
  kind: 'event',
  event: { ...body, jobId: JOB_ID, at: '2030-01-01T00:00:05.000Z' } as JobEvent,
});

/** A fake server: each connection is a Subject the test drives, opened with the id it resumed from. */
function fakeServer() {
  const connections: Array<{ lastEventId: string | null; stream: Subject<JobStreamMessage> }> = [];
  const open = (lastEventId: string | null) => {
    const stream = new Subject<JobStreamMessage>();
    connections.push({ lastEventId, stream });
    return stream;
  };
  return { open, connections, latest: () => connections[connections.length - 1] };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('streamJob', () => {
  it('folds the snapshot and each event into one view and completes after the terminal event', () => {
    const server = fakeServer();
    const seen: JobView[] = [];
    let completed = false;
    streamJob(server.open).subscribe({ next: (job) => seen.push(job), complete: () => (completed = true) });

    expect(server.latest().lastEventId).toBeNull();
    server.latest().stream.next(snapshot());
    server.latest().stream.next(event({ kind: 'status', seq: 2, status: 'Running', message: null }));
    server.latest().stream.next(event({ kind: 'phase', seq: 3, phase: 'snapshotting', progress: 50 }));
    server.latest().stream.next(event({ kind: 'completed', seq: 4, result: { version: 3 } }));

    expect(seen.map((job) => [job.status, job.phase, job.progress])).toEqual([
      ['Queued', null, 0],
      ['Running', null, 0],
      ['Running', 'snapshotting', 50],
      ['Completed', 'snapshotting', 100],
    ]);
    expect(seen.at(-1)?.result).toEqual({ version: 3 });
    expect(completed).toBe(true);
  });

  it('completes at once when the snapshot is already terminal', () => {
    const server = fakeServer();
    let completed = false;
    streamJob(server.open).subscribe({ complete: () => (completed = true) });
    server.latest().stream.next(snapshot({ status: 'Superseded' }));
    expect(completed).toBe(true);
  });

  it('reconnects after a drop from the last event seen, backing off 1, 2, 4 s, and skips a repeated event', async () => {
    const server = fakeServer();
    const seen: JobView[] = [];
    streamJob(server.open).subscribe((job) => seen.push(job));
    server.latest().stream.next(snapshot());
    server.latest().stream.next(event({ kind: 'status', seq: 2, status: 'Running', message: null }));

    server.latest().stream.error(new Error('network changed'));
    await vi.advanceTimersByTimeAsync(999);
    expect(server.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.connections).toHaveLength(2);
    expect(server.latest().lastEventId).toBe('2');

    server.latest().stream.error(new Error('still down'));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(server.connections).toHaveLength(3);
    server.latest().stream.next(event({ kind: 'status', seq: 2, status: 'Running', message: null }));
    server.latest().stream.next(event({ kind: 'progress', seq: 3, progress: 70, message: 'almost' }));

    expect(seen.map((job) => job.lastSeq)).toEqual([1, 2, 3]);
    expect(seen.at(-1)).toMatchObject({ status: 'Running', progress: 70, message: 'almost' });
  });

  it('treats a stream that ends before the job did as a drop', async () => {
    const server = fakeServer();
    streamJob(server.open).subscribe();
    server.latest().stream.next(snapshot({ lastSeq: 4 }));
    server.latest().stream.complete();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.connections).toHaveLength(2);
    expect(server.latest().lastEventId).toBe('4');
  });

  it('reconnects after 1, 2, 4, 8 and 16 s, then gives up with PushUnavailableError holding the last view', async () => {
    const server = fakeServer();
    let failure: unknown;
    streamJob(server.open).subscribe({ error: (error: unknown) => (failure = error) });
    server.latest().stream.next(snapshot({ status: 'Running', progress: 30 }));

    for (const [attempt, delayMs] of [1_000, 2_000, 4_000, 8_000, 16_000].entries()) {
      server.latest().stream.error(new Error('connection refused'));
      await vi.advanceTimersByTimeAsync(delayMs - 1);
      expect(server.connections).toHaveLength(attempt + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(server.connections).toHaveLength(attempt + 2);
      expect(server.latest().lastEventId).toBe('1');
    }
    expect(failure).toBeUndefined();

    server.latest().stream.error(new Error('connection refused'));
    expect(failure).toBeInstanceOf(PushUnavailableError);
    expect((failure as PushUnavailableError).lastSeen).toMatchObject({ status: 'Running', progress: 30 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.connections).toHaveLength(6);
  });

  it('starts the backoff over once a reconnect delivers data', async () => {
    const server = fakeServer();
    streamJob(server.open).subscribe();
    server.latest().stream.next(snapshot());
    server.latest().stream.error(new Error('drop'));
    await vi.advanceTimersByTimeAsync(1_000);
    server.latest().stream.error(new Error('drop'));
    await vi.advanceTimersByTimeAsync(2_000);
    server.latest().stream.next(event({ kind: 'progress', seq: 2, progress: 10, message: null }));

    server.latest().stream.error(new Error('drop'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.connections).toHaveLength(4);
  });

  it('passes a permanent error on at once, without reconnecting', async () => {
    const server = fakeServer();
    let failure: unknown;
    streamJob(server.open, { isRetryable: () => false }).subscribe({ error: (error: unknown) => (failure = error) });
    server.latest().stream.error(new Error('This job does not exist'));

    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.connections).toHaveLength(1);
    expect(failure).toEqual(new Error('This job does not exist'));
  });

  it('closes the connection and cancels a pending reconnect on unsubscribe', async () => {
    const server = fakeServer();
    const subscription = streamJob(server.open).subscribe();
    server.latest().stream.next(snapshot());
    expect(server.latest().stream.observed).toBe(true);
    subscription.unsubscribe();
    expect(server.latest().stream.observed).toBe(false);

    const again = streamJob(server.open).subscribe();
    server.latest().stream.error(new Error('drop'));
    again.unsubscribe();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.connections).toHaveLength(2);
  });
});
