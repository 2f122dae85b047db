import { describe, expect, it } from 'vitest';
import type { FollowedJob, JobStatus, JobView } from '@storyline/contracts';
import { jobEndMessage, type JobEndWording } from './job-end-wording';
import { aJobView } from '../testing/a-job-view';

const ended = (status: JobStatus, overrides: Partial<JobView> = {}): FollowedJob => ({ ...aJobView({ status, ...overrides }), transport: 'push', fellBack: false });
const publishing: JobEndWording = {
  Completed: (job) => (typeof job.result?.['version'] === 'number' ? `Published version ${job.result['version']}` : { level: 'error', text: 'No version named' }),
  Failed: 'Publishing',
  Cancelled: 'Publishing was cancelled',
};

describe('jobEndMessage', () => {
  it('says a completed job in the page’s words as a success, or as the error the page gives', () => {
    expect(jobEndMessage(ended('Completed', { result: { version: 3 } }), publishing)).toEqual({ level: 'success', text: 'Published version 3' });
    expect(jobEndMessage(ended('Completed'), publishing)).toEqual({ level: 'error', text: 'No version named' });
  });

  it('gives a failure’s reason after what failed, or says none was given', () => {
    expect(jobEndMessage(ended('Failed', { error: 'the story has no English text' }), publishing)).toEqual({ level: 'error', text: 'Publishing failed: the story has no English text' });
    expect(jobEndMessage(ended('Failed'), publishing)).toEqual({ level: 'error', text: 'Publishing failed: no reason given' });
  });

  it('says a cancelled or superseded job as information, and nothing of a status the page leaves out', () => {
    expect(jobEndMessage(ended('Cancelled'), publishing)).toEqual({ level: 'info', text: 'Publishing was cancelled' });
    expect(jobEndMessage(ended('Superseded'), publishing)).toBeNull();
    expect(jobEndMessage(ended('Running'), publishing)).toBeNull();
  });
});
