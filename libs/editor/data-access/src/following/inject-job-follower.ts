import { DestroyRef, inject } from '@angular/core';
import { defer, finalize } from 'rxjs';
import type { JobType } from '@storyline/contracts';
import { injectTrpc } from '../api/provide-trpc';
import { FollowedJobs } from './followed-jobs';
import { JobFollower, type JobFollowerOptions } from './job-follower';
import { JobsOnScreen } from './jobs-on-screen';

/**
 * A {@link JobFollower} for `type`, following through the {@link FollowedJobs} and
 * stopped when the calling component or service is destroyed. Call in an injection context.
 * The job it follows counts as on screen ({@link JobsOnScreen}), so its end is not also a notice.
 */
export function injectJobFollower(type: JobType, options: JobFollowerOptions = {}): JobFollower {
  const trpc = injectTrpc();
  const followed = inject(FollowedJobs);
  const onScreen = inject(JobsOnScreen);
  const follower = new JobFollower(
    type,
    {
      follow: (jobId, jobType) =>
        defer(() => {
          const hide = onScreen.show(jobId);
          return followed.follow(jobId, jobType).pipe(finalize(hide));
        }),
      latestFor: (jobType, targetId) => trpc.jobs.latestFor.query({ type: jobType, targetId }),
      retry: (jobId) => trpc.jobs.retry.mutate({ jobId }),
      cancel: (jobId) => trpc.jobs.cancel.mutate({ jobId }),
    },
    {
      ...options,
      onEnd: (job) => {
        onScreen.markAnnounced(job.id);
        options.onEnd?.(job);
      },
    },
  );
  inject(DestroyRef).onDestroy(() => follower.stop());
  return follower;
}
