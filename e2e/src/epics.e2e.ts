import type { APIRequestContext } from '@playwright/test';
import type { JobStarted, Transport } from '@storyline/contracts';
import { EpicPage, waitForJob } from './epics.po';
import { expect, test } from './fixtures';
import { PASSWORDS } from './login.po';
import { StorylineApi } from './storyline-api';

const description = { en: 'The long road north.', ro: 'Drumul lung spre nord, prin țara șoimilor.' };
const pages = [{ en: 'Once upon a time.', ro: 'A fost odată.', media: [] }];

async function useTransport(request: APIRequestContext, transport: Transport): Promise<void> {
  const admin = new StorylineApi(request);
  await admin.login('admin', PASSWORDS['admin']);
  for (const jobType of ['epic-publish', 'epic-version'] as const) await admin.setFlag({ jobType, transport });
}

test.describe('epics', () => {
  for (const transport of ['push', 'polling'] as Transport[]) {
    test(`alice orders an epic, takes an epic-version and an epic-publish on ${transport}`, async ({ signIn, request }) => {
      await useTransport(request, transport);
      const alice = await signIn('alice');
      const api = new StorylineApi(alice.request);
      const [first, second] = [`First tale (${transport})`, `Second tale (${transport})`];
      const stories = [await api.createDraftStory(first, pages), await api.createDraftStory(second, pages)];
      const epic = new EpicPage(alice);

      await epic.create(`Northern saga (${transport})`);
      await epic.describe(description);
      await epic.add(`Story · ${first}`);
      await epic.add(`Story · ${second}`);
      await expect(epic.items()).toHaveText([`Story · ${first}`, `Story · ${second}`]);
      await epic.item(0).getByTestId('epic-item-down').click();
      await expect(epic.items()).toHaveText([`Story · ${second}`, `Story · ${first}`]);
      await epic.save();

      // The order is what was saved, after a reload too.
      await alice.reload();
      await expect(epic.items()).toHaveText([`Story · ${second}`, `Story · ${first}`]);

      // A snapshot takes the stories as they are, unpublished.
      await epic.runJob('version', transport, 'Completed');
      await expect(epic.versionItem(1)).toBeVisible();

      const refused = await epic.runJob('publish', transport, 'Failed');
      await expect(refused.getByTestId('job-error')).toContainText(`Not published yet: “${second}”, “${first}”`);
      await expect(epic.publishedVersion()).toHaveText('not published');

      for (const story of stories) {
        const { jobId } = await api.mutate<JobStarted>('stories.publish', { storyId: story.id });
        await waitForJob(alice.request, jobId, 'Completed');
      }
      await epic.runJob('publish', transport, 'Completed');
      await expect(epic.publishedVersion()).toHaveText('published version 2');

      await epic.versionItem(2).click();
      await expect(epic.versionView('title')).toHaveText('Version 2 (published, read-only)');
      await expect(epic.versionView('member')).toHaveText([`Story · ${second} · version 1`, `Story · ${first} · version 1`]);
      await epic.versionItem(1).click();
      await expect(epic.versionView('title')).toHaveText('Version 1 (snapshot, read-only)');
      await expect(epic.versionView('member')).toHaveText([`Story · ${second} · no version`, `Story · ${first} · no version`]);
      await expect(epic.versionView('name')).not.toBeEditable();
    });
  }
});
