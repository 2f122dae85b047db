import { describe, expect, it } from 'vitest';
import { jobEndedNotice, noticeForEndedJob } from './job-ended-notice';
import { JobsOnScreen } from '../following/jobs-on-screen';
import { aJobView } from '../testing/a-job-view';

const OWNER = '7d1c4c5e-0000-4000-8000-000000000003';
const ended = aJobView({ type: 'story-export', status: 'Completed', completedAt: '2030-01-01T00:01:00.000Z', result: { fileName: 'the-fox.zip' } });

describe('jobEndedNotice', () => {
  it('says what finished and what it made', () => {
    expect(jobEndedNotice(ended)).toEqual({
      id: `job-${ended.id}`,
      level: 'info',
      message: 'The ZIP export is done: the-fox.zip',
      at: '2030-01-01T00:01:00.000Z',
      scope: 'user',
      jobId: ended.id,
    });
  });

  it('gives the reason of a failure as a warning', () => {
    const notice = jobEndedNotice(aJobView({ type: 'story-import', status: 'Failed', error: 'the ZIP holds no story.json' }));
    expect(notice).toMatchObject({ level: 'warning', message: 'The import failed: the ZIP holds no story.json' });
  });

  it('says nothing of a job still running or superseded on purpose', () => {
    expect(jobEndedNotice(aJobView({ status: 'Running' }))).toBeNull();
    expect(jobEndedNotice(aJobView({ status: 'Superseded' }))).toBeNull();
  });
});

describe('noticeForEndedJob', () => {
  it('makes a notice of the user’s job that no page shows', () => {
    const onScreen = new JobsOnScreen();
    expect(noticeForEndedJob(ended, { userId: OWNER, speaksFor: (id) => onScreen.speaksFor(id) })).not.toBeNull();
  });

  it('leaves a job on screen to its page, also once the page let go after saying its end', () => {
    const onScreen = new JobsOnScreen();
    const viewer = { userId: OWNER, speaksFor: (id: string) => onScreen.speaksFor(id) };
    const hide = onScreen.show(ended.id);
    expect(noticeForEndedJob(ended, viewer)).toBeNull();
    onScreen.spokeOf(ended.id);
    hide();
    expect(noticeForEndedJob(ended, viewer)).toBeNull();
  });

  it('makes a notice once the page showing the job is gone without saying its end', () => {
    const onScreen = new JobsOnScreen();
    const hideOne = onScreen.show(ended.id);
    const hideTwo = onScreen.show(ended.id);
    hideOne();
    hideOne();
    expect(onScreen.speaksFor(ended.id)).toBe(true);
    hideTwo();
    expect(noticeForEndedJob(ended, { userId: OWNER, speaksFor: (id) => onScreen.speaksFor(id) })).not.toBeNull();
  });

  it('ignores other users’ jobs on an admin’s user stream', () => {
    expect(noticeForEndedJob(ended, { userId: 'someone-else', speaksFor: () => false })).toBeNull();
  });
});
