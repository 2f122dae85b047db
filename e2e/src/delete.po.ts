import { expect, type Locator, type Page } from '@playwright/test';

/** A list page (stories, epics, regions, heroes) as the delete tests use it: its rows, their Delete buttons, the Undo toast. */
export class ItemListPage {
  constructor(
    private readonly page: Page,
    /** The row's test id on this list: `story-item`, `epic-list-item`, `region-item`, `hero-item`. */
    private readonly rowTestId = 'story-item',
  ) {}

  async open(path = '/stories'): Promise<void> {
    await this.page.goto(path);
    await expect(this.page.getByRole('heading', { level: 1 })).toBeVisible();
  }

  /** Rows by item id: two stories may share a title (an import made twice). */
  row(id: string): Locator {
    return this.page.locator(`[data-testid="${this.rowTestId}"][data-id="${id}"]`);
  }

  /** Deletes a row's item with the keyboard: Tab reaches its Delete button, Enter presses it. */
  async deleteByKeyboard(id: string): Promise<void> {
    await this.row(id).getByRole('link').focus();
    await this.page.keyboard.press('Tab');
    await expect(this.row(id).getByTestId('item-delete')).toBeFocused();
    await this.page.keyboard.press('Enter');
    await expect(this.row(id)).toHaveCount(0);
  }

  get deletedToast(): Locator {
    return this.page.getByTestId('deleted-toast');
  }
}
