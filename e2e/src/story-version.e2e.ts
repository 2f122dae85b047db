import type { Transport } from '@storyline/contracts';
import { expect, test } from './fixtures';
import { PASSWORDS } from './login.po';
import { StoryEditorPage } from './story-editor.po';
import { StorylineApi } from './storyline-api';
import { StoryVersionsPanel } from './story-versions.po';

const v1 = { en: 'Version one: the owl kept watch.', ro: 'Versiunea unu: bufnița a stat de veghe.' };
const v2 = { en: 'Version two: the owl fell asleep.', ro: 'Versiunea doi: bufnița a adormit.' };

for (const transport of ['push', 'polling'] as Transport[]) {
  test.describe(`opening a published version as the draft (${transport})`, () => {
    test.beforeEach(async ({ request }) => {
      const admin = new StorylineApi(request);
      await admin.login('admin', PASSWORDS['admin']);
      for (const jobType of ['story-publish', 'story-version'] as const) await admin.setFlag({ jobType, transport });
    });

    test('alice publishes v1 and v2, then opens v1 again, confirming to discard her edit', async ({ signIn }) => {
      const alice = await signIn('alice');
      const editor = new StoryEditorPage(alice);
      const versions = new StoryVersionsPanel(alice);
      await editor.createStory(`Owl nights (${transport})`);
      await editor.writePages([v1]);
      await editor.saveDraft();
      await versions.publishAs(1);
      await expect(versions.baseVersion).toHaveText('Based on version 1');

      await editor.writePages([v2]);
      await editor.saveDraft();
      await versions.publishAs(2);
      await expect(versions.baseVersion).toHaveText('Based on version 2');

      // Not published: opening a version must ask before throwing this away.
      await editor.writePages([{ en: 'An edit never published.', ro: 'O modificare nepublicată.' }]);
      await editor.saveDraft();
      await versions.openVersion(1);
      await expect(versions.confirmDiscard).toHaveText('Discard my changes and open v1');
      await expect(versions.job).toBeHidden();
      await versions.confirmDiscard.click();

      await versions.expectOpened();
      await expect(versions.job.getByTestId('job-transport')).toHaveText(transport);
      await expect(alice.getByTestId('page-en-0')).toHaveValue(v1.en);
      await expect(alice.getByTestId('page-ro-0')).toHaveValue(v1.ro);
      await expect(versions.baseVersion).toHaveText('Based on version 1');
      await expect(editor.publishedVersion).toHaveText('version 2');

      await alice.reload();
      await expect(alice.getByTestId('page-en-0')).toHaveValue(v1.en);
      await expect(versions.baseVersion).toHaveText('Based on version 1');
    });

    test('opening a version over a draft without changes needs no confirmation', async ({ signIn }) => {
      const alice = await signIn('alice');
      const editor = new StoryEditorPage(alice);
      const versions = new StoryVersionsPanel(alice);
      await editor.createStory(`Owl mornings (${transport})`);
      await editor.writePages([v1]);
      await editor.saveDraft();
      await versions.publishAs(1);
      await editor.writePages([v2]);
      await editor.saveDraft();
      await versions.publishAs(2);

      await versions.openVersion(1);
      await versions.expectOpened();
      await expect(versions.confirmDiscard).toBeHidden();
      await expect(alice.getByTestId('page-en-0')).toHaveValue(v1.en);
      await expect(versions.baseVersion).toHaveText('Based on version 1');
    });
  });
}
