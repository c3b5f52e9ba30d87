import type { Locator, Page } from "playwright-core";
import type { TestServer } from "../support/server.js";

/** Page helpers for the API keys screens, shared by the end-to-end suites. */

/** Waits until no list on the page is loading. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
}

export function dialog(page: Page): Locator {
  return page.getByRole("dialog");
}

/** The rows of the list on screen, once it has settled. */
export async function rowNames(page: Page): Promise<string[]> {
  await settled(page);
  return page.locator("tbody tr th").evaluateAll((cells) => cells.map((cell) => cell.firstChild?.textContent ?? ""));
}

/** The raw key a dialog is showing once. */
export async function shownKey(page: Page): Promise<string> {
  const input = dialog(page).getByLabel("New API key");
  await input.waitFor();
  return input.inputValue();
}

export interface CreatedKey {
  id: string;
  key: string;
  redacted_key: string;
}

/** Creates a key over HTTP (as the admin unless a key is given). */
export async function createKeyOverHttp(t: TestServer, body: Record<string, unknown>, key?: string): Promise<CreatedKey> {
  const response = await t.call("/v2/api-keys", { method: "POST", body, key });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.body as CreatedKey;
}
