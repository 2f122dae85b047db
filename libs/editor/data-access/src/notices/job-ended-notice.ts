import type { JobType, JobView, Notice } from '@storyline/contracts';
import { failedText } from '../following/job-end-wording';

/** What each job type is called in a sentence. */
const JOB_NAMES: Record<JobType, string> = {
  'story-publish': 'Publishing',
  'story-version': 'The new draft',
  'story-import': 'The import',
  'story-export': 'The ZIP export',
  'story-fork': 'The fork',
  'story-fork-assets': 'Copying the fork’s images',
  'story-document-export': 'The PDF export',
  'epic-publish': 'Publishing the epic',
  'epic-version': 'The epic’s new version',
  'region-version': 'The region’s new version',
  'hero-version': 'The hero’s new version',
};

/** The first text field of a result that names what was made (a file, a story, a version). */
function resultName(result: JobView['result']): string | null {
  for (const key of ['fileName', 'title', 'storyTitle']) {
    const value = result?.[key];
    if (typeof value === 'string' && value.trim()) return value;
  }
  const version = result?.['version'];
  return typeof version === 'number' ? `version ${version}` : null;
}

/**
 * The notice for a job of the user's that ended while no page showed it ("The ZIP export
 * is ready: the-fox.zip", "The import failed: …"); null for a job still open or superseded.
 */
export function jobEndedNotice(job: JobView): Notice | null {
  const name = JOB_NAMES[job.type];
  const at = job.completedAt ?? new Date().toISOString();
  const base = { id: `job-${job.id}`, at, scope: 'user', jobId: job.id } as const;
  switch (job.status) {
    case 'Completed': {
      const made = resultName(job.result);
      return { ...base, level: 'info', message: made ? `${name} is done: ${made}` : `${name} is done` };
    }
    case 'Failed':
      return { ...base, level: 'warning', message: failedText(name, job) };
    case 'Cancelled':
      return { ...base, level: 'info', message: `${name} was cancelled` };
    default:
      return null;
  }
}

/**
 * The notice for a job that ended, if the user should get one: it must be their own
 * (an admin's user stream carries everyone's) and no page may speak for it already.
 */
export function noticeForEndedJob(job: JobView, viewer: { userId: string; speaksFor: (jobId: string) => boolean }): Notice | null {
  if (job.ownerId !== viewer.userId || viewer.speaksFor(job.id)) return null;
  return jobEndedNotice(job);
}
