import { AppShell } from './app-shell.po';
import { expect, test } from './fixtures';
import { Notices } from './notices.po';
import { StoryEditorPage } from './story-editor.po';
import { StorylineApi } from './storyline-api';

test('an admin’s notice reaches another user’s open editor as a toast and in the list', async ({ signIn }) => {
  const admin = await signIn('admin');
  const alice = await signIn('alice');
  await expect(new AppShell(alice).connectionStatus).toHaveText('live');
  const message = `Maintenance in 10 minutes (${Date.now()})`;

  await new Notices(admin).broadcast(message);

  const aliceNotices = new Notices(alice);
  await expect(aliceNotices.toasts.filter({ hasText: message })).toBeVisible();
  await expect(aliceNotices.unread).toHaveText('1');
  await aliceNotices.openList();
  await expect(aliceNotices.items.first()).toContainText(message);
  await expect(aliceNotices.items.first()).toContainText('from admin');
  await expect(aliceNotices.unread).toHaveCount(0);
  // The sender's own editor hears it too.
  await expect(new Notices(admin).toasts.filter({ hasText: message })).toBeVisible();
});

test('a job that ends while its page is not open is a notice; on its own page it is toasted once', async ({ signIn }) => {
  const alice = await signIn('alice');
  const notices = new Notices(alice);
  const shown = await notices.record();
  await expect(new AppShell(alice).connectionStatus).toHaveText('live');

  // On the job's own page: the page says it, the notice stays quiet.
  const editor = new StoryEditorPage(alice);
  await editor.createStory('Notice on the page');
  await editor.writePages([{ en: 'The owl kept watch.', ro: 'Bufnița a vegheat.' }]);
  await editor.saveDraft();
  await editor.publish();
  await expect(editor.jobStatus).toHaveText('Completed', { timeout: 30_000 });
  await expect(editor.toasts.filter({ hasText: 'Published version 1' })).toBeVisible();

  // Elsewhere: a job started without its page (as from another tab) ends with a notice.
  await alice.getByTestId('nav-stories').click();
  const started = await new StorylineApi(alice.request).publishNewStory('Notice elsewhere', [{ en: 'The fox ran.', ro: 'Vulpea a fugit.' }]);
  await expect(notices.toasts.filter({ hasText: 'Publishing is done: version 1' })).toBeVisible({ timeout: 30_000 });
  await notices.openList();
  await expect(notices.items.filter({ hasText: 'Publishing is done: version 1' })).toHaveCount(1);
  // Exactly one notice toast in the whole test: the page's own job made none.
  expect((await shown()).map((text) => text.replace(/×$/, '').trim())).toEqual(['Publishing is done: version 1']);
  expect(started.status).toBe('Queued');
});
