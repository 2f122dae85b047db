import { expect, type Page } from '@playwright/test';

/** The header's Notices list and toasts, and the admin's form that sends one to everyone. */
export class Notices {
  constructor(private readonly page: Page) {}

  get toasts() {
    return this.page.getByTestId('notice-toast');
  }

  get unread() {
    return this.page.getByTestId('notices-unread');
  }

  get items() {
    return this.page.getByTestId('notices-list').getByTestId('notice-item');
  }

  async openList(): Promise<void> {
    await this.page.getByTestId('notices-open').click();
    await expect(this.page.getByTestId('notices-list')).toBeVisible();
  }

  /** As an admin: sends `message` from the Flags page and waits until the server took it. */
  async broadcast(message: string): Promise<void> {
    await this.page.getByTestId('nav-flags').click();
    await this.page.getByTestId('notice-message').fill(message);
    const sent = this.page.waitForResponse((response) => response.url().includes('notices.broadcast') && response.ok());
    await this.page.getByTestId('notice-send').click();
    await sent;
    await expect(this.page.getByTestId('notice-sent')).toBeVisible();
  }

  /** Starts recording the text of every notice toast, since toasts leave on their own. */
  async record(): Promise<() => Promise<string[]>> {
    await this.page.evaluate(() => {
      const shown: string[] = ((window as unknown as { shownNotices: string[] }).shownNotices = []);
      new MutationObserver((mutations) => {
        for (const mutation of mutations) {
          mutation.addedNodes.forEach((node) => {
            if (node instanceof HTMLElement && node.dataset['testid'] === 'notice-toast') shown.push(node.textContent?.trim() ?? '');
          });
        }
      }).observe(document.body, { subtree: true, childList: true });
    });
    return () => this.page.evaluate(() => (window as unknown as { shownNotices: string[] }).shownNotices);
  }
}
