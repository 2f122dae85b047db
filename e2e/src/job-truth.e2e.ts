import { AppShell } from './app-shell.po';
import { expect, test } from './fixtures';
import { StoryFilesPage } from './file-jobs.po';
import { holdStories } from './hold-stories';
import { StorylineApi } from './storyline-api';

const JOB_TIMEOUT = { timeout: 30_000 };
const pages = [
  { en: 'The lantern burned on after the ship had gone.', ro: 'Felinarul a ars mai departe după ce nava plecase.', media: [] },
  { en: 'Nobody saw it go out.', ro: 'Nimeni nu l-a văzut stingându-se.', media: [] },
];

/** The card's time for a job that took `ms` from queued to completed, as the editor writes it (jobs here take under a minute). */
const seconds = (ms: number) => `${Math.floor(ms / 1000)} s`;

test('a job card says offline and stops its clock while the network is gone, then shows the true end once it returns', async ({ signIn }) => {
  const alice = await signIn('alice');
  const api = new StorylineApi(alice.request);
  const shell = new AppShell(alice);
  const story = await api.createDraftStory('Unheard lantern', pages);
  const card = alice.getByTestId('publish-job');
  const following = card.getByTestId('job-following');
  const elapsed = card.getByTestId('job-elapsed');
  const lock = await holdStories();
  let jobId: string;
  try {
    ({ jobId } = await api.mutate<{ jobId: string }>('stories.publish', { storyId: story.id }));
    await new StoryFilesPage(alice).open(story.id);
    await expect(card).toHaveAttribute('data-status', 'Running', JOB_TIMEOUT);
    await expect(following).toHaveText('live');
    await expect(elapsed).toHaveAttribute('data-ticking', 'true');

    await alice.context().setOffline(true);
    await expect(shell.connectionStatus).toHaveText('offline');
    await expect(following).toHaveText('offline');
    await expect(elapsed).toHaveAttribute('data-ticking', 'false');
  } finally {
    await lock.release();
  }
  const frozen = await elapsed.textContent();

  // The job ends on the server (the test's own requests do not go through the offline browser)…
  await expect.poll(async () => (await api.job(jobId)).status, JOB_TIMEOUT).toBe('Completed');
  const ended = await api.job(jobId);
  // …and the card, having heard nothing, neither claims that end nor lets its time run on.
  await expect(card).toHaveAttribute('data-status', 'Running');
  await expect(following).toHaveText('offline');
  await expect(elapsed).toHaveText(frozen ?? '');

  await alice.context().setOffline(false);
  const back = Date.now();
  await expect(card).toHaveAttribute('data-status', 'Completed');
  console.log(`job-truth: the card showed the job's end ${Date.now() - back} ms after the network returned`);
  await expect(elapsed).toHaveText(seconds(Date.parse(ended.completedAt ?? '') - Date.parse(ended.queuedAt)));
  await expect(elapsed).toHaveAttribute('data-ticking', 'false');
  await expect(card.getByTestId('job-following')).toHaveCount(0);
  await expect(shell.connectionStatus).toHaveText('live');
});
