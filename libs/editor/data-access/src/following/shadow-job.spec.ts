import { describe, expect, it, vi } from 'vitest';
import { Subject } from 'rxjs';
import type { JobStatus, JobView } from '@storyline/contracts';
import { PollTimeoutError } from './poll-job';
import { shadowJob, type ShadowOutcome } from './shadow-job';
import { aJobView } from '../testing/a-job-view';

function view(status: JobStatus, overrides: Partial<JobView> = {}): JobView {
  return aJobView({ status, progress: status === 'Completed' ? 100 : 50, lastSeq: 3, ...overrides });
}

function setUp() {
  const push = new Subject<JobView>();
  const poll = new Subject<JobView>();
  const reports: ShadowOutcome[] = [];
  let clock = 1_000;
  const seen: JobView[] = [];
  const outcome = { completed: false, error: undefined as unknown };
  const subscription = shadowJob(push, poll, (report) => reports.push(report), () => clock).subscribe({
    next: (job) => seen.push(job),
    complete: () => (outcome.completed = true),
    error: (error: unknown) => (outcome.error = error),
  });
  return { push, poll, reports, seen, outcome, subscription, advance: (ms: number) => (clock += ms) };
}

describe('shadowJob', () => {
  it('shows what push sees, and nothing of what polling sees', () => {
    const { push, poll, seen } = setUp();
    push.next(view('Running'));
    poll.next(view('Queued', { lastSeq: 1 }));
    expect(seen.map((job) => job.status)).toEqual(['Running']);
  });

  it('reports once, when both have seen the end, how much later polling saw it', () => {
    const { push, poll, reports, outcome, advance } = setUp();
    push.next(view('Completed', { result: { version: 2 } }));
    push.complete();
    expect(reports).toEqual([]);
    expect(outcome.completed).toBe(false);

    advance(3_250);
    poll.next(view('Completed', { result: { version: 2 } }));
    expect(reports).toEqual([{ pollingLagMs: 3_250, agreed: true }]);
    expect(outcome.completed).toBe(true);
    expect(poll.observed).toBe(false);
  });

  it('reports a negative lag when polling saw the end first', () => {
    const { push, poll, reports, advance } = setUp();
    poll.next(view('Completed'));
    advance(400);
    push.next(view('Completed'));
    expect(reports).toEqual([{ pollingLagMs: -400, agreed: true }]);
  });

  it('agrees on equal results whatever the order of their keys', () => {
    const { push, poll, reports } = setUp();
    push.next(view('Completed', { result: { version: 2, pages: { count: 3, words: 90 } } }));
    poll.next(view('Completed', { result: { pages: { words: 90, count: 3 }, version: 2 } }));
    expect(reports[0].agreed).toBe(true);
  });

  it('reports a disagreement with both outcomes', () => {
    const { push, poll, reports } = setUp();
    push.next(view('Completed', { result: { version: 2 } }));
    poll.next(view('Failed', { error: 'Story no longer exists' }));
    expect(reports).toEqual([
      { pollingLagMs: 0, agreed: false, detail: 'push ended Completed {"version":2}; polling ended Failed null (Story no longer exists)' },
    ]);
  });

  it('reports a disagreement when polling times out', () => {
    const { push, poll, reports, outcome, advance } = setUp();
    push.next(view('Completed'));
    advance(1_200_000);
    poll.error(new PollTimeoutError(1_200_000));
    expect(reports).toEqual([
      {
        pollingLagMs: 1_200_000,
        agreed: false,
        detail: 'push ended Completed null; polling gave up: Stopped waiting for the job after 1200 s without a final status',
      },
    ]);
    expect(outcome.completed).toBe(true);
  });

  it('passes a push error on and stops polling, reporting nothing', () => {
    const { push, poll, reports, outcome } = setUp();
    push.error(new Error('This job does not exist'));
    expect((outcome.error as Error).message).toBe('This job does not exist');
    expect(poll.observed).toBe(false);
    expect(reports).toEqual([]);
  });

  it('stops both and reports nothing when unsubscribed before the end', () => {
    const { push, poll, reports, subscription } = setUp();
    push.next(view('Completed'));
    subscription.unsubscribe();
    expect(push.observed).toBe(false);
    expect(poll.observed).toBe(false);
    poll.next(view('Completed'));
    expect(reports).toEqual([]);
  });

  it('reports only once even when polling repeats the terminal view', () => {
    const report = vi.fn();
    const push = new Subject<JobView>();
    const poll = new Subject<JobView>();
    shadowJob(push, poll, report).subscribe();
    push.next(view('Cancelled'));
    poll.next(view('Cancelled'));
    poll.next(view('Cancelled'));
    expect(report).toHaveBeenCalledTimes(1);
  });
});
