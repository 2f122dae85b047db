import { expect, type Locator, type Page, type Route } from '@playwright/test';

/** The conflict panel every editor shows when a save meets a newer revision, by its `conflict-*` test ids. */
export class DraftConflictPanel {
  constructor(private readonly page: Page) {}

  get panel(): Locator {
    return this.page.getByTestId('draft-conflict');
  }

  /** The author's text and the one saved elsewhere, of the field labelled `label` ("Page 1 · English", "Name"). */
  field(label: string): { mine: Locator; saved: Locator } {
    const field = this.panel.getByTestId('conflict-field').filter({ has: this.page.getByRole('heading', { name: label, exact: true }) });
    return { mine: field.getByTestId('conflict-mine'), saved: field.getByTestId('conflict-saved') };
  }

  keepMine(): Promise<void> {
    return this.panel.getByTestId('conflict-keep-mine').click();
  }

  takeSaved(): Promise<void> {
    return this.panel.getByTestId('conflict-take-saved').click();
  }

  /** The version not kept, still on screen to copy from. */
  get setAside(): Locator {
    return this.page.getByTestId('draft-set-aside');
  }
}

/**
 * Holds the page's requests to `procedure` (e.g. `stories.saveDraft`) before they reach the
 * server, so a test can change the draft elsewhere while a save is under way; `sent` resolves
 * once the first is held, and `release` lets every held one go on, and later ones pass.
 */
export async function holdRequests(page: Page, procedure: string): Promise<{ sent: Promise<void>; release: () => Promise<void> }> {
  const held: Route[] = [];
  let holding = true;
  let sent!: () => void;
  const firstSent = new Promise<void>((resolve) => (sent = resolve));
  await page.route(`**/trpc/${procedure}**`, async (route) => {
    if (!holding) return route.continue();
    held.push(route);
    sent();
  });
  return {
    sent: firstSent,
    release: async () => {
      holding = false;
      await Promise.all(held.splice(0).map((route) => route.continue()));
    },
  };
}

export { expect };
