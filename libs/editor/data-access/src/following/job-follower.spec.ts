import { describe, expect, it, vi } from 'vitest';
import { filter, Subject } from 'rxjs';
import type { FollowedJob, JobStatus, JobView } from '@storyline/contracts';
import { JobFollower, type JobFollowerSource } from './job-follower';
import { aJobView } from '../testing/a-job-view';

const TARGET = '7d1c4c5e-0000-4000-8000-0000000000aa';

function followed(id: string, status: JobStatus, overrides: Partial<JobView> = {}): FollowedJob {
  return { ...aJobView({ id, type: 'story-export', status, ...overrides }), transport: 'push', fellBack: false };
}

/** A source whose follows the test drives, one subject per job id. */
function fakeSource(latest: JobView | null = null) {
  const streams = new Map<string, Subject<FollowedJob>>();
  const started = new Subject<JobView>();
  const source: JobFollowerSource = {
    startedFor: (type, targetId) => started.pipe(filter((job) => job.type === type && job.targetId === targetId)),
    follow: vi.fn((jobId: string) => {
      const stream = new Subject<FollowedJob>();
      streams.set(jobId, stream);
      return stream;
    }),
    latestFor: vi.fn(async () => latest),
    retry: vi.fn(async () => ({ jobId: 'job-2', status: 'Queued' as const })),
    cancel: vi.fn(async () => undefined),
  };
  return { source, started, stream: (jobId: string) => streams.get(jobId) as Subject<FollowedJob> };
}

