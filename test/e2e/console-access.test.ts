import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { send } from "../support/http.js";
import { addMember, expectStatus, newUser, person, unique } from "../support/identity.js";
import { forEachStore } from "../support/stores.js";
import { describeInBrowser, expectNoLeaks, openSignedIn, requireConsoleBuild, screenshot, serverAndBrowser } from "./browser.js";
import { dialog, settled } from "./keys-page.js";

requireConsoleBuild();

async function goTo(page: Page, link: string, heading = link): Promise<void> {
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: link, exact: true }).click();
  await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
  await settled(page);
}

function row(page: Page, text: string) {
  return page.locator("main tbody tr", { hasText: text });
}

/** The problem detail the server gives for the same request, to compare with what the console shows. */
async function alertText(page: Page): Promise<string> {
  const alert = dialog(page).getByRole("alert");
  await alert.waitFor();
  return (await alert.textContent()) ?? "";
}

forEachStore((store) => {
  describeInBrowser(`console: roles, projects and access (${store})`, () => {
    const suite = serverAndBrowser({ store });

    it("an account admin creates, edits and deletes a custom role; predefined roles are read-only; refusals show the server's detail", async () => {
      const { t, browser } = suite;
      const tab = await openSignedIn(browser, t, t.adminKey);
      const { page } = tab;
      await goTo(page, "Roles");
      await row(page, "annotator").waitFor();
      expect(await page.locator("main tbody").getByText("Predefined", { exact: true }).count()).toBe(4);
      expect(await page.getByRole("button", { name: /^Edit / }).count()).toBe(0);
      expect(await page.getByRole("button", { name: /^Delete / }).count()).toBe(0);
      await page.getByLabel("Kind").selectOption("Custom");
      await page.getByText("No custom roles yet.").waitFor();

      await page.getByRole("button", { name: "Create role" }).click();
      await dialog(page).getByLabel("Name").fill("Release engineer");
      await dialog(page).getByLabel("Description (optional)").fill("Ships releases");
      await dialog(page).getByLabel("Start from").selectOption("read-only");
      await dialog(page).getByLabel("Filter permissions").fill("service key create");
      await dialog(page).getByRole("checkbox", { name: "SERVICE_KEY_CREATE" }).check();
      await dialog(page).getByLabel("Filter permissions").fill("");
      await screenshot(page, "roles-create");
      await dialog(page).getByRole("button", { name: "Create role" }).click();
      await dialog(page).waitFor({ state: "detached" });
      await row(page, "Release engineer").waitFor();
      const readOnly = expectStatus(await t.call("/v2/roles?is_predefined=true"), 200).roles.find(
        (r: { name: string }) => r.name === "read-only",
      );
      const created = expectStatus(await t.call("/v2/roles?is_predefined=false"), 200).roles[0];
      expect(created.name).toBe("Release engineer");
      expect(created.description).toBe("Ships releases");
      expect(created.permissions).toEqual([...readOnly.permissions, "SERVICE_KEY_CREATE"].sort());

      // An empty set is refused by the server (400); the dialog shows its detail and keeps the form.
      await page.getByRole("button", { name: "Edit Release engineer" }).click();
      await dialog(page).getByRole("button", { name: "Clear all" }).click();
      await dialog(page)
        .getByText(/^0 of \d+ selected$/)
        .waitFor();
      await dialog(page).getByRole("button", { name: "Save role" }).click();
      const refused = await t.call(`/v2/roles/${created.id}`, {
        method: "PATCH",
        body: { name: "Release engineer", description: "Ships releases", permissions: [] },
      });
      expect(refused.status).toBe(400);
      // The server's words for programs name the body field; the console says "the permissions" (humanDetail, docs/console.md).
      expect(refused.body.detail).toBe('body "permissions" must NOT have fewer than 1 items');
      expect(await alertText(page)).toBe("the permissions must NOT have fewer than 1 items");
      await dialog(page).getByLabel("Filter permissions").fill("PROJECT_READ");
      await dialog(page).getByRole("checkbox", { name: "PROJECT_READ" }).check();
      await dialog(page).getByLabel("Name").fill("Release engineers");
      await dialog(page).getByRole("button", { name: "Save role" }).click();
      await dialog(page).waitFor({ state: "detached" });
      await row(page, "Release engineers").waitFor();
      const edited = expectStatus(await t.call(`/v2/roles/${created.id}`), 200);
      expect(edited.name).toBe("Release engineers");
      expect(edited.permissions).toEqual(["PROJECT_READ"]);

      await page.getByRole("button", { name: "Permissions of Release engineers" }).click();
      await dialog(page).getByText("PROJECT_READ", { exact: true }).waitFor();
      await dialog(page).getByRole("button", { name: "Close" }).click();

      await page.getByRole("button", { name: "Delete Release engineers" }).click();
      await dialog(page).getByRole("button", { name: "Delete Release engineers" }).click();
      await dialog(page).waitFor({ state: "detached" });
      await page.getByText("No custom roles yet.").waitFor();
      expect((await t.call(`/v2/roles/${created.id}`)).status).toBe(404);
      await expectNoLeaks(tab, t, []);
      await tab.close();
    });

    it("an admin manages projects, restricts one, and grants, changes and removes a role on it; people's access follows", async () => {
      const { t, browser } = suite;
      const lin = await person(t, { org: { id: t.organizationId, role: "member" }, space: { id: t.spaceId, role: "member" } });
      const linName = expectStatus(await t.call(`/v2/users/${lin.id}`), 200).name as string;
      const outsider = await newUser(t, { email: `${unique("outsider")}@example.test` });
      const custom = expectStatus(
        await t.call("/v2/roles", { method: "POST", body: { name: "Ledger reader", permissions: ["PROJECT_READ"] } }),
        201,
      );
      const tab = await openSignedIn(browser, t, t.adminKey);
      const { page } = tab;

      await goTo(page, "Projects");
      await page.getByText("No projects here yet.").waitFor();
      for (const name of ["releases", "ledger"]) {
        await page.getByRole("button", { name: "Create project" }).click();
        await dialog(page).getByLabel("Space").selectOption(t.spaceId);
        await dialog(page).getByLabel("Name").fill(name);
        await dialog(page).getByRole("button", { name: "Create project" }).click();
        await dialog(page).waitFor({ state: "detached" });
        await row(page, name).waitFor();
      }
      // A second "Ledger" in the same space is refused (409), worded by the server.
      await page.getByRole("button", { name: "Create project" }).click();
      await dialog(page).getByLabel("Space").selectOption(t.spaceId);
      await dialog(page).getByLabel("Name").fill("Ledger");
      await dialog(page).getByRole("button", { name: "Create project" }).click();
      const duplicate = await t.call("/v2/projects", { method: "POST", body: { name: "Ledger", space_id: t.spaceId } });
      expect(duplicate.status).toBe(409);
      expect(await alertText(page)).toBe(duplicate.body.detail);
      await dialog(page).getByRole("button", { name: "Cancel" }).click();

      await page.getByRole("button", { name: "Rename releases" }).click();
      await dialog(page).getByLabel("Name").fill("releases-2027");
      await dialog(page).getByRole("button", { name: "Rename project" }).click();
      await row(page, "releases-2027").waitFor();
      const projects = expectStatus(await t.call(`/v2/projects?space_id=${t.spaceId}`), 200).projects as { id: string; name: string }[];
      expect(projects.map((p) => p.name).sort()).toEqual(["ledger", "releases-2027"]);
      const ledger = projects.find((p) => p.name === "ledger")?.id ?? "";

      await page.getByRole("button", { name: "Restrict ledger" }).click();
      await dialog(page).getByRole("button", { name: "Restrict project" }).click();
      await row(page, "ledger").getByText("Restricted").waitFor();
      const restrictions = expectStatus(await t.call("/v2/resource-restrictions"), 200).resource_restrictions;
      expect(restrictions.map((r: { resource_id: string }) => r.resource_id)).toEqual([ledger]);
      // Lin, a member of the space, no longer sees the restricted project.
      expect((await send(t.url, `/v2/projects/${ledger}`, { key: lin.key })).status).toBe(404);
      await screenshot(page, "projects-restricted");

      await goTo(page, "Access");
      await page.getByText(/No role bindings here/).waitFor();
      await page.getByRole("button", { name: "Grant a role" }).click();
      await dialog(page).getByLabel("User").selectOption(lin.id);
      await dialog(page).getByLabel("Role").selectOption({ label: "read-only (predefined)" });
      await dialog(page).getByLabel("A project").check();
      await dialog(page).getByLabel("Project", { exact: true }).selectOption(ledger);
      await dialog(page).getByRole("button", { name: "Grant role" }).click();
      await dialog(page).waitFor({ state: "detached" });
      await row(page, linName).waitFor();
      const bindings = expectStatus(await t.call(`/v2/role-bindings?user_id=${lin.id}`), 200).role_bindings;
      expect(bindings).toHaveLength(1);
      const readOnlyId = expectStatus(await t.call("/v2/roles?is_predefined=true"), 200).roles.find(
        (r: { name: string }) => r.name === "read-only",
      ).id;
      expect(bindings[0]).toMatchObject({ role_id: readOnlyId, resource_type: "PROJECT", resource_id: ledger });
      expect((await send(t.url, `/v2/projects/${ledger}`, { key: lin.key })).status).toBe(200);

      // Someone outside the space's organization cannot be bound (422): the dialog shows why.
      await page.getByRole("button", { name: "Grant a role" }).click();
      await dialog(page).getByLabel("User").selectOption(outsider.id);
      await dialog(page).getByLabel("Role").selectOption(custom.id);
      await dialog(page).getByLabel("Space", { exact: true }).selectOption(t.spaceId);
      await dialog(page).getByRole("button", { name: "Grant role" }).click();
      const outside = await t.call("/v2/role-bindings", {
        method: "POST",
        body: { user_id: outsider.id, role_id: custom.id, resource_type: "SPACE", resource_id: t.spaceId },
      });
      expect(outside.status).toBe(422);
      expect(await alertText(page)).toBe(outside.body.detail);
      await dialog(page).getByRole("button", { name: "Cancel" }).click();

      const roleSelect = row(page, linName).getByRole("combobox");
      await roleSelect.selectOption(custom.id);
      await row(page, linName).getByRole("button", { name: "Save" }).click();
      await row(page, linName).getByRole("button", { name: "Save" }).waitFor({ state: "detached" });
      expect(expectStatus(await t.call(`/v2/role-bindings/${bindings[0].id}`), 200).role_id).toBe(custom.id);
      await screenshot(page, "access-bindings");

      // A role still bound cannot be deleted (422), and the Roles page says so.
      await goTo(page, "Roles");
      await page.getByRole("button", { name: "Delete Ledger reader" }).click();
      await dialog(page).getByRole("button", { name: "Delete Ledger reader" }).click();
      const bound = await t.call(`/v2/roles/${custom.id}`, { method: "DELETE" });
      expect(bound.status).toBe(422);
      expect(await alertText(page)).toBe(bound.body.detail);
      await dialog(page).getByRole("button", { name: "Cancel" }).click();

      await goTo(page, "Access");
      await page.getByRole("button", { name: new RegExp(`^Remove Ledger reader of ${linName}`) }).click();
      await dialog(page).getByRole("button", { name: "Remove binding" }).click();
      await dialog(page).waitFor({ state: "detached" });
      await page.getByText(/No role bindings here/).waitFor();
      expect(expectStatus(await t.call(`/v2/role-bindings?user_id=${lin.id}`), 200).role_bindings).toEqual([]);
      expect((await send(t.url, `/v2/projects/${ledger}`, { key: lin.key })).status).toBe(404);

      await goTo(page, "Projects");
      await page.getByRole("button", { name: "Unrestrict ledger" }).click();
      await dialog(page).getByRole("button", { name: "Unrestrict project" }).click();
      await row(page, "ledger").getByText("Open to the space").waitFor();
      expect(expectStatus(await t.call("/v2/resource-restrictions"), 200).resource_restrictions).toEqual([]);
      expect((await send(t.url, `/v2/projects/${ledger}`, { key: lin.key })).status).toBe(200);
      await page.getByRole("button", { name: "Delete releases-2027" }).click();
      await dialog(page).getByRole("button", { name: "Delete releases-2027" }).click();
      await dialog(page).waitFor({ state: "detached" });
      await row(page, "releases-2027").waitFor({ state: "detached" });
      expect(expectStatus(await t.call(`/v2/projects?space_id=${t.spaceId}`), 200).projects.map((p: { name: string }) => p.name)).toEqual([
        "ledger",
      ]);
      await expectNoLeaks(tab, t, [lin.key]);
      await tab.close();
    });

    it("members are offered only what their roles allow; a space admin gets the Access page for their space", async () => {
      const { t, browser } = suite;
      const org = { id: t.organizationId, role: "member" };
      const member = await person(t, { org, space: { id: t.spaceId, role: "member" } });
      const reader = await person(t, { org, space: { id: t.spaceId, role: "read-only" } });
      const spaceAdmin = await person(t, { org, space: { id: t.spaceId, role: "admin" } });
      expectStatus(await t.call("/v2/projects", { method: "POST", body: { name: unique("shared"), space_id: t.spaceId } }), 201);

      const memberTab = await openSignedIn(browser, t, member.key);
      let page = memberTab.page;
      const nav = page.getByRole("navigation", { name: "Console" });
      expect(await nav.getByRole("link").allTextContents()).toEqual(["API keys", "Organizations", "Spaces", "Projects", "Roles"]);
      await goTo(page, "Roles");
      await row(page, "annotator").waitFor();
      expect(await page.getByRole("button", { name: "Create role" }).count()).toBe(0);
      await goTo(page, "Projects");
      await page.locator("main tbody tr").first().waitFor();
      await page.getByRole("button", { name: "Create project" }).waitFor();
      expect(await page.getByRole("button", { name: /^Rename / }).count()).toBeGreaterThan(0);
      expect(await page.getByRole("button", { name: /^Restrict / }).count()).toBe(0);
      // Asking for the Access page by its address lands on the keys page.
      await page.goto("/#/access");
      await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
      await memberTab.close();

      const readerTab = await openSignedIn(browser, t, reader.key);
      page = readerTab.page;
      await goTo(page, "Projects");
      await page.locator("main tbody tr").first().waitFor();
      expect(await page.getByRole("button", { name: "Create project" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: /^(Rename|Delete|Restrict) / }).count()).toBe(0);
      await readerTab.close();

      await addMember(t, "spaces", t.spaceId, spaceAdmin.id, "admin");
      const adminTab = await openSignedIn(browser, t, spaceAdmin.key);
      page = adminTab.page;
      await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Access" }).waitFor();
      await goTo(page, "Projects");
      await page.locator("main tbody tr").first().waitFor();
      expect(await page.getByRole("button", { name: /^Restrict / }).count()).toBeGreaterThan(0);
      await goTo(page, "Access");
      await page.getByRole("button", { name: "Grant a role" }).click();
      const spaces = await dialog(page).getByLabel("Space", { exact: true }).locator("option").allTextContents();
      expect(spaces.filter((label) => label.includes("/"))).toHaveLength(1);
      await dialog(page).getByRole("button", { name: "Cancel" }).click();
      await expectNoLeaks(adminTab, t, [spaceAdmin.key]);
      await adminTab.close();
    });

    it("a list the server refuses shows the problem's detail instead of an empty list", async () => {
      const { t, browser } = suite;
      // A user without developer access may sign in (GET /v2/whoami) but not read roles or projects (403).
      const outsider = await person(t, { is_developer: false, org: { id: t.organizationId, role: "member" } });
      const refused = await send(t.url, "/v2/roles", { key: outsider.key });
      expect(refused.status).toBe(403);
      const tab = await openSignedIn(browser, t, outsider.key);
      const { page } = tab;
      for (const link of ["Roles", "Projects"]) {
        await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: link, exact: true }).click();
        await page.getByRole("heading", { name: link, level: 1 }).waitFor();
        await page.locator("main").getByRole("alert").first().waitFor();
        expect(await page.locator("main").getByRole("alert").allTextContents()).toContain(refused.body.detail);
        expect(await page.getByText(/^No (custom roles|roles|projects)/).count()).toBe(0);
      }
      await expectNoLeaks(tab, t, [outsider.key]);
      await tab.close();
    });
  });
});
