import { beforeAll, expect, it } from "vitest";
import { TestClock } from "../support/clock.js";
import { describeInBrowser, expectNoLeaks, openSignedIn, requireConsoleBuild, screenshot, serverAndBrowser } from "./browser.js";
import { createKeyOverHttp, rowNames, settled, type CreatedKey } from "./keys-page.js";

requireConsoleBuild();

const SEEDED = 120;

describeInBrowser("console: filtering and paging", () => {
  // keyhouse's time (and the tabs' Date) stands still unless a test advances it.
  const clock = new TestClock();
  const suite = serverAndBrowser({ clock });
  const created: CreatedKey[] = [];

  beforeAll(async () => {
    const { t } = suite;
    for (let batch = 0; batch < SEEDED; batch += 10) {
      const names = Array.from({ length: 10 }, (_, i) => `seeded-${String(batch + i).padStart(3, "0")}`);
      created.push(...(await Promise.all(names.map((name) => createKeyOverHttp(t, { name })))));
    }
  });

  it("pages through 120 keys, newest first, each exactly once, and back", async () => {
    const { t, browser } = suite;
    const tab = await openSignedIn(browser, t, t.adminKey);
    const { page } = tab;
    const next = page.getByRole("button", { name: "Next" });
    const seen: string[] = [];
    const firstPage = await rowNames(page);
    expect(firstPage).toHaveLength(50);
    seen.push(...firstPage);
    await next.click();
    await page.getByText("Page 2").waitFor();
    const secondPage = await rowNames(page);
    expect(secondPage).toHaveLength(50);
    seen.push(...secondPage);
    await next.click();
    await page.getByText("Page 3").waitFor();
    const lastPage = await rowNames(page);
    await screenshot(page, "paging-last-page");
    seen.push(...lastPage);
    expect(lastPage).toHaveLength(SEEDED + 1 - 100);
    expect(await next.isDisabled()).toBe(true);
    // Every seeded key plus the bootstrap key, once each.
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((name) => name.startsWith("seeded-")).sort()).toEqual(
      Array.from({ length: SEEDED }, (_, i) => `seeded-${String(i).padStart(3, "0")}`),
    );
    expect(seen.at(-1)).toBe("bootstrap");

    await page.getByRole("button", { name: "Previous" }).click();
    await page.getByText("Page 2").waitFor();
    expect(await rowNames(page)).toEqual(secondPage);

    await page.getByLabel("Per page").selectOption("10");
    await page.getByText("Page 1").waitFor();
    expect(await rowNames(page)).toHaveLength(10);
    await expectNoLeaks(
      tab,
      t,
      created.map((key) => key.key),
    );
  });

  it("filters by status: active, expired (with a badge) and deleted", async () => {
    const { t, browser } = suite;
    const expiring = await Promise.all(
      ["expiring-a", "expiring-b"].map((name) => createKeyOverHttp(t, { name, expires_at: clock.inSeconds(60) })),
    );
    for (const key of created.slice(0, 3)) expect((await t.call(`/v2/api-keys/${key.id}`, { method: "DELETE" })).status).toBe(204);
    // A minute on: beyond the real time too, so the tab must be on the clock to show them expired.
    clock.advance(60_000);

    const tab = await openSignedIn(browser, t, t.adminKey);
    const { page } = tab;
    await page.getByLabel("Per page").selectOption("100");
    const active = await rowNames(page);
    expect(active).not.toContain("expiring-a");
    expect(active).not.toContain("seeded-000");

    await page.getByLabel("Status").selectOption("expired");
    await settled(page);
    expect((await rowNames(page)).sort()).toEqual(["expiring-a", "expiring-b"]);
    expect(await page.locator("tbody").getByText("Expired", { exact: true }).count()).toBe(2);
    // Expired keys can still be deleted, not rotated.
    expect(await page.getByRole("button", { name: /^Rotate/ }).count()).toBe(0);
    await screenshot(page, "filter-expired");

    await page.getByLabel("Status").selectOption("deleted");
    expect((await rowNames(page)).sort()).toEqual(["seeded-000", "seeded-001", "seeded-002"]);
    expect(await page.getByRole("button", { name: /^(Rotate|Delete)/ }).count()).toBe(0);
    await screenshot(page, "filter-deleted");
    await expectNoLeaks(
      tab,
      t,
      expiring.map((key) => key.key),
    );
  });
});
