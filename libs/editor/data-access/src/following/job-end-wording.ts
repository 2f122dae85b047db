import type { FollowedJob } from '@storyline/contracts';

/** What is said when a job followed on a page ends: a toast's text and how it looks. */
export interface JobEndMessage {
  level: 'success' | 'error' | 'warning' | 'info';
  text: string;
}

/**
 * A page's words for how its job ended, by final status; a status left out is not
 * spoken of. `Completed` may answer an error when the result lacks what it should name.
 */
export interface JobEndWording {
  /** The success toast's text (or an error, when the result does not name what was made). */
  Completed?: (job: FollowedJob) => string | JobEndMessage;
  /** What failed, as in "Publishing" for "Publishing failed: <the job's error>". */
  Failed?: string;
  /** Said as it is, as are `Superseded`'s words. */
  Cancelled?: string;
  Superseded?: string;
}

/** "Publishing failed: <reason>", the same for every job and every page. */
export function failedText(doing: string, job: Pick<FollowedJob, 'error'>): string {
  return `${doing} failed: ${job.error ?? 'no reason given'}`;
}

/** What `wording` says of `job`'s end: success for completed, error for failed, info otherwise; null when it says nothing. */
export function jobEndMessage(job: FollowedJob, wording: JobEndWording): JobEndMessage | null {
  switch (job.status) {
    case 'Completed': {
      const said = wording.Completed?.(job);
      if (said === undefined) return null;
      return typeof said === 'string' ? { level: 'success', text: said } : said;
    }
    case 'Failed':
      return wording.Failed === undefined ? null : { level: 'error', text: failedText(wording.Failed, job) };
    case 'Cancelled':
    case 'Superseded': {
      const text = wording[job.status];
      return text === undefined ? null : { level: 'info', text };
    }
    default:
      return null;
  }
}
