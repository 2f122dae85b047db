import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import type { FollowedJob, JobStatus, JobView } from '@storyline/contracts';
import type { UserStreamState } from '../user-stream/connect-user-stream';
import { followByPush, type PushSource } from './follow-by-push';
import { aJobView } from '../testing/a-job-view';

const JOB_ID = '7d1c4c5e-0000-4000-8000-000000000001';

function view(lastSeq: number, status: JobStatus = 'Running', progress = lastSeq * 10): JobView {
  return aJobView({ id: JOB_ID, status, progress, result: status === 'Completed' ? { version: 1 } : null, lastSeq });
}

/** The user stream and the poller as the test drives them. */
function fakeSource(overrides: Partial<PushSource> = {}) {
  const streamView = new BehaviorSubject<JobView | undefined>(undefined);
  const state = new BehaviorSubject<UserStreamState>('live');
  const polls: Array<Subject<JobView>> = [];
  const seed = vi.fn(async (): Promise<void> => undefined);
  const source: PushSource = {
    transport: 'push',
    view$: streamView,
    state$: state,
    poll: () => {
      const poll = new Subject<JobView>();
      polls.push(poll);
      return poll;
    },
    seed,
    ...overrides,
  };
  return { source, streamView, state, polls, seed, latestPoll: () => polls[polls.length - 1] };
}

function run(follow: Observable<FollowedJob>) {
  const seen: FollowedJob[] = [];
  const outcome: { completed: boolean; error: unknown } = { completed: false, error: undefined };
  const subscription = follow.subscribe({
    next: (job) => seen.push(job),
    complete: () => (outcome.completed = true),
    error: (error: unknown) => (outcome.error = error),
  });
  const summary = () => seen.map((job) => `${job.lastSeq}:${job.status}${job.fellBack ? ':polled' : ''}`);
  return { seen, outcome, subscription, summary };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('followByPush', () => {
  it('follows the job through the user stream and completes after its terminal view', () => {
    const { source, streamView } = fakeSource();
    const { summary, outcome } = run(followByPush(source));
    streamView.next(view(1, 'Queued'));
    streamView.next(view(2));
    streamView.next(view(3, 'Completed'));
    expect(summary()).toEqual(['1:Queued', '2:Running', '3:Completed']);
    expect(outcome.completed).toBe(true);
  });

  it('keeps waiting on the user stream while it reconnects, without polling', async () => {
    const { source, streamView, state, polls } = fakeSource();
    const { summary } = run(followByPush(source));
    streamView.next(view(1));
    state.next('reconnecting');
    await vi.advanceTimersByTimeAsync(31_000);
    state.next('live');
    streamView.next(view(2));
    expect(polls).toHaveLength(0);
    expect(summary()).toEqual(['1:Running', '2:Running']);
  });

  it('polls while the user stream is unavailable and goes back to the stream once it is live', () => {
    const { source, streamView, state, polls, latestPoll } = fakeSource();
    const { summary, outcome } = run(followByPush(source));
    streamView.next(view(2));

    state.next('unavailable');
    expect(polls).toHaveLength(1);
    latestPoll().next(view(2));
    latestPoll().next(view(4));

    state.next('live');
    expect(latestPoll().observed).toBe(false);
    // The stream has not caught up yet: its stale view must not move the job backwards.
    streamView.next(view(3));
    streamView.next(view(4));
    streamView.next(view(5, 'Completed'));

    expect(summary()).toEqual(['2:Running', '2:Running:polled', '4:Running:polled', '4:Running', '5:Completed']);
    expect(outcome.completed).toBe(true);
  });

  it('reports a job that ended during the fallback once, even when the recovered stream repeats it', () => {
    const { source, streamView, state, latestPoll } = fakeSource();
    const { summary, outcome } = run(followByPush(source));
    streamView.next(view(2));
    state.next('unavailable');
    latestPoll().next(view(6, 'Completed'));
    state.next('live');
    streamView.next(view(6, 'Completed'));

    expect(summary()).toEqual(['2:Running', '6:Completed:polled']);
    expect(outcome.completed).toBe(true);
  });

  it('does not miss an end that happened while switching back: the resumed stream brings it', () => {
    const { source, streamView, state, latestPoll } = fakeSource();
    const { summary, outcome } = run(followByPush(source));
    streamView.next(view(2));
    state.next('unavailable');
    latestPoll().next(view(3));
    state.next('live');
    // The poll that would have seen the end was cancelled by the switch; the resume replays it.
    latestPoll().next(view(5, 'Completed'));
    streamView.next(view(5, 'Completed'));

    expect(summary()).toEqual(['2:Running', '3:Running:polled', '5:Completed']);
    expect(outcome.completed).toBe(true);
  });

  it('starts with polling when the user stream is already unavailable', () => {
    const { source, state, polls } = fakeSource();
    state.next('unavailable');
    run(followByPush(source));
    expect(polls).toHaveLength(1);
  });

  it('reads the job once when the live stream has not mentioned it within the grace period', async () => {
    const { source, streamView, seed } = fakeSource({ seedAfterMs: 10_000 });
    seed.mockImplementation(async () => streamView.next(view(3)));
    const { summary } = run(followByPush(source));

    await vi.advanceTimersByTimeAsync(9_999);
    expect(seed).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(seed).toHaveBeenCalledTimes(1);
    expect(summary()).toEqual(['3:Running']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seed).toHaveBeenCalledTimes(1);
  });

  it('reads nothing when the stream mentions the job in time', async () => {
    const { source, streamView, seed } = fakeSource({ seedAfterMs: 10_000 });
    run(followByPush(source));
    await vi.advanceTimersByTimeAsync(300);
    streamView.next(view(1, 'Queued'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seed).not.toHaveBeenCalled();
  });

  it('counts the grace period only while the stream is live', async () => {
    const { source, state, seed } = fakeSource({ seedAfterMs: 10_000 });
    state.next('reconnecting');
    run(followByPush(source));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(seed).not.toHaveBeenCalled();
    state.next('live');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seed).toHaveBeenCalledTimes(1);
  });

  it('tries a failed read again after another grace period, and fails on a permanent error', async () => {
    const { source, seed } = fakeSource({ seedAfterMs: 10_000, isRetryable: (error) => (error as Error).message !== 'gone' });
    seed.mockRejectedValueOnce(new Error('502')).mockRejectedValueOnce(new Error('gone'));
    const { outcome } = run(followByPush(source));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(outcome.error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seed).toHaveBeenCalledTimes(2);
    expect((outcome.error as Error).message).toBe('gone');
  });

  it('stops polling and leaves no timer behind on unsubscribe', async () => {
    const { source, state, latestPoll } = fakeSource();
    const { subscription } = run(followByPush(source));
    state.next('unavailable');
    subscription.unsubscribe();
    expect(latestPoll().observed).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
