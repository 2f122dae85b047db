import postgres from 'postgres';
import { AppShell } from './app-shell.po';
import { expect, test } from './fixtures';
import { StorylineApi } from './storyline-api';

const JOB_TIMEOUT = { timeout: 30_000 };
const TITLE = 'The Fox and the Lantern';
const pages = [{ en: 'The fox carried the lantern home.', ro: 'Vulpea a dus felinarul acasă.', media: [] }];

/**
 * `count` publish jobs of the story's owner that ended an hour ago and more, one minute
 * apart, written straight into the stack's Postgres: older than anything the user stream
 * lists, so only paging reaches them. Answers their ids, oldest first.
 */
async function finishedLongAgo(storyId: string, count: number): Promise<string[]> {
  const sql = postgres(`postgres://storyline:storyline@127.0.0.1:${process.env['E2E_PG_PORT']}/storyline`, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ id: string }[]>`
      insert into jobs (type, target_id, owner_id, payload, status, progress, result, queued_at, started_at, completed_at)
      select 'story-publish', s.id, s.owner_id, jsonb_build_object('storyId', s.id), 'Completed', 100, '{"version": 1}'::jsonb,
        now() - make_interval(hours => 1, mins => n), now() - make_interval(hours => 1, mins => n), now() - make_interval(hours => 1, mins => n)
      from stories s, generate_series(1, ${count}) n where s.id = ${storyId}
      returning id, queued_at`;
    return [...rows].reverse().map((row) => row.id);
  } finally {
    await sql.end();
  }
}

test('Activity names each job as its author would, links to the story and the job page, and pages through older jobs', async ({ signIn }) => {
  const alice = await signIn('alice');
  const api = new StorylineApi(alice.request);
  const story = await api.createDraftStory(TITLE, pages);
  const older = await finishedLongAgo(story.id, 25);
  const { jobId } = await api.mutate<{ jobId: string }>('stories.exportDocument', { storyId: story.id, language: 'en' });

  const shell = new AppShell(alice);
  await shell.openActivity();
  const row = shell.activityJob(jobId);
  await expect(row).toHaveAttribute('data-status', 'Completed', JOB_TIMEOUT);
  await expect(row.getByTestId('activity-job-link')).toHaveText(`PDF export of “${TITLE}”`);
  await expect(shell.activityPanel).not.toContainText('story-document-export');
  await expect(shell.activityPanel).not.toContainText(jobId);

  // Older jobs, newest first, a page at a time, until the oldest; then there is nothing older to show.
  const oldest = shell.activityJob(older[0]);
  const showOlder = shell.activityPanel.getByTestId('activity-older');
  await expect(oldest).toHaveCount(0);
  while ((await oldest.count()) === 0) {
    await showOlder.click();
    await expect(shell.activityPanel.getByText('Loading…')).toHaveCount(0);
  }
  await expect(showOlder).toHaveCount(0);
  const listed = await shell.activityPanel.getByTestId('activity-job').evaluateAll((rows) => rows.map((li) => li.getAttribute('data-job-id')));
  expect(listed.filter((id) => older.includes(id ?? ''))).toEqual([...older].reverse());
  await expect(oldest.getByTestId('activity-job-link')).toHaveText(`Publication of “${TITLE}”`);

  await row.getByTestId('activity-target-link').click();
  await expect(alice).toHaveURL(new RegExp(`/stories/${story.id}$`));

  await row.getByTestId('activity-job-link').click();
  await expect(alice).toHaveURL(new RegExp(`/jobs/${jobId}$`));
  const jobPage = alice.getByTestId('job-page');
  await expect(jobPage.getByTestId('job-page-title')).toHaveText(`PDF export of “${TITLE}”`);
  await expect(jobPage.getByTestId('job-page-job')).toHaveAttribute('data-status', 'Completed');
  await expect(jobPage.getByTestId('job-page-download')).toBeVisible();
  await expect(jobPage.getByTestId('job-page-ended')).not.toBeEmpty();
  await jobPage.getByTestId('job-page-target').click();
  await expect(alice).toHaveURL(new RegExp(`/stories/${story.id}$`));

  // A job that ended long ago has its page too, and another user is told it is not theirs.
  await alice.goto(`/jobs/${older[0]}`);
  await expect(alice.getByTestId('job-page-job')).toHaveAttribute('data-status', 'Completed');
  const bob = await signIn('bob');
  await bob.goto(`/jobs/${jobId}`);
  await expect(bob.getByTestId('job-page-error')).toHaveText(/belongs to another user/);
});
