import { expect, it } from "vitest";
import { send } from "../support/http.js";
import { seedUser } from "../support/seed.js";
import {
  describeInBrowser,
  expectNoLeaks,
  openConsole,
  openSignedIn,
  requireConsoleBuild,
  screenshot,
  serverAndBrowser,
  signIn,
} from "./browser.js";
import { createKeyOverHttp, dialog, rowNames, settled, shownKey } from "./keys-page.js";

requireConsoleBuild();

const RAW_KEY = /^ak-[A-Za-z0-9]{48}$/;

describeInBrowser("console: API keys", () => {
  const suite = serverAndBrowser();
  const open = (viewport?: { width: number; height: number }) => openConsole(suite.browser, suite.t, viewport);
  const signedIn = (key: string) => openSignedIn(suite.browser, suite.t, key);

  it("signs in with a key, creates a user key shown once, copies it, and the copy authenticates", async () => {
    const { t } = suite;
    const tab = await signedIn(t.adminKey);
    const { page } = tab;
    await page.getByRole("button", { name: "Create key" }).click();
    await dialog(page).getByLabel("Name").fill("laptop");
    await dialog(page).getByLabel("Description (optional)").fill("my dev machine");
    await dialog(page).getByRole("button", { name: "Create key" }).click();
    await dialog(page).getByText("Copy this key now.").waitFor();
    await dialog(page).getByRole("button", { name: "Copy" }).click();
    await dialog(page).getByText("Copied to the clipboard.").waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(RAW_KEY);
    expect(copied).toBe(await shownKey(page));
    await screenshot(page, "create-user-key-shown-once");

    const whoami = await send(t.url, "/v2/whoami", { key: copied });
    expect(whoami.status).toBe(200);
    expect(whoami.body.user.id).toBe(t.adminUserId);

    await dialog(page).getByRole("button", { name: "Done" }).click();
    await settled(page);
    expect(await rowNames(page)).toContain("laptop");
    expect(await page.content()).not.toContain(copied);
    await expectNoLeaks(tab, t, [copied]);
  });

  it("creates a service key for a space with chosen roles", async () => {
    const { t } = suite;
    const tab = await signedIn(t.adminKey);
    const { page } = tab;
    await page.getByRole("tab", { name: "Service keys" }).click();
    await page.getByRole("button", { name: "Create key" }).click();
    expect(await dialog(page).getByLabel("Service key (acts as a bot in one space)").isChecked()).toBe(true);
    await dialog(page).getByLabel("Name").fill("ingest-bot");
    await dialog(page).getByLabel("Space", { exact: true }).selectOption({ label: "default / default" });
    await dialog(page).getByLabel("Space role").selectOption("read-only");
    await dialog(page).getByRole("button", { name: "Create key" }).click();
    const raw = await shownKey(page);
    expect(raw).toMatch(RAW_KEY);
    await screenshot(page, "create-service-key");
    const whoami = await send(t.url, "/v2/whoami", { key: raw });
    expect(whoami.body.user.kind).toBe("bot");
    expect(whoami.body.api_key).toMatchObject({ key_type: "service", space_id: t.spaceId });

    await dialog(page).getByRole("button", { name: "Done" }).click();
    const row = page.locator("tbody tr", { hasText: "ingest-bot" });
    await row.waitFor();
    // The list's ApiKey does not name the space: the console reads it from GET /v2/api-keys/{id} (extension).
    await row.filter({ hasText: "default / default" }).waitFor();
    await expectNoLeaks(tab, t, [raw]);
  });

  it("rotates a key with a grace period: the new key shows once and both keys work", async () => {
    const { t } = suite;
    const old = await createKeyOverHttp(t, { name: "ci-deploy" });
    const tab = await signedIn(t.adminKey);
    const { page } = tab;
    await page.getByRole("button", { name: `Rotate ci-deploy (${old.redacted_key})` }).click();
    await dialog(page).getByLabel("Grace period for the old key").selectOption({ label: "1 hour" });
    await dialog(page).getByRole("button", { name: "Rotate key" }).click();
    const fresh = await shownKey(page);
    expect(fresh).toMatch(RAW_KEY);
    expect(fresh).not.toBe(old.key);
    await screenshot(page, "rotate-with-grace");
    expect((await send(t.url, "/v2/whoami", { key: fresh })).status).toBe(200);
    expect((await send(t.url, "/v2/whoami", { key: old.key })).status).toBe(200);

    await dialog(page).getByRole("button", { name: "Done" }).click();
    await settled(page);
    expect((await rowNames(page)).filter((name) => name === "ci-deploy")).toHaveLength(2);
    const oldRow = page.locator("tbody tr", { hasText: old.redacted_key });
    // The old key is marked as retiring (it was rotated), not merely "expires soon".
    await oldRow.getByText(/^Retiring at/).waitFor();
    await expectNoLeaks(tab, t, [fresh, old.key]);
  });

  it("deletes a key after a confirmation that names it; the key stops working", async () => {
    const { t } = suite;
    const doomed = await createKeyOverHttp(t, { name: "to-delete" });
    const tab = await signedIn(t.adminKey);
    const { page } = tab;
    await page.getByRole("button", { name: `Delete to-delete (${doomed.redacted_key})` }).click();
    await dialog(page).getByRole("heading", { name: "Delete “to-delete”?" }).waitFor();
    expect(await dialog(page).textContent()).toContain(doomed.redacted_key);
    await screenshot(page, "delete-confirmation");
    await dialog(page).getByRole("button", { name: "Delete to-delete" }).click();
    await dialog(page).waitFor({ state: "detached" });
    await settled(page);
    expect(await rowNames(page)).not.toContain("to-delete");
    expect((await send(t.url, "/v2/whoami", { key: doomed.key })).status).toBe(401);

    await page.getByLabel("Status").selectOption("deleted");
    expect(await rowNames(page)).toContain("to-delete");
    await expectNoLeaks(tab, t, [doomed.key]);
  });

  it("rotating the session's own key without grace shows the new key, then signs out", async () => {
    const { t } = suite;
    const own = await createKeyOverHttp(t, { name: "session-key" });
    const tab = await signedIn(own.key);
    const { page } = tab;
    const row = page.locator("tbody tr", { hasText: own.redacted_key });
    await row.getByText("this session").waitFor();
    await row.getByRole("button", { name: /^Rotate/ }).click();
    await dialog(page).getByRole("button", { name: "Rotate key" }).click();
    const fresh = await shownKey(page);
    expect(await dialog(page).textContent()).toContain(`The old key ${own.redacted_key} no longer works.`);
    expect((await send(t.url, "/v2/whoami", { key: own.key })).status).toBe(401);
    await dialog(page).getByRole("button", { name: "Done" }).click();
    await page.getByText("The key this session used no longer works.").waitFor();
    await screenshot(page, "rotate-own-key-signs-out");
    await signIn(page, fresh);
    expect(await rowNames(page)).toContain("session-key");
    await expectNoLeaks(tab, t, [own.key]);
  });

  it("shows a refused action's problem detail next to the action", async () => {
    const { t } = suite;
    const reader = await seedUser(t, { role: "member", spaceRole: "read-only" });
    const refused = await t.call("/v2/api-keys", {
      method: "POST",
      key: reader.key,
      body: { name: "nope", key_type: "service", space_id: t.spaceId },
    });
    expect(refused.status).toBe(403);
    const tab = await signedIn(reader.key);
    const { page } = tab;
    await page.getByRole("tab", { name: "Service keys" }).click();
    await page.getByRole("button", { name: "Create key" }).click();
    await dialog(page).getByLabel("Name").fill("nope");
    await dialog(page).getByLabel("Space", { exact: true }).selectOption(t.spaceId);
    await dialog(page).getByRole("button", { name: "Create key" }).click();
    const alert = dialog(page).getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toBe(refused.body.detail);
    await screenshot(page, "refused-create-shows-detail");
    await dialog(page).getByRole("button", { name: "Cancel" }).click();

    // A key deleted elsewhere after the list loaded: rotating it is refused with 422.
    const stale = await createKeyOverHttp(t, { name: "stale" }, reader.key);
    await page.getByRole("tab", { name: "User keys" }).click();
    await page.getByRole("button", { name: `Rotate stale (${stale.redacted_key})` }).click();
    expect((await t.call(`/v2/api-keys/${stale.id}`, { method: "DELETE", key: reader.key })).status).toBe(204);
    const again = await t.call(`/v2/api-keys/${stale.id}/refresh`, { method: "POST", key: reader.key, body: {} });
    expect(again.status).toBe(422);
    await dialog(page).getByRole("button", { name: "Rotate key" }).click();
    await dialog(page).getByRole("alert").waitFor();
    expect(await dialog(page).getByRole("alert").textContent()).toBe(again.body.detail);
    await screenshot(page, "refused-rotate-shows-detail");
    await expectNoLeaks(tab, t, [stale.key]);
  });

  it("is usable at 375 px wide with the keyboard alone, and signs out", async () => {
    const { t } = suite;
    const tab = await open({ width: 375, height: 812 });
    const { page } = tab;
    await page.getByLabel("API key").focus();
    await page.keyboard.type(t.adminKey);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await settled(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    await page.getByRole("button", { name: "Create key" }).focus();
    await page.keyboard.press("Enter");
    await dialog(page).getByLabel("Name").focus();
    await page.keyboard.type("phone");
    await page.keyboard.press("Enter");
    const raw = await shownKey(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, "narrow-375-key-shown");
    await page.keyboard.press("Escape");
    await dialog(page).waitFor({ state: "detached" });
    await settled(page);
    expect(await rowNames(page)).toContain("phone");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Create key");
    await screenshot(page, "narrow-375-list");

    await page.getByRole("tab", { name: "User keys" }).focus();
    await page.keyboard.press("ArrowRight");
    expect(await page.getByRole("tab", { name: "Service keys" }).getAttribute("aria-selected")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Service keys");
    await page.getByLabel("Space", { exact: true }).waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.reload();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await expectNoLeaks(tab, t, [raw, t.adminKey]);
  });
});
