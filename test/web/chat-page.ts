import type {
  Browser,
  BrowserContext,
  BrowserContextOptions,
  Locator,
  Page,
} from 'playwright-core';
import { watchPage } from '../helpers/browser.js';
import { PASSWORD } from '../helpers/clients.js';

/** One person using the web client in their own browser context. */
export class ChatPage {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly watch: { dialogs: string[]; problems: string[] },
  ) {}

  /** `prepare` runs on the new context before the page loads (init scripts, say). */
  static async open(
    browser: Browser,
    url: string,
    options: BrowserContextOptions = {},
    prepare?: (context: BrowserContext) => Promise<unknown>,
  ) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      ...options,
    });
    context.setDefaultTimeout(15_000);
    await prepare?.(context);
    const page = await context.newPage();
    const watch = watchPage(page);
    await page.goto(url);
    return new ChatPage(context, page, watch);
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  // Sign-in page

  async fillCredentials(username: string, password: string): Promise<void> {
    await this.page.locator('input[name="username"]').fill(username);
    await this.page.locator('input[name="password"]').fill(password);
  }

  async register(username: string, password = PASSWORD): Promise<void> {
    await this.page.getByRole('tab', { name: 'Register' }).click();
    await this.fillCredentials(username, password);
    await this.page.getByRole('button', { name: 'Create account' }).click();
    await this.waitForChat();
  }

  async login(username: string, password = PASSWORD): Promise<void> {
    await this.page.getByRole('tab', { name: 'Log in' }).click();
    await this.fillCredentials(username, password);
    await this.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await this.waitForChat();
  }

  formError(): Locator {
    return this.page.locator('.signin-form .form-error');
  }

  // Chat

  async waitForChat(): Promise<void> {
    await this.status('connected').waitFor();
    await this.page.locator('.room-item[data-room="general"]').waitFor({ state: 'attached' });
  }

  status(status: string): Locator {
    return this.page.locator(`.room-header .status[data-status="${status}"]`);
  }

  title(): Locator {
    return this.page.locator('#room-title');
  }

  log(): Locator {
    return this.page.locator('[role="log"]');
  }

  /** A delivered message (not one still in the outbox) with exactly this text. */
  message(text: string): Locator {
    return this.log()
      .locator('.msg:not(.pending) .msg-text')
      .filter({ hasText: text })
      .and(this.log().getByText(text, { exact: true }));
  }

  async messageTexts(): Promise<string[]> {
    return this.log().locator('.msg:not(.pending) .msg-text').allTextContents();
  }

  async send(text: string): Promise<void> {
    const box = this.page.locator('#composer-input');
    await box.fill(text);
    await box.press('Enter');
  }

  roomItem(roomId: string): Locator {
    return this.page.locator(`.room-item[data-room="${roomId}"]`);
  }

  roomItemNamed(title: string): Locator {
    return this.page
      .locator('.room-item')
      .filter({ has: this.page.locator('.room-name').getByText(title, { exact: true }) });
  }

  person(username: string): Locator {
    return this.page.locator(`#people [data-user="${username}"]`);
  }

  typing(): Locator {
    return this.page.locator('.typing');
  }
}
