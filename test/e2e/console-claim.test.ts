import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { tokenIn } from "../support/claims.js";
import { send } from "../support/http.js";
import { expectStatus, unique } from "../support/identity.js";
import type { TestServerOptions } from "../support/server.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";
import {
  describeInBrowser,
  expectNoLeaks,
  openConsole,
  openSignedIn,
  requireConsoleBuild,
  screenshot,
  serverAndBrowser,
} from "./browser.js";
import { dialog, settled } from "./keys-page.js";
import { afterAll, beforeAll } from "vitest";

requireConsoleBuild();

/** A port free right now, so the server's public URL (the base of claim links) can name it before it starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describeInBrowser("console: invitations by mail", () => {
  let smtp: TestSmtpServer;
  const options: TestServerOptions = { env: {} };
  beforeAll(async () => {
    smtp = await startSmtpServer();
    const port = await freePort();
    Object.assign(options.env ?? {}, {
      KEYHOUSE_PORT: String(port),
      KEYHOUSE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      KEYHOUSE_SMTP_URL: smtp.url,
    });
  });
  const suite = serverAndBrowser(options);
  afterAll(async () => smtp.close());

  /** The link in the last mail sent to `email`. */
  const mailedLink = (email: string): string => {
    const mail = [...smtp.messages].reverse().find((m) => JSON.stringify(m.to).includes(email));
    const text = mail?.text ?? "";
    const token = tokenIn(text);
    const url = text.split(/\s+/).find((word) => word.endsWith(token));
    expect(url).toBeDefined();
    return url ?? "";
  };

  it("a person invited by email follows the link, names and mints their first key, and uses it", async () => {
    const { t, browser } = suite;
    const email = `${unique("invitee")}@example.test`;
    const created = await t.call("/v2/users", {
      method: "POST",
      body: { name: "Fox Mulder", email, role: { type: "predefined", name: "member" }, invite_mode: "email_link" },
    });
    const user = expectStatus(created, 201);
    const link = mailedLink(email);
    expect(link.startsWith(`${t.url}/#/claim/kc-`)).toBe(true);

    const tab = await openConsole(browser, t);
    const { page } = tab;
    await page.goto(link);
    await page.getByRole("heading", { name: "Accept your invitation" }).waitFor();
    await expect.poll(() => page.locator("main").innerText()).toContain(email);
    expect(await page.locator("main").innerText()).toContain("Fox Mulder");
    await screenshot(page, "claim-invitation");
    await page.getByLabel("Key name").fill("fox-laptop");
    await page.getByRole("button", { name: "Create my first API key" }).click();
    const input = page.getByLabel("New API key");
    await input.waitFor();
    const rawKey = await input.inputValue();
    expect(rawKey).toMatch(/^ak-[0-9A-Za-z]{48}$/);
    expect(await page.evaluate(() => location.hash)).toBe("#/claim");

    const keys = expectStatus(await send(t.url, "/v2/api-keys", { key: rawKey }), 200);
    expect(keys.api_keys.map((k: { name: string }) => k.name)).toEqual(["fox-laptop"]);
    expect(expectStatus(await t.call(`/v2/users/${user.id}`), 200).status).toBe("active");

    // Done signs the tab in with the new key.
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    const token = link.split("/#/claim/")[1] ?? "";
    await expectNoLeaks(tab, t, [token]);

    // The link worked once: opening it again says so, in words.
    await page.goto(link);
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").innerText()).toContain("already used");
    await tab.close();
  });

  it("an admin sees an invited user's status, copies a fresh link, and resends the invitation", async () => {
    const { t, browser } = suite;
    const email = `${unique("pending")}@example.test`;
    const body = { name: "Dana Pending", email, role: "member", invite_mode: "email_link" };
    expectStatus(await t.call("/v2/users", { method: "POST", body }), 201);
    const mailed = mailedLink(email);

    const tab = await openSignedIn(browser, t, t.adminKey);
    const { page } = tab;
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Users" }).click();
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    await settled(page);
    const row = page.locator("main tbody tr", { hasText: email });
    expect(await row.innerText()).toContain("invited");

    await page.getByRole("button", { name: "Invitation link for Dana Pending" }).click();
    const shown = dialog(page).getByLabel("Invitation link");
    await shown.waitFor();
    const fresh = await shown.inputValue();
    tokenIn(fresh);
    expect(fresh.startsWith(`${t.url}/#/claim/kc-`)).toBe(true);
    expect(fresh).not.toBe(mailed);
    await screenshot(page, "admin-invitation-link");
    await dialog(page).getByRole("button", { name: "Done" }).click();
    await dialog(page).waitFor({ state: "detached" });

    // The link fetched in the console replaced the mailed one.
    const inspectMailed = await send(t.url, "/v2/claims/inspect", { method: "POST", body: { token: mailed.split("/#/claim/")[1] } });
    expect(inspectMailed.status).toBe(404);

    const before = smtp.messages.length;
    await page.getByRole("button", { name: "Resend the invitation to Dana Pending" }).click();
    await dialog(page).getByRole("button", { name: "Resend invitation" }).click();
    await dialog(page).waitFor({ state: "detached" });
    expect(smtp.messages.length).toBe(before + 1);
    const resent = mailedLink(email);
    expect(resent).not.toBe(fresh);
    await tab.close();
  });
});
