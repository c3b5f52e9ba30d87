import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { TestClock } from "../support/clock.js";
import { expectStatus, newUser, person } from "../support/identity.js";
import { AXE_CONTEXT, axeViolations, type AxeViolation } from "./axe.js";
import { describeInBrowser, expectNoLeaks, openConsole, requireConsoleBuild, serverAndBrowser, signIn } from "./browser.js";
import { createKeyOverHttp, dialog, settled } from "./keys-page.js";

requireConsoleBuild();

/**
 * Every screen of the console, in both themes and at both widths, checked by
 * axe-core (zero violations), with viewport screenshots of the main screens
 * written to docs/console/ for docs/console.md. A screen added to the console
 * gets a step in SCREENS.
 */
const DOCS = join(import.meta.dirname, "..", "..", "docs", "console");
const WIDTHS = [
  { name: "wide", viewport: { width: 1280, height: 800 } },
  { name: "narrow", viewport: { width: 390, height: 844 } },
] as const;
const THEMES = ["light", "dark"] as const;

interface Screen {
  name: string;
  /** Opens the screen from the signed-in console (or from anywhere: it may navigate). */
  open(page: Page): Promise<void>;
  /** A screenshot of it goes to docs/console/<name>-<width>-<theme>.png. */
  documented?: boolean;
}

async function goTo(page: Page, link: string, heading = link): Promise<void> {
  const nav = page.getByRole("navigation", { name: "Console" });
  await nav.getByRole("link", { name: link, exact: true }).click();
  await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
  await settled(page);
  await page.locator("main tbody tr").first().waitFor();
}

async function openDialog(page: Page, button: string | RegExp, ready?: string): Promise<void> {
  await page.getByRole("button", { name: button, exact: true }).first().click();
  await dialog(page).waitFor();
  if (ready !== undefined) await dialog(page).getByText(ready).first().waitFor();
  await settled(page);
}

/** Opens a dialog, then does something in it and waits for what that shows. */
async function inDialog(page: Page, button: string | RegExp, act: (page: Page) => Promise<void>, shown: string | RegExp): Promise<void> {
  await openDialog(page, button);
  await act(page);
  await dialog(page).getByText(shown).first().waitFor();
  await settled(page);
}

async function closeDialog(page: Page): Promise<void> {
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
}

