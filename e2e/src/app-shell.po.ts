import { expect, type Page } from '@playwright/test';

/** The header every page shares, and the activity panel it opens. */
export class AppShell {
  constructor(private readonly page: Page) {}

  /** The job connection indicator: live, reconnecting or polling. */
  get connectionStatus() {
    return this.page.getByTestId('connection-status');
  }

  get activityPanel() {
    return this.page.getByTestId('activity-panel');
  }

  async openActivity(): Promise<void> {
    await this.page.getByTestId('nav-activity').click();
    await expect(this.activityPanel).toBeVisible();
  }

  /** One job's row in the activity panel; its `data-status` attribute is the job's status. */
  activityJob(jobId: string) {
    return this.activityPanel.getByTestId('activity-job').and(this.page.locator(`[data-job-id="${jobId}"]`));
  }
}
