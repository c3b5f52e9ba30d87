import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { AXE_CONTEXT, expectAccessible } from "./axe.js";
import { describeInBrowser, expectNoLeaks, openConsole, openSignedIn, requireConsoleBuild, serverAndBrowser } from "./browser.js";

requireConsoleBuild();

/** The page's background and the theme data attribute, as the browser computed them. */
async function look(page: Page): Promise<{ background: string; theme: string | undefined; saved: string | null }> {
  return page.evaluate(() => ({
    background: getComputedStyle(document.documentElement).backgroundColor,
    theme: document.documentElement.dataset.theme,
    saved: localStorage.getItem("keyhouse.theme"),
  }));
}

const LIGHT = "rgb(255, 255, 255)";
const DARK = "rgb(15, 20, 25)";

describeInBrowser("console: light and dark themes", () => {
  const suite = serverAndBrowser();

  it("follows the system's colour scheme until a theme is picked", async () => {
    const { t, browser } = suite;
    for (const [colorScheme, background] of [
      ["light", LIGHT],
      ["dark", DARK],
    ] as const) {
      const tab = await openConsole(browser, t, undefined, { ...AXE_CONTEXT, colorScheme });
      await tab.page.getByRole("button", { name: "Sign in" }).waitFor();
      expect(await look(tab.page)).toEqual({ background, theme: undefined, saved: null });
      await expectAccessible(tab.page, `sign-in (${colorScheme})`);
      // The system changing its mind is followed at once.
      await tab.page.emulateMedia({ colorScheme: colorScheme === "dark" ? "light" : "dark" });
      expect((await look(tab.page)).background).toBe(background === DARK ? LIGHT : DARK);
      await tab.close();
    }
  });

  it("the theme picker overrides the system, is remembered across reloads and sign-outs, and System forgets it", async () => {
    const { t, browser } = suite;
    const tab = await openSignedIn(browser, t, t.adminKey, undefined, { colorScheme: "light" });
    const { page } = tab;
    const picker = page.getByRole("combobox", { name: "Theme" });
    expect(await picker.inputValue()).toBe("system");
    await picker.selectOption("dark");
    expect(await look(page)).toEqual({ background: DARK, theme: "dark", saved: "dark" });
    // Dialogs and form controls take the theme too.
    await page.getByRole("button", { name: "Create key" }).click();
    expect(await page.getByRole("dialog").evaluate((d) => getComputedStyle(d).backgroundColor)).toBe(DARK);
    expect(
      await page
        .getByRole("dialog")
        .getByLabel("Name")
        .evaluate((i) => getComputedStyle(i).colorScheme),
    ).toBe("dark");
    await page.keyboard.press("Escape");

    await page.reload();
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    expect(await look(page)).toEqual({ background: DARK, theme: "dark", saved: "dark" });
    expect(await picker.inputValue()).toBe("dark");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect((await look(page)).background).toBe(DARK);

    // A new tab of the same browser profile starts dark, the system being light.
    const second = await tab.context.newPage();
    await second.goto("/");
    await second.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await look(second)).toEqual({ background: DARK, theme: "dark", saved: "dark" });
    await second.close();

    await page.getByLabel("API key").fill(t.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await picker.selectOption("light");
    expect(await look(page)).toEqual({ background: LIGHT, theme: "light", saved: "light" });
    await page.emulateMedia({ colorScheme: "dark" });
    expect((await look(page)).background).toBe(LIGHT);
    await picker.selectOption("system");
    expect(await look(page)).toEqual({ background: DARK, theme: undefined, saved: null });
    await expectNoLeaks(tab, t, [t.adminKey]);
    await tab.close();
  });
});
