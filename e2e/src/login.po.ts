import { expect, type Page } from '@playwright/test';

export const PASSWORDS: Record<string, string> = {
  alice: 'alice-storyline',
  bob: 'bob-storyline',
  admin: 'admin-storyline',
};

export class LoginPage {
  constructor(private readonly page: Page) {}

  async loginAs(username: keyof typeof PASSWORDS & string): Promise<void> {
    await this.page.goto('/login');
    await this.page.getByTestId('login-username').fill(username);
    await this.page.getByTestId('login-password').fill(PASSWORDS[username]);
    await this.page.getByTestId('login-submit').click();
    await expect(this.page.getByTestId('current-user')).toHaveText(username);
  }
}
