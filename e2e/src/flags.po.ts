import { expect, type Page } from '@playwright/test';
import type { JobType, Transport } from '@storyline/contracts';

export class FlagsPage {
  constructor(private readonly page: Page) {}

  async setTransport(jobType: JobType, transport: Transport): Promise<void> {
    await this.page.getByTestId('nav-flags').click();
    await this.page.getByTestId(`flag-select-${jobType}`).selectOption(transport);
    await expect(this.page.getByTestId(`flag-saved-${jobType}`)).toBeVisible();
    await expect(this.page.getByTestId(`flag-select-${jobType}`)).toHaveValue(transport);
  }
}