describeInBrowser("console: every screen, both themes, both widths", () => {
  // A still clock (the server's and the page's), so the dates in the screenshots do not change from run to run.
  const suite = serverAndBrowser({ clock: new TestClock(Date.UTC(2026, 10, 2, 9, 30)) });

  /**
   * A small account to show: keys (one retiring after a rotation with grace), an organization with a space,
   * projects, a custom role and a binding, an invited user.
   */
  async function seed(): Promise<{ claimToken: () => Promise<string> }> {
    const { t } = suite;
    await createKeyOverHttp(t, { name: "laptop", description: "Ada's workstation" });
    const rotated = await createKeyOverHttp(t, { name: "build-agent" });
    expectStatus(await t.call(`/v2/api-keys/${rotated.id}/refresh`, { method: "POST", body: { grace_period_seconds: 3600 } }), 200);
    await createKeyOverHttp(t, {
      name: "ci-deploy",
      key_type: "service",
      space_id: t.spaceId,
      roles: { space_role: "member", org_role: "read-only", account_role: "member" },
    });
    const org = expectStatus(await t.call("/v2/organizations", { method: "POST", body: { name: "acme", description: "Acme Corp" } }), 201);
    const space = expectStatus(await t.call("/v2/spaces", { method: "POST", body: { name: "payments", organization_id: org.id } }), 201);
    const grace = await person(t, {
      email: "grace@acme.test",
      org: { id: org.id, role: "member" },
      space: { id: space.id, role: "read-only" },
    });
    await t.call(`/v2/users/${grace.id}`, { method: "PATCH", body: { name: "Grace Hopper" } });
    const projects = [];
    for (const name of ["releases", "ledger"]) {
      projects.push(expectStatus(await t.call("/v2/projects", { method: "POST", body: { name, space_id: space.id } }), 201));
    }
    expectStatus(await t.call("/v2/resource-restrictions", { method: "POST", body: { resource_id: projects[1].id } }), 200);
    const role = expectStatus(
      await t.call("/v2/roles", {
        method: "POST",
        body: {
          name: "Release engineer",
          description: "Creates service keys",
          permissions: ["PROJECT_READ", "SERVICE_KEY_CREATE", "SERVICE_KEY_READ"],
        },
      }),
      201,
    );
    expectStatus(
      await t.call("/v2/role-bindings", {
        method: "POST",
        body: { user_id: grace.id, role_id: role.id, resource_type: "SPACE", resource_id: space.id },
      }),
      201,
    );
    const invited = await newUser(t, { email: "lin@acme.test", invite_mode: "email_link" });
    await t.call(`/v2/users/${invited.id}`, { method: "PATCH", body: { name: "Lin Invited" } });
    // A fresh link each time: the invitation link dialog replaces the user's link.
    const claimToken = async () => {
      const link = expectStatus(await t.call(`/v2/users/${invited.id}/claim-link`, { method: "POST" }), 200);
      return String(link.url).split("/#/claim/")[1] ?? "";
    };
    return { claimToken };
  }

  const SCREENS: Screen[] = [
    { name: "keys", open: (page) => goTo(page, "API keys"), documented: true },
    { name: "keys-create", open: (page) => openDialog(page, "Create key") },
    {
      name: "keys-create-blank-name",
      open: (page) =>
        inDialog(page, "Create key", (p) => dialog(p).getByRole("button", { name: "Create key" }).click(), /^Give the key a name/),
    },
    { name: "keys-rotate", open: (page) => openDialog(page, /^Rotate /, "New key expires") },
    {
      name: "keys-all-users-no-match",
      open: async (page) => {
        await page.getByLabel("Owner").selectOption({ label: "All users" });
        await page.getByLabel("Search by name").fill("no key is called this");
        await page.getByText(/whose name contains “no key is called this”/).waitFor();
        await settled(page);
      },
    },
    { name: "organizations", open: (page) => goTo(page, "Organizations") },
    { name: "organizations-members", open: (page) => openDialog(page, /^Members of /, "Add a member or set a role") },
    {
      name: "organizations-members-remove",
      open: (page) =>
        inDialog(
          page,
          /^Members of /,
          (p) =>
            dialog(p)
              .getByRole("button", { name: /^Remove / })
              .first()
              .click(),
          "Keep",
        ),
    },
    { name: "spaces", open: (page) => goTo(page, "Spaces") },
    { name: "spaces-create", open: (page) => openDialog(page, "Create space") },
    { name: "projects", open: (page) => goTo(page, "Projects"), documented: true },
    { name: "projects-create", open: (page) => openDialog(page, "Create project") },
    { name: "projects-restrict", open: (page) => openDialog(page, /^Restrict /) },
    { name: "roles", open: (page) => goTo(page, "Roles") },
    { name: "roles-permissions", open: (page) => openDialog(page, /^Permissions of /) },
    { name: "roles-edit", open: (page) => openDialog(page, /^Edit /, "selected"), documented: true },
    { name: "access", open: (page) => goTo(page, "Access"), documented: true },
    { name: "access-grant", open: (page) => openDialog(page, "Grant a role") },
    { name: "users", open: (page) => goTo(page, "Users") },
    { name: "users-create", open: (page) => openDialog(page, "Create user") },
    { name: "users-invitation-link", open: (page) => openDialog(page, /^Invitation link for /, "Hand this link") },
    { name: "audit", open: (page) => goTo(page, "Audit trail") },
    {
      name: "audit-no-match",
      open: async (page) => {
        await page.getByLabel("Action").fill("space.deleted");
        await page.getByRole("button", { name: "Apply filters" }).click();
        await page.getByText("No events match these filters. Widen the time range or clear a filter.").waitFor();
        await settled(page);
      },
    },
  ];

  let claimToken: () => Promise<string>;
  beforeAll(async () => {
    ({ claimToken } = await seed());
    mkdirSync(DOCS, { recursive: true });
  });

  for (const theme of THEMES) {
    for (const width of WIDTHS) {
      it(`has no axe-core violations on any screen (${theme}, ${width.viewport.width} px)`, async () => {
        const { t, browser } = suite;
        // The theme follows the system's (prefers-color-scheme), emulated here; dates in one locale and zone.
        const context = { ...AXE_CONTEXT, colorScheme: theme, locale: "en-US", timezoneId: "UTC" };
        const tab = await openConsole(browser, t, width.viewport, context);
        const { page } = tab;
        const shoot = (name: string) => page.screenshot({ path: join(DOCS, `${name}-${width.viewport.width}-${theme}.png`) });
        // Every screen's violations, so one run reports them all.
        const found: Record<string, AxeViolation[]> = {};
        const check = async (screen: string) => {
          const violations = await axeViolations(page);
          if (violations.length > 0) found[screen] = violations;
        };

        await page.getByRole("button", { name: "Sign in" }).waitFor();
        await check("sign-in");
        // A refused sign-in: the message under the field (aria-invalid, role="alert").
        await page.getByLabel("API key").fill("hello");
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("alert").waitFor();
        await check("sign-in-refused");
        await signIn(page, t.adminKey);
        expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe(
          theme === "dark" ? "rgb(15, 20, 25)" : "rgb(255, 255, 255)",
        );
        const checked: string[] = [];
        for (const screen of SCREENS) {
          if ((await dialog(page).count()) > 0) await closeDialog(page);
          await screen.open(page);
          await page.mouse.move(0, 0);
          await check(screen.name);
          if (screen.documented) await shoot(screen.name);
          checked.push(screen.name);
        }
        await closeDialog(page);

        // The claim page (no sign-in), for the invited user: inspecting the link does not use it up.
        await page.goto(`/#/claim/${await claimToken()}`);
        await page.getByRole("heading", { name: "Accept your invitation" }).waitFor();
        await check("claim");
        await shoot("claim");
        expect(found).toEqual({});
        expect(checked).toHaveLength(SCREENS.length);
        await expectNoLeaks(tab, t, []);
        await tab.close();
      });
    }
  }
});
