import { DestroyRef, inject } from '@angular/core';
import type { JobType } from '@storyline/contracts';
import { JobFollower, type JobFollowerOptions } from './job-follower';
import { JobWatcher } from './job-watcher';
import { injectTrpc } from './provide-trpc';

/**
 * A {@link JobFollower} for `type`, watching through the {@link JobWatcher} and
 * stopped when the calling component or service is destroyed. Call in an injection context.
 */
export function injectJobFollower(type: JobType, options: JobFollowerOptions = {}): JobFollower {
  const trpc = injectTrpc();
  const watcher = inject(JobWatcher);
  const follower = new JobFollower(
    type,
    {
      watch: (jobId, jobType) => watcher.watch(jobId, jobType),
      latestFor: (jobType, targetId) => trpc.jobs.latestFor.query({ type: jobType, targetId }),
      retry: (jobId) => trpc.jobs.retry.mutate({ jobId }),
    },
    options,
  );
  inject(DestroyRef).onDestroy(() => follower.stop());
  return follower;
}
