import { DestroyRef, inject } from '@angular/core';
import { defer, filter, finalize } from 'rxjs';
import type { FollowedJob, JobType } from '@storyline/contracts';
import { injectTrpc } from '../api/provide-trpc';
import { jobEndedNotice } from '../notices/job-ended-notice';
import { NoticeBoard } from '../notices/notice-board';
import { UserStream } from '../user-stream/user-stream';
import { FollowedJobs } from './followed-jobs';
import { jobEndMessage, type JobEndMessage, type JobEndWording } from './job-end-wording';
import { JobFollower, type JobFollowerOptions } from './job-follower';
import { JobsOnScreen } from './jobs-on-screen';

export interface PageJobFollowerOptions extends JobFollowerOptions {
  /**
   * The page's words for how its job ended, said as a toast before `onEnd` runs.
   * Without them the follower says what a notice of the job's end would.
   */
  endWording?: JobEndWording;
}

/** What a notice of the job's end would say, for a page that brings no words of its own. */
function noticeMessage(job: FollowedJob): JobEndMessage | null {
  const notice = jobEndedNotice(job);
  return notice && { level: notice.level, text: notice.message };
}

/**
 * A {@link JobFollower} for `type`, following through the {@link FollowedJobs} and
 * stopped when the calling component or service is destroyed. Call in an injection context.
 * The job it follows counts as on screen ({@link JobsOnScreen}), and its end is said
 * through the {@link NoticeBoard} in the page's words, so it is not also a notice.
 */
export function injectJobFollower(type: JobType, options: PageJobFollowerOptions = {}): JobFollower {
  return injectJobFollowerFactory()(type, options);
}

/**
 * Makes {@link injectJobFollower}'s followers later, for a page that learns the job's type
 * only once it has read the job (the job page). Call in an injection context; every follower
 * made is stopped when the caller is destroyed.
 */
export function injectJobFollowerFactory(): (type: JobType, options?: PageJobFollowerOptions) => JobFollower {
  const trpc = injectTrpc();
  const followed = inject(FollowedJobs);
  const onScreen = inject(JobsOnScreen);
  const board = inject(NoticeBoard);
  const userStream = inject(UserStream);
  const made: JobFollower[] = [];
  inject(DestroyRef).onDestroy(() => made.forEach((follower) => follower.reset()));
  return (type, options = {}) => {
    const { endWording, ...followerOptions } = options;
    const follower = new JobFollower(
      type,
      {
        follow: (jobId, jobType, seen) =>
          defer(() => {
            const hide = onScreen.show(jobId);
            return followed.follow(jobId, jobType, seen).pipe(finalize(hide));
          }),
        latestFor: (jobType, targetId) => trpc.jobs.latestFor.query({ type: jobType, targetId }),
        retry: (jobId) => trpc.jobs.retry.mutate({ jobId }),
        cancel: (jobId) => trpc.jobs.cancel.mutate({ jobId }),
        startedFor: (jobType, targetId) => userStream.started$.pipe(filter((job) => job.type === jobType && job.targetId === targetId)),
      },
      {
        ...followerOptions,
        onEnd: (job) => {
          board.say(job.id, endWording ? jobEndMessage(job, endWording) : noticeMessage(job));
          options.onEnd?.(job);
        },
      },
    );
    made.push(follower);
    return follower;
  };
}
