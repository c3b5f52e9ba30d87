import { expect, it } from "vitest";
import { describeInBrowser, openSignedIn, requireConsoleBuild, serverAndBrowser } from "./browser.js";
import { createKeyOverHttp, rowNames } from "./keys-page.js";

requireConsoleBuild();

describeInBrowser("console: dialect", () => {
  // A server whose default wire is the current Arize client's (UPPER_SNAKE values).
  const suite = serverAndBrowser({ env: { KEYHOUSE_DIALECT: "2026-07" } });

  it("pins 2026-06 with Keyhouse-Dialect, so it lists keys whatever KEYHOUSE_DIALECT says", async () => {
    const { t } = suite;
    expect((await t.call("/v2/api-keys")).body.api_keys[0].status).toBe("ACTIVE");
    await createKeyOverHttp(t, { name: "seen in 2026-06" });
    const tab = await openSignedIn(suite.browser, t, t.adminKey);
    try {
      const dialects: string[] = [];
      tab.page.on("response", (response) => {
        if (new URL(response.url()).pathname.startsWith("/v2/")) dialects.push(response.headers()["keyhouse-dialect"] ?? "none");
      });
      await tab.page.reload();
      // Right after a reload nothing is busy yet: wait for the list itself before reading it.
      await tab.page.locator("tbody tr th", { hasText: "seen in 2026-06" }).first().waitFor();
      expect(await rowNames(tab.page)).toContain("seen in 2026-06");
      expect(dialects.length).toBeGreaterThan(0);
      expect(new Set(dialects)).toEqual(new Set(["2026-06"]));
    } finally {
      await tab.close();
    }
  });
});
