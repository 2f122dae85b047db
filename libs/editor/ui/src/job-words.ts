import type { JobType, JobView } from '@storyline/contracts';

/** What a job works on, as an author names it. */
export type JobTargetKind = 'story' | 'epic' | 'region' | 'hero';

interface JobTypeWords {
  /** What the job does, as the head of "… of “title”". */
  action: string;
  target: JobTargetKind;
}

/** Every job type in the author's words: the one table the Activity panel, the job page and cards read. */
const JOB_WORDS: Record<JobType, JobTypeWords> = {
  'story-publish': { action: 'Publication', target: 'story' },
  'story-version': { action: 'Opening an earlier version', target: 'story' },
  'story-export': { action: 'ZIP export', target: 'story' },
  'story-import': { action: 'Import', target: 'story' },
  'story-fork': { action: 'Copy', target: 'story' },
  'story-fork-assets': { action: 'Copying the images', target: 'story' },
  'story-document-export': { action: 'PDF export', target: 'story' },
  'epic-publish': { action: 'Publication', target: 'epic' },
  'epic-version': { action: 'New version', target: 'epic' },
  'region-version': { action: 'New version', target: 'region' },
  'hero-version': { action: 'New version', target: 'hero' },
};

/** Each kind of target with its article, for a target whose title is unknown. */
const UNKNOWN_TARGETS: Record<JobTargetKind, string> = { story: 'a story', epic: 'an epic', region: 'a region', hero: 'a hero' };

/** The list page of each kind of target; its editor is `<list>/<id>`. */
const TARGET_LISTS: Record<JobTargetKind, string> = { story: '/stories', epic: '/epics', region: '/regions', hero: '/heroes' };

/**
 * A job as an author says it: “PDF export of “The Fox and the Lantern””. A target whose
 * title is not known (deleted, or not made yet, as an import's new story) is named by its kind.
 */
export function jobPhrase(type: JobType, targetTitle: string | null): string {
  const { action, target } = JOB_WORDS[type];
  if (!targetTitle) return `${action} of ${UNKNOWN_TARGETS[target]}`;
  return `${action} of ${target === 'story' ? '' : `the ${target} `}“${targetTitle}”`;
}

/** What kind of thing `type`'s jobs work on. */
export function jobTargetKind(type: JobType): JobTargetKind {
  return JOB_WORDS[type].target;
}

/** The editor page of the thing a job works on, as router commands (`['/stories', id]`). */
export function jobTargetLink(job: Pick<JobView, 'type' | 'targetId'>): string[] {
  return [TARGET_LISTS[JOB_WORDS[job.type].target], job.targetId];
}
