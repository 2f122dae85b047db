import { expect, type Page } from '@playwright/test';
import type { JobType, Transport } from '@storyline/contracts';

export class FlagsPage {
  constructor(private readonly page: Page) {}

  /** Chooses a job type's transport and waits until the server has stored it. */
  async setTransport(jobType: JobType, transport: Transport): Promise<void> {
    await this.page.getByTestId('nav-flags').click();
    const select = this.page.getByTestId(`flag-select-${jobType}`);
    await expect(select).toBeVisible();
    // Choosing the value already chosen changes nothing, and sends nothing to wait for.
    if ((await select.inputValue()) === transport) return;
    // "Saved" may still show from an earlier change; the answer of this one is what counts.
    const stored = this.page.waitForResponse((response) => response.url().includes('flags.set') && response.ok());
    await select.selectOption(transport);
    await stored;
    await expect(this.page.getByTestId(`flag-saved-${jobType}`)).toBeVisible();
    await expect(select).toHaveValue(transport);
  }
}
