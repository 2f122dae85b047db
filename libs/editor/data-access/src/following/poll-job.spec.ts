import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Subscription } from 'rxjs';
import type { JobStatus, JobView } from '@storyline/contracts';
import { pollJob, PollTimeoutError, type PollJobOptions } from './poll-job';
import { aJobView } from '../testing/a-job-view';

const START = new Date('2030-01-01T00:00:00Z').getTime();

function jobWith(status: JobStatus, progress = 0): JobView {
  return aJobView({ status, progress, dequeueCount: 0, queuedAt: new Date(START).toISOString(), lastSeq: 0 });
}

/** A fake `jobs.get` that answers from a script and records when it was called. */
function scriptedFetch(answers: Array<JobView | Error>) {
  const calledAt: number[] = [];
  const signals: AbortSignal[] = [];
  const fetchJob = vi.fn(async (signal: AbortSignal) => {
    calledAt.push(Date.now() - START);
    signals.push(signal);
    const answer = answers[Math.min(calledAt.length - 1, answers.length - 1)];
    if (answer instanceof Error) throw answer;
    return answer;
  });
  return { fetchJob, calledAt, signals };
}

function run(fetchJob: (signal: AbortSignal) => Promise<JobView>, options: PollJobOptions) {
  const seen: JobView[] = [];
  const outcome: { completed: boolean; error: unknown } = { completed: false, error: undefined };
  const subscription: Subscription = pollJob(fetchJob, options).subscribe({
    next: (job) => seen.push(job),
    complete: () => (outcome.completed = true),
    error: (error: unknown) => (outcome.error = error),
  });
  return { seen, outcome, subscription };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pollJob', () => {
  it('polls for the first time after about one second, not at once', async () => {
    const { fetchJob } = scriptedFetch([jobWith('Queued')]);
    run(fetchJob, { timeoutMs: 600_000 });

    await vi.advanceTimersByTimeAsync(999);
    expect(fetchJob).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchJob).toHaveBeenCalledTimes(1);
  });

  it('doubles the wait after each poll: 1, 2, 4, 8 … seconds, capped at 60 s', async () => {
    const { fetchJob, calledAt } = scriptedFetch([jobWith('Running')]);
    run(fetchJob, { timeoutMs: 3_600_000 });

    await vi.advanceTimersByTimeAsync(400_000);
    const waits = calledAt.map((at, index) => at - (calledAt[index - 1] ?? 0));
    expect(waits.slice(0, 9)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('emits every poll and completes right after a terminal status', async () => {
    const { fetchJob } = scriptedFetch([jobWith('Queued'), jobWith('Running', 40), jobWith('Completed', 100)]);
    const { seen, outcome } = run(fetchJob, { timeoutMs: 600_000 });

    await vi.advanceTimersByTimeAsync(7_000);
    expect(seen.map((job) => job.status)).toEqual(['Queued', 'Running', 'Completed']);
    expect(outcome).toEqual({ completed: true, error: undefined });

    await vi.advanceTimersByTimeAsync(600_000);
    expect(fetchJob).toHaveBeenCalledTimes(3);
  });

  it.each(['Failed', 'Superseded', 'Cancelled'] as const)('treats %s as terminal too', async (status) => {
    const { fetchJob } = scriptedFetch([jobWith(status)]);
    const { outcome } = run(fetchJob, { timeoutMs: 600_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(outcome.completed).toBe(true);
  });

  it('fails with a PollTimeoutError once the overall timeout passes, and stops polling', async () => {
    const { fetchJob } = scriptedFetch([jobWith('Running')]);
    const { outcome } = run(fetchJob, { timeoutMs: 20_000 });

    await vi.advanceTimersByTimeAsync(19_999);
    expect(outcome.error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome.error).toBeInstanceOf(PollTimeoutError);
    expect((outcome.error as Error).message).toMatch(/after 20 s without a final status/);

    const calls = fetchJob.mock.calls.length;
    await vi.advanceTimersByTimeAsync(600_000);
    expect(fetchJob).toHaveBeenCalledTimes(calls);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fetches nothing more after unsubscribe and leaves no timer behind', async () => {
    const { fetchJob } = scriptedFetch([jobWith('Running')]);
    const { subscription } = run(fetchJob, { timeoutMs: 600_000 });

    await vi.advanceTimersByTimeAsync(3_000);
    expect(fetchJob).toHaveBeenCalledTimes(2);
    subscription.unsubscribe();
    expect(vi.getTimerCount()).toBe(0);

    await vi.advanceTimersByTimeAsync(600_000);
    expect(fetchJob).toHaveBeenCalledTimes(2);
  });

  it('aborts the request in flight when the subscriber leaves, and drops its answer', async () => {
    let answer: (job: JobView) => void = () => undefined;
    const signals: AbortSignal[] = [];
    const fetchJob = vi.fn((signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<JobView>((resolve) => (answer = resolve));
    });
    const { seen, subscription } = run(fetchJob, { timeoutMs: 600_000 });

    await vi.advanceTimersByTimeAsync(1_000);
    subscription.unsubscribe();
    expect(signals[0].aborted).toBe(true);
    answer(jobWith('Completed'));
    await vi.advanceTimersByTimeAsync(600_000);
    expect(seen).toEqual([]);
    expect(fetchJob).toHaveBeenCalledTimes(1);
  });

  it('starts no further poll when the subscriber unsubscribes from inside next', async () => {
    const { fetchJob } = scriptedFetch([jobWith('Running')]);
    const subscription = pollJob(fetchJob, { timeoutMs: 600_000 }).subscribe(() => subscription.unsubscribe());

    await vi.advanceTimersByTimeAsync(600_000);
    expect(fetchJob).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('retries a failed fetch on the same schedule and carries on after it recovers', async () => {
    const { fetchJob, calledAt } = scriptedFetch([new Error('502 Bad Gateway'), new Error('502 Bad Gateway'), jobWith('Completed')]);
    const { seen, outcome } = run(fetchJob, { timeoutMs: 600_000 });

    await vi.advanceTimersByTimeAsync(10_000);
    expect(calledAt).toEqual([1_000, 3_000, 7_000]);
    expect(seen.map((job) => job.status)).toEqual(['Completed']);
    expect(outcome).toEqual({ completed: true, error: undefined });
  });

  it('gives up after five fetch errors in a row with the last error', async () => {
    const { fetchJob } = scriptedFetch([new Error('network down')]);
    const { outcome } = run(fetchJob, { timeoutMs: 600_000 });

    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 8_000);
    expect(fetchJob).toHaveBeenCalledTimes(4);
    expect(outcome.error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(16_000);
    expect(fetchJob).toHaveBeenCalledTimes(5);
    expect((outcome.error as Error).message).toBe('network down');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fails at once on an error the caller says is not worth retrying', async () => {
    const { fetchJob } = scriptedFetch([new Error('This job does not exist')]);
    const { outcome } = run(fetchJob, { timeoutMs: 600_000, isRetryable: () => false });

    await vi.advanceTimersByTimeAsync(1_000);
    expect((outcome.error as Error).message).toBe('This job does not exist');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(fetchJob).toHaveBeenCalledTimes(1);
  });

  it('honours custom delays', async () => {
    const { fetchJob, calledAt } = scriptedFetch([jobWith('Running')]);
    run(fetchJob, { timeoutMs: 600_000, initialDelayMs: 2_000, maxDelayMs: 5_000, backoffFactor: 3 });

    await vi.advanceTimersByTimeAsync(20_000);
    expect(calledAt).toEqual([2_000, 7_000, 12_000, 17_000]);
  });
});
