import type { Locator, Page } from '@playwright/test';

/** The admins' operations page. */
export class OperationsPage {
  readonly root: Locator;
  readonly streamsRows: Locator;
  readonly queueRows: Locator;
  readonly eventsChart: Locator;
  readonly latencyChart: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('ops-page');
    this.streamsRows = page.getByTestId('ops-streams-row');
    this.queueRows = page.getByTestId('ops-queue-row');
    this.eventsChart = page.getByTestId('ops-chart-events');
    this.latencyChart = page.getByTestId('ops-chart-latency');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-operations').click();
    await this.root.waitFor();
  }

  /** The row of one job. */
  jobRow(jobId: string): Locator {
    return this.page.locator(`[data-testid="ops-job-row"][data-job-id="${jobId}"]`);
  }

  async filterStatus(status: string): Promise<void> {
    await this.page.getByTestId('ops-filter-status').selectOption(status);
  }
}
