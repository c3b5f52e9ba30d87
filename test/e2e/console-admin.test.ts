import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { send } from "../support/http.js";
import { seedUser } from "../support/seed.js";
import { describeInBrowser, expectNoLeaks, openSignedIn, requireConsoleBuild, screenshot, serverAndBrowser } from "./browser.js";
import { dialog, rowNames, settled, shownKey } from "./keys-page.js";

requireConsoleBuild();

async function goTo(page: Page, link: string): Promise<void> {
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: link }).click();
  await page.getByRole("heading", { name: link, level: 1 }).waitFor();
  await settled(page);
}

function row(page: Page, text: string) {
  return page.locator("main tbody tr", { hasText: text });
}

describeInBrowser("console: administration", () => {
  const suite = serverAndBrowser();

  it("an admin creates a user, issues their first key, changes their role, then removes them and their key stops working", async () => {
    const { t, browser } = suite;
    const tab = await openSignedIn(browser, t, t.adminKey);
    const { page } = tab;
    await goTo(page, "Users");
    await page.getByRole("button", { name: "Create user" }).click();
    await dialog(page).getByLabel("Name").fill("Dana Scully");
    await dialog(page).getByLabel("Email").fill("dana@example.test");
    await dialog(page).getByRole("button", { name: "Create user" }).click();
    await dialog(page).waitFor({ state: "detached" });
    await row(page, "dana@example.test").waitFor();

    await page.getByRole("button", { name: "Issue a key for Dana Scully" }).click();
    await dialog(page).getByLabel("Name").fill("dana-first");
    await dialog(page).getByRole("button", { name: "Issue key" }).click();
    const danaKey = await shownKey(page);
    const whoami = await send(t.url, "/v2/whoami", { key: danaKey });
    expect(whoami.status).toBe(200);
    expect(whoami.body.user.email).toBe("dana@example.test");
    const danaId: string = whoami.body.user.id;
    await dialog(page).getByRole("button", { name: "Done" }).click();

    await page.getByLabel("Account role of Dana Scully").selectOption("admin");
    await row(page, "dana@example.test").getByRole("button", { name: "Save" }).click();
    await settled(page);
    await row(page, "dana@example.test").getByRole("button", { name: "Save" }).waitFor({ state: "detached" });
    expect((await t.call(`/v2/users/${danaId}`)).body.role.name).toBe("admin");
    await screenshot(page, "admin-users");

    await page.getByRole("button", { name: "Remove Dana Scully" }).click();
    const warning = dialog(page).getByText(/Their 1 active user API key stops working at once/);
    await warning.waitFor();
    await screenshot(page, "admin-remove-user-warning");
    await dialog(page).getByRole("button", { name: "Remove Dana Scully" }).click();
    await dialog(page).waitFor({ state: "detached" });
    await settled(page);
    expect(await rowNames(page)).not.toContain("Dana Scully");
    expect((await send(t.url, "/v2/whoami", { key: danaKey })).status).toBe(401);
    await expectNoLeaks(tab, t, [danaKey]);
  });

  it("an admin creates an organization and a space and manages their members; refusals show the server's detail", async () => {
    const { t, browser } = suite;
    const member = await seedUser(t, { role: "member" });
    const { name: memberName, email: memberEmail } = (await t.call(`/v2/users/${member.wireId}`)).body as { name: string; email: string };
    const tab = await openSignedIn(browser, t, t.adminKey);
    const { page } = tab;

    await goTo(page, "Organizations");
    await page.getByRole("button", { name: "Create organization" }).click();
    await dialog(page).getByLabel("Name").fill("research");
    await dialog(page).getByRole("button", { name: "Create organization" }).click();
    await row(page, "research").waitFor();
    // The name filter (GET /v2/organizations?name=, case-insensitive substring) leaves only research.
    await page.getByLabel("Name contains").fill("SEARC");
    await row(page, "default").waitFor({ state: "detached" });
    // A filter's rows show only once its own answer is in (never the old rows meanwhile).
    await row(page, "research").waitFor();
    await settled(page);
    expect(await page.locator("main tbody tr").count()).toBe(1);
    await page.getByLabel("Name contains").fill("");
    await row(page, "default").waitFor();

    await goTo(page, "Spaces");
    await page.getByRole("button", { name: "Create space" }).click();
    await dialog(page).getByLabel("Organization").selectOption({ label: "research" });
    await dialog(page).getByLabel("Name").fill("lab");
    await dialog(page).getByRole("button", { name: "Create space" }).click();
    await row(page, "lab").waitFor();
    // The space object does not name its organization: the console finds it by listing with org_id.
    await row(page, "lab").filter({ hasText: "research" }).waitFor();

    // Adding someone to a space of an organization they do not belong to is refused (422).
    const spaceId = (await t.call("/v2/spaces?name=lab")).body.spaces[0].id as string;
    const refused = await t.call(`/v2/spaces/${spaceId}/users`, { method: "POST", body: { user_id: member.wireId, role: "member" } });
    expect(refused.status).toBe(422);
    await page.getByRole("button", { name: "Members of lab" }).click();
    await dialog(page)
      .getByLabel("User")
      .selectOption({ label: `${memberName} (${memberEmail})` });
    await dialog(page).getByRole("button", { name: "Add to lab" }).click();
    await dialog(page).getByRole("alert").waitFor();
    expect(await dialog(page).getByRole("alert").textContent()).toBe(refused.body.detail);
    await screenshot(page, "admin-space-member-refused");
    await dialog(page).getByRole("button", { name: "Close" }).click();

    await goTo(page, "Organizations");
    await page.getByRole("button", { name: "Members of research" }).click();
    await dialog(page).getByLabel("User").selectOption(member.wireId);
    await dialog(page).getByRole("button", { name: "Add to research" }).click();
    await dialog(page).locator("tbody tr", { hasText: memberName }).waitFor();
    await dialog(page).getByLabel(`Role of ${memberName} in research`).selectOption("read-only");
    await dialog(page).locator("tbody tr", { hasText: memberName }).getByRole("button", { name: "Save" }).click();
    await dialog(page).locator("tbody tr", { hasText: memberName }).getByRole("button", { name: "Save" }).waitFor({ state: "detached" });
    const research = (await t.call("/v2/organizations")).body.organizations.find((org: { name: string }) => org.name === "research");
    const memberships = (await t.call(`/v2/organizations/${research.id}/users`)).body.memberships;
    expect(memberships.find((m: { user_id: string }) => m.user_id === member.wireId).role.name).toBe("read-only");
    await screenshot(page, "admin-organization-members");
    await dialog(page).getByRole("button", { name: "Close" }).click();

    // An organization that still holds a space cannot be deleted: the 422 detail shows in the dialog.
    await page.getByRole("button", { name: "Delete research" }).click();
    await dialog(page).getByRole("button", { name: "Delete research" }).click();
    await dialog(page).getByRole("alert").waitFor();
    expect(await dialog(page).getByRole("alert").textContent()).toMatch(/still holds 1 space/);
    await screenshot(page, "admin-delete-organization-refused");
    await expectNoLeaks(tab, t, [member.key]);
  });

  it("the audit trail lists changes newest first and filters by action", async () => {
    const { t, browser } = suite;
    await t.call("/v2/api-keys", { method: "POST", body: { name: "audited" } });
    const tab = await openSignedIn(browser, t, t.adminKey);
    const { page } = tab;
    await goTo(page, "Audit trail");
    expect(await page.locator("tbody tr").count()).toBeGreaterThan(0);
    const newest = (await t.call("/v2/audit-events?limit=1")).body.audit_events[0];
    expect(await page.locator("tbody tr").first().textContent()).toContain(newest.action);
    await page.getByLabel("Action").fill(newest.action);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await settled(page);
    const actions = await page.locator("tbody tr td:nth-of-type(1)").allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action).toBe(newest.action);
    await screenshot(page, "admin-audit-trail");
    await expectNoLeaks(tab, t, []);
  });

  it("a member sees no admin-only pages and an admin action is refused with the server's detail (at 375 px)", async () => {
    const { t, browser } = suite;
    const member = await seedUser(t, { role: "member", orgRole: "member" });
    const refused = await t.call(`/v2/organizations/${t.organizationId}`, { method: "DELETE", key: member.key });
    expect(refused.status).toBe(403);
    const tab = await openSignedIn(browser, t, member.key, { width: 375, height: 812 });
    const { page } = tab;
    const nav = page.getByRole("navigation", { name: "Console" });
    expect(await nav.getByRole("link").allTextContents()).toEqual(["API keys", "Organizations", "Spaces", "Projects", "Roles"]);
    await page.goto("/#/users");
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();

    await goTo(page, "Organizations");
    await settled(page);
    // Only account admins create organizations: a member is not offered it (issue 18).
    expect(await page.getByRole("button", { name: "Create organization" }).count()).toBe(0);
    await page.getByRole("button", { name: "Delete default" }).click();
    await dialog(page).getByRole("button", { name: "Delete default" }).click();
    await dialog(page).getByRole("alert").waitFor();
    expect(await dialog(page).getByRole("alert").textContent()).toBe(refused.body.detail);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, "member-refused-admin-action");
    await expectNoLeaks(tab, t, []);
  });
});
