import type { Transport } from '@storyline/contracts';
import { AppShell } from './app-shell.po';
import { expect, test } from './fixtures';
import { StoryFilesPage } from './file-jobs.po';
import { holdStories } from './hold-stories';
import { FlagsPage } from './flags.po';
import { StorylineApi } from './storyline-api';
import { StoryEditorPage } from './story-editor.po';

const JOB_TIMEOUT = { timeout: 30_000 };
const pages = [
  { en: 'The lantern waited by the window.', ro: 'Felinarul a așteptat lângă fereastră.', media: [] },
  { en: 'Nobody came for it that night.', ro: 'Nimeni nu a venit după el în noaptea aceea.', media: [] },
];

for (const transport of ['push', 'polling'] as Transport[]) {
  test(`alice cancels a running publish from its card, sees it Cancelled, and retries it (${transport})`, async ({ signIn }) => {
    const admin = await signIn('admin');
    await new FlagsPage(admin).setTransport('story-publish', transport);

    const alice = await signIn('alice');
    const api = new StorylineApi(alice.request);
    const story = await api.createDraftStory(`Held lantern (${transport})`, pages);
    const editor = new StoryEditorPage(alice);
    const card = alice.getByTestId('publish-job');
    const lock = await holdStories();
    try {
      await api.mutate('stories.publish', { storyId: story.id });
      await new StoryFilesPage(alice).open(story.id);
      await expect(card).toHaveAttribute('data-status', 'Running', JOB_TIMEOUT);
      await expect(alice.getByTestId('publish-retry')).toHaveCount(0);
      await alice.getByTestId('publish-cancel').click();

      await expect(card).toHaveAttribute('data-status', 'Cancelled');
      await expect(card.getByTestId('job-status')).toHaveText('Cancelled');
      await expect(card.getByTestId('job-transport')).toHaveText(transport);
      await expect(alice.getByTestId('publish-cancel')).toHaveCount(0);
    } finally {
      await lock.release();
    }
    await expect(editor.publishedVersion).toHaveText('not published');

    await alice.getByTestId('publish-retry').click();
    await expect(card).toHaveAttribute('data-status', 'Completed', JOB_TIMEOUT);
    await expect(editor.publishedVersion).toHaveText('version 1');
  });
}

test('alice cancels a running job from the activity panel', async ({ signIn }) => {
  const alice = await signIn('alice');
  const api = new StorylineApi(alice.request);
  const story = await api.createDraftStory('Held lantern (activity)', pages);
  const shell = new AppShell(alice);
  const lock = await holdStories();
  try {
    const { jobId } = await api.mutate<{ jobId: string }>('stories.publish', { storyId: story.id });
    await new StoryFilesPage(alice).open(story.id);
    await shell.openActivity();
    const row = shell.activityJob(jobId);
    await expect(row).toHaveAttribute('data-status', 'Running', JOB_TIMEOUT);
    await row.getByTestId('activity-cancel').click();
    await expect(row).toHaveAttribute('data-status', 'Cancelled');
    await expect(row.getByTestId('activity-cancel')).toHaveCount(0);
    await expect(row.getByTestId('activity-retry')).toBeVisible();
    await expect(alice.getByTestId('publish-job')).toHaveAttribute('data-status', 'Cancelled');
  } finally {
    await lock.release();
  }
});