describe('JobFollower', () => {
  it('follows the job a start returns and is busy until it ends', async () => {
    const { source, stream } = fakeSource();
    const onEnd = vi.fn();
    const follower = new JobFollower('story-export', source, { onEnd });

    await follower.start(async () => ({ jobId: 'job-1', status: 'Queued' }));
    expect(source.follow).toHaveBeenCalledWith('job-1', 'story-export', undefined);
    expect(follower.busy()).toBe(true);
    stream('job-1').next(followed('job-1', 'Running'));
    expect(follower.busy()).toBe(true);
    stream('job-1').next(followed('job-1', 'Completed'));
    expect(follower.busy()).toBe(false);
    expect(follower.job()?.status).toBe('Completed');
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it('announces a job started here even when its first state is already final', async () => {
    const { source, stream } = fakeSource();
    const onEnd = vi.fn();
    const follower = new JobFollower('story-export', source, { onEnd });
    await follower.start(async () => ({ jobId: 'job-1', status: 'Queued' }));
    stream('job-1').next(followed('job-1', 'Failed'));
    expect(onEnd).toHaveBeenCalledWith(expect.objectContaining({ status: 'Failed' }));
  });

  it('starts nothing when the request gives up, and is not busy afterwards', async () => {
    const { source } = fakeSource();
    const follower = new JobFollower('story-export', source);
    await follower.start(async () => null);
    expect(source.follow).not.toHaveBeenCalled();
    expect(follower.busy()).toBe(false);
  });

  it('passes the server refusal on and stops being busy', async () => {
    const { source } = fakeSource();
    const follower = new JobFollower('story-export', source);
    await expect(follower.start(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(follower.busy()).toBe(false);
  });

  it('drops a start that answers after the page switched to another target', async () => {
    const { source } = fakeSource();
    const follower = new JobFollower('story-export', source);
    let answer: (started: { jobId: string; status: 'Queued' }) => void = () => undefined;
    const starting = follower.start(() => new Promise((resolve) => (answer = resolve)));
    follower.reset();
    answer({ jobId: 'job-1', status: 'Queued' });
    await starting;
    expect(source.follow).not.toHaveBeenCalled();
    expect(follower.job()).toBeNull();
  });

  it('picks up an open job when the page reopens, and announces its end', async () => {
    const { source, stream } = fakeSource(aJobView({ id: 'job-1', status: 'Running' }));
    const onEnd = vi.fn();
    const follower = new JobFollower('story-export', source, { onEnd });
    await follower.resume(TARGET);
    expect(source.latestFor).toHaveBeenCalledWith('story-export', TARGET);
    stream('job-1').next(followed('job-1', 'Running'));
    stream('job-1').next(followed('job-1', 'Completed'));
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it('leaves a finished job alone on reopening unless asked to keep it, and never re-announces it', async () => {
    const done = aJobView({ id: 'job-1', status: 'Completed' });
    const ignoring = fakeSource(done);
    await new JobFollower('story-export', ignoring.source).resume(TARGET);
    expect(ignoring.source.follow).not.toHaveBeenCalled();

    const keeping = fakeSource(done);
    const onEnd = vi.fn();
    const follower = new JobFollower('story-export', keeping.source, { onEnd });
    await follower.resume(TARGET, (job) => job.status === 'Completed');
    keeping.stream('job-1').next(followed('job-1', 'Completed'));
    expect(follower.job()?.status).toBe('Completed');
    expect(onEnd).not.toHaveBeenCalled();
  });

  it('retries a failed job as a new one and follows that', async () => {
    const { source, stream } = fakeSource();
    const follower = new JobFollower('story-export', source);
    await follower.start(async () => ({ jobId: 'job-1', status: 'Queued' }));
    stream('job-1').next(followed('job-1', 'Failed', { error: 'storage was down' }));
    expect(follower.canRetry()).toBe(true);

    await follower.retry();
    expect(source.retry).toHaveBeenCalledWith('job-1');
    expect(source.follow).toHaveBeenLastCalledWith('job-2', 'story-export', undefined);
    expect(follower.job()).toBeNull();
    expect(follower.canRetry()).toBe(false);
    expect(follower.busy()).toBe(true);
    stream('job-2').next(followed('job-2', 'Queued'));
    expect(follower.job()?.id).toBe('job-2');
    expect(follower.canRetry()).toBe(false);
  });

  it('offers no retry for a failure no retry can cure, but its remedy, and retries nothing when asked', async () => {
    const { source, stream } = fakeSource();
    const follower = new JobFollower('story-import', source);
    await follower.start(async () => ({ jobId: 'job-1', status: 'Queued' }));
    const remedy = { action: 'choose-another-file', page: null } as const;
    stream('job-1').next(followed('job-1', 'Failed', { error: 'not a story archive', failure: { retryable: false, remedy } }));
    expect(follower.canRetry()).toBe(false);
    expect(follower.remedy()).toEqual(remedy);
    await follower.retry();
    expect(source.retry).not.toHaveBeenCalled();
  });

  it("stops showing the previous export's file as soon as another export starts", async () => {
    const { source, stream } = fakeSource();
    const follower = new JobFollower('story-export', source);
    await follower.start(async () => ({ jobId: 'job-1', status: 'Queued' }));
    stream('job-1').next(followed('job-1', 'Completed', { result: { fileName: 'old.zip' } }));
    let answer: (started: { jobId: string; status: 'Queued' }) => void = () => undefined;
    const starting = follower.start(() => new Promise((resolve) => (answer = resolve)));
    expect(follower.job()).toBeNull();
    answer({ jobId: 'job-3', status: 'Queued' });
    await starting;
    stream('job-3').next(followed('job-3', 'Running'));
    expect(follower.job()?.id).toBe('job-3');
  });

  it('cancels a running job once, then offers retry when following reports it cancelled', async () => {
    const { source, stream } = fakeSource();
    const follower = new JobFollower('story-export', source);
    await follower.start(async () => ({ jobId: 'job-1', status: 'Queued' }));
    stream('job-1').next(followed('job-1', 'Running'));
    expect(follower.canCancel()).toBe(true);

    await follower.cancel();
    await follower.cancel();
    expect(source.cancel).toHaveBeenCalledTimes(1);
    expect(source.cancel).toHaveBeenCalledWith('job-1');
    expect(follower.canCancel()).toBe(false);
    stream('job-1').next(followed('job-1', 'Cancelled'));
    expect(follower.canCancel()).toBe(false);
    expect(follower.canRetry()).toBe(true);
  });

  it('offers cancel again when the server refused it, and passes its reason on', async () => {
    const { source, stream } = fakeSource();
    vi.mocked(source.cancel).mockRejectedValueOnce(new Error('This job already ended (Completed); there is nothing to cancel'));
    const follower = new JobFollower('story-export', source);
    await follower.start(async () => ({ jobId: 'job-1', status: 'Queued' }));
    stream('job-1').next(followed('job-1', 'Queued'));
    await expect(follower.cancel()).rejects.toThrow(/already ended/);
    expect(follower.canCancel()).toBe(true);
  });

  it('offers no retry for a job that completed', async () => {
    const { source, stream } = fakeSource();
    const follower = new JobFollower('story-export', source);
    await follower.start(async () => ({ jobId: 'job-1', status: 'Queued' }));
    stream('job-1').next(followed('job-1', 'Completed'));
    await follower.retry();
    expect(follower.canRetry()).toBe(false);
    expect(source.retry).not.toHaveBeenCalled();
  });

  it('reports every state to onUpdate and a broken follow to onLost', async () => {
    const { source, stream } = fakeSource();
    const onUpdate = vi.fn();
    const onLost = vi.fn();
    const follower = new JobFollower('story-fork-assets', source, { onUpdate, onLost });
    follower.follow('job-1');
    stream('job-1').next(followed('job-1', 'Running', { progress: 30 }));
    stream('job-1').next(followed('job-1', 'Running', { progress: 60 }));
    stream('job-1').error(new Error('gone'));
    expect(onUpdate.mock.calls.map(([job]) => (job as FollowedJob).progress)).toEqual([30, 60]);
    expect(onLost).toHaveBeenCalledTimes(1);
  });

  it('shows a job of its type for its target started elsewhere (another tab), and stops looking after a reset', async () => {
    const { source, started, stream } = fakeSource();
    const onEnd = vi.fn();
    const follower = new JobFollower('story-export', source, { onEnd });
    await follower.resume(TARGET);

    started.next(aJobView({ id: 'other-type', type: 'story-publish', targetId: TARGET }));
    started.next(aJobView({ id: 'other-target', type: 'story-export', targetId: 'a-different-story' }));
    expect(source.follow).not.toHaveBeenCalled();

    started.next(aJobView({ id: 'from-tab-2', type: 'story-export', targetId: TARGET }));
    expect(source.follow).toHaveBeenCalledWith('from-tab-2', 'story-export', undefined);
    stream('from-tab-2').next(followed('from-tab-2', 'Running'));
    stream('from-tab-2').next(followed('from-tab-2', 'Completed'));
    expect(follower.job()?.id).toBe('from-tab-2');
    expect(onEnd).toHaveBeenCalledTimes(1);

    follower.reset();
    started.next(aJobView({ id: 'after-reset', type: 'story-export', targetId: TARGET }));
    expect(source.follow).toHaveBeenCalledTimes(1);
  });

  it('leaves a job it is starting itself to the start, even when the stream reports it first', async () => {
    const { source, started } = fakeSource();
    const follower = new JobFollower('story-export', source);
    await follower.resume(TARGET);
    let answer: (value: { jobId: string; status: 'Queued' }) => void = () => undefined;
    const starting = follower.start(() => new Promise((resolve) => (answer = resolve)));
    started.next(aJobView({ id: 'job-1', type: 'story-export', targetId: TARGET }));
    expect(source.follow).not.toHaveBeenCalled();
    answer({ jobId: 'job-1', status: 'Queued' });
    await starting;
    expect(source.follow).toHaveBeenCalledTimes(1);
  });
});
