/**
 * What a bench client process (`stream-clients.ts`) does for `concurrent-jobs.ts`: publishes
 * stories over tRPC's HTTP endpoints as the editor does, and follows each job by polling
 * `jobs.get` until it ends, recording what every poll saw.
 */
import { isTerminalStatus, type JobStarted, type JobStatus, type JobView } from '@storyline/contracts';
import { callTrpc } from './call-trpc';

export interface StoryToPublish {
  cookie: string;
  storyId: string;
}

export interface PublishedJob {
  jobId: string;
}

/** The old editor: a `jobs.get` every 5 s. The polling helper (`pollJob`): after 1 s, then doubling to 60 s. */
export type PollSchedule = 'status-quo' | 'disciplined';

/** The wait before a schedule's first poll. */
export const FIRST_POLL_MS: Record<PollSchedule, number> = { 'status-quo': 5_000, disciplined: 1_000 };

/** The wait after a poll that waited `delay`. */
export function nextPollDelay(schedule: PollSchedule, delay: number): number {
  return schedule === 'status-quo' ? 5_000 : Math.min(delay * 2, 60_000);
}

/** One answered poll: when the answer arrived (epoch ms) and the job as it stood. */
export interface PollSeen {
  at: number;
  lastSeq: number;
  status: JobStatus;
}

export interface PolledJob extends PublishedJob {
  polls: PollSeen[];
  /** Polls that failed (an error answer, or none within the request timeout). */
  failures: number;
}

export interface PollTrace {
  /** `jobs.get` requests sent, answered or not. */
  requests: number;
  jobs: PolledJob[];
}

async function publishStory(baseUrl: string, story: StoryToPublish): Promise<PublishedJob> {
  const started = await callTrpc<JobStarted>(baseUrl, story.cookie, 'stories.publish', { storyId: story.storyId }, 'POST');
  return { jobId: started.jobId };
}

/** Publishes every story at once, each with its owner's cookie. */
export function publishStories(baseUrl: string, stories: StoryToPublish[]): Promise<PublishedJob[]> {
  return Promise.all(stories.map((story) => publishStory(baseUrl, story)));
}

/**
 * Publishes every story at once and polls each job on `schedule` from the moment its
 * publish answered (when the editor learns the job's id), until a poll shows it ended or the next poll would fall after `deadline` (epoch ms).
 * Each wait starts when the previous answer arrived, as `pollJob` schedules it.
 */
export async function publishAndPoll(baseUrl: string, stories: StoryToPublish[], schedule: PollSchedule, deadline: number): Promise<PollTrace> {
  let requests = 0;
  const follow = async (story: StoryToPublish): Promise<PolledJob> => {
    const job: PolledJob = { ...(await publishStory(baseUrl, story)), polls: [], failures: 0 };
    let delay = FIRST_POLL_MS[schedule];
    for (;;) {
      if (Date.now() + delay > deadline) return job;
      await new Promise((resolve) => setTimeout(resolve, delay));
      requests += 1;
      const view = await callTrpc<JobView>(baseUrl, story.cookie, 'jobs.get', { jobId: job.jobId }, 'GET').catch(() => null);
      if (view) {
        job.polls.push({ at: Date.now(), lastSeq: view.lastSeq, status: view.status });
        if (isTerminalStatus(view.status)) return job;
      } else job.failures += 1;
      delay = nextPollDelay(schedule, delay);
    }
  };
  const jobs = await Promise.all(stories.map(follow));
  return { requests, jobs };
}
