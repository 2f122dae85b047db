import { expect, type Locator, type Page } from '@playwright/test';
import postgres from 'postgres';

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

/**
 * Locks a table of the stack's embedded Postgres in ACCESS EXCLUSIVE mode until `release()`:
 * a job that reads it waits there, Running, with no sleep standing in. A table lock takes no
 * transaction id, so it does not hold back the event feed.
 */
export async function holdTable(table: 'media'): Promise<{ release(): Promise<void> }> {
  const sql = postgres(`postgres://storyline:storyline@127.0.0.1:${process.env['E2E_PG_PORT']}/storyline`, { max: 1, onnotice: () => undefined });
  let release!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const held = sql.begin(async (tx) => {
    await tx.unsafe(`lock table ${table} in access exclusive mode`);
    locked();
    await new Promise<void>((resolve) => (release = resolve));
  });
  await isLocked;
  return {
    async release() {
      release();
      await held;
      await sql.end();
    },
  };
}
