import { expect, test } from './fixtures';
import { controlsUnderToasts, LAPTOP, PHONE, screenPage } from './screens.po';
import { StorylineApi } from './storyline-api';

/** Long enough to take a toast's full width, as real notices often do. */
const NOTICE = 'The editor restarts at 18:00 for an update; save your drafts before then, please.';

for (const [width, viewport] of [['390', PHONE], ['1280', LAPTOP]] as const) {
  test(`at ${width} px, toasts never cover a control or an error, even with "Open as draft" at the bottom of the screen`, async ({ signIn }) => {
    const admin = new StorylineApi((await signIn('admin')).request);
    const page = await signIn('alice');
    await page.setViewportSize(viewport);
    await screenPage('story editor').open(page);
    // The spot a corner toast lands on: the version's "Open as draft", scrolled to the bottom edge.
    await page.getByTestId('open-version-1').evaluate((button) => button.scrollIntoView({ block: 'end' }));

    for (const part of ['first', 'second', 'third']) await admin.mutate('notices.broadcast', { message: `${NOTICE} (${part})` });
    await expect(page.getByTestId('notice-toast')).toHaveCount(3);
    expect(await controlsUnderToasts(page)).toEqual([]);
  });
}
