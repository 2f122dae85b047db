import { describe, expect, it } from 'vitest';
import type { JobEvent, UserStreamMessage, JobView } from '@storyline/contracts';
import { jobViewFromFirstEvent, RECENT_JOBS_MS, UserStreamJobs } from './user-stream-jobs';
import { aJobView } from '../testing/a-job-view';

const NOW = Date.parse('2030-01-01T01:00:00.000Z');
const A = '7d1c4c5e-0000-4000-8000-00000000000a';
const B = '7d1c4c5e-0000-4000-8000-00000000000b';

function view(id: string, overrides: Partial<JobView> = {}): JobView {
  return aJobView({
    id,
    progress: 10,
    queuedAt: '2030-01-01T00:59:00.000Z',
    startedAt: '2030-01-01T00:59:01.000Z',
    lastSeq: 2,
    ...overrides,
  });
}

type EventBody = JobEvent extends infer E ? (E extends JobEvent ? Omit<E, 'at'> : never) : never;
const event = (body: EventBody): UserStreamMessage => ({
  kind: 'event',
  jobType: 'story-publish',
  event: { ...body, at: '2030-01-01T00:59:30.000Z' } as JobEvent,
});
const snapshot = (...jobs: JobView[]): UserStreamMessage => ({ kind: 'snapshot', jobs, flags: [] });

describe('UserStreamJobs', () => {
  it('replaces every job with a snapshot', () => {
    const store = new UserStreamJobs(() => NOW);
    store.apply(snapshot(view(A)));
    store.apply(snapshot(view(B)));
    expect([...store.jobs.keys()]).toEqual([B]);
  });

  it('folds an event into its job and skips one it already reflects', () => {
    const store = new UserStreamJobs(() => NOW);
    store.apply(snapshot(view(A, { lastSeq: 2 })));
    store.apply(event({ kind: 'progress', jobId: A, seq: 2, progress: 99, message: 'old news' }));
    expect(store.jobs.get(A)?.progress).toBe(10);
    store.apply(event({ kind: 'progress', jobId: A, seq: 3, progress: 60, message: 'Page 3 of 5' }));
    expect(store.jobs.get(A)).toMatchObject({ progress: 60, message: 'Page 3 of 5', lastSeq: 3 });
  });

  it('introduces a job it hears of through its first event', () => {
    const store = new UserStreamJobs(() => NOW);
    const needed = store.apply(event({ kind: 'status', jobId: A, seq: 1, status: 'Queued', message: 'Waiting for a worker' }));
    expect(needed).toEqual([]);
    expect(store.jobs.get(A)).toMatchObject({
      id: A,
      type: 'story-publish',
      status: 'Queued',
      message: 'Waiting for a worker',
      queuedAt: '2030-01-01T00:59:30.000Z',
      lastSeq: 1,
    });
  });

  it('asks once to read a job it joined late, holding its events until the job is read', () => {
    const store = new UserStreamJobs(() => NOW);
    expect(store.apply(event({ kind: 'progress', jobId: A, seq: 5, progress: 50, message: null }))).toEqual([A]);
    expect(store.apply(event({ kind: 'progress', jobId: A, seq: 6, progress: 60, message: null }))).toEqual([]);
    expect(store.jobs.has(A)).toBe(false);

    // The read saw event 5 already; event 6 came after it.
    store.seed(view(A, { lastSeq: 5, progress: 50 }));
    expect(store.jobs.get(A)).toMatchObject({ lastSeq: 6, progress: 60 });
    store.apply(event({ kind: 'completed', jobId: A, seq: 7, result: { version: 2 } }));
    expect(store.jobs.get(A)).toMatchObject({ status: 'Completed', result: { version: 2 } });
  });

  it('asks again after a failed read, on the job’s next event', () => {
    const store = new UserStreamJobs(() => NOW);
    expect(store.apply(event({ kind: 'progress', jobId: A, seq: 5, progress: 50, message: null }))).toEqual([A]);
    store.unseed(A);
    expect(store.apply(event({ kind: 'progress', jobId: A, seq: 6, progress: 60, message: null }))).toEqual([A]);
  });

  it('merges a polled view only when it is newer than what the stream brought', () => {
    const store = new UserStreamJobs(() => NOW);
    store.apply(snapshot(view(A, { lastSeq: 4, progress: 40 })));
    store.merge(view(A, { lastSeq: 3, progress: 30 }));
    expect(store.jobs.get(A)?.progress).toBe(40);
    store.merge(view(A, { lastSeq: 6, progress: 60 }));
    expect(store.jobs.get(A)?.progress).toBe(60);
    // The stream's late events for what the poll already showed change nothing.
    store.apply(event({ kind: 'progress', jobId: A, seq: 5, progress: 50, message: null }));
    expect(store.jobs.get(A)?.progress).toBe(60);
  });

  it('publishes a new map on each change and tells each job’s followers only of their job', () => {
    const store = new UserStreamJobs(() => NOW);
    const maps: Array<ReadonlyMap<string, JobView>> = [];
    const seenA: Array<JobView | undefined> = [];
    store.jobs$.subscribe((jobs) => maps.push(jobs));
    store.view$(A).subscribe((job) => seenA.push(job));

    store.apply(snapshot(view(A), view(B)));
    store.apply(event({ kind: 'progress', jobId: B, seq: 3, progress: 90, message: null }));
    store.apply(event({ kind: 'progress', jobId: A, seq: 3, progress: 20, message: null }));

    expect(new Set(maps).size).toBe(4);
    expect(seenA.map((job) => job?.progress)).toEqual([undefined, 10, 20]);
  });

  it('lets go of jobs that ended long ago when a new one arrives', () => {
    const store = new UserStreamJobs(() => NOW);
    const longAgo = new Date(NOW - RECENT_JOBS_MS - 1).toISOString();
    const lately = new Date(NOW - 60_000).toISOString();
    store.apply(snapshot(view(A, { status: 'Completed', completedAt: longAgo }), view(B, { status: 'Failed', completedAt: lately })));
    store.apply(event({ kind: 'status', jobId: 'c', seq: 1, status: 'Queued', message: null }));
    expect([...store.jobs.keys()].sort()).toEqual([B, 'c'].sort());
  });

  it('keeps the owner the stream names for a job it first hears of', () => {
    const store = new UserStreamJobs(() => NOW);
    store.apply({ ...event({ kind: 'status', jobId: A, seq: 1, status: 'Queued', message: null }), ownerId: 'owner-1' } as UserStreamMessage);
    expect(store.jobs.get(A)?.ownerId).toBe('owner-1');
  });

  it('forgets everything on clear', () => {
    const store = new UserStreamJobs(() => NOW);
    store.apply(snapshot(view(A)));
    store.clear();
    expect(store.jobs.size).toBe(0);
  });
});

describe('jobViewFromFirstEvent', () => {
  it('makes a queued view of the job the event opens, with its type', () => {
    const first = { kind: 'status', jobId: A, seq: 1, status: 'Queued', message: 'Waiting', at: '2030-01-01T00:00:00.000Z' } as const;
    expect(jobViewFromFirstEvent(first, 'epic-publish')).toMatchObject({
      id: A,
      type: 'epic-publish',
      status: 'Queued',
      progress: 0,
      message: 'Waiting',
      queuedAt: '2030-01-01T00:00:00.000Z',
      completedAt: null,
      lastSeq: 1,
    });
  });
});
