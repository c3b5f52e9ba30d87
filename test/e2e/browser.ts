import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { startTestServer, type TestServer, type TestServerOptions } from "../support/server.js";

/**
 * The browser harness of the console's end-to-end tests: Debian's Chromium,
 * headless, driven by playwright-core against a real keyhouse server.
 */
const CHROMIUM_PATH = process.env.KEYHOUSE_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const chromiumProblem = existsSync(CHROMIUM_PATH)
  ? undefined
  : `no Chromium at ${CHROMIUM_PATH}; install Debian's: apt-get install -y chromium`;
if (chromiumProblem !== undefined) {
  if (process.env.CI) throw new Error(`${chromiumProblem} (CI must run the browser tests)`);
  console.warn(`[keyhouse tests] browser tests skipped: ${chromiumProblem}`);
}

/**
 * A describe block that needs Chromium: skipped with the reason outside CI, a
 * failure in CI. Browser steps get generous timeouts: CI machines are shared.
 */
export function describeInBrowser(name: string, suite: () => void): void {
  const title = chromiumProblem === undefined ? name : `${name} (skipped: ${chromiumProblem})`;
  describe.skipIf(chromiumProblem !== undefined)(title, { timeout: 90_000 }, suite);
}

const WEB = join(import.meta.dirname, "..", "..", "web");

function newestMtimeMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtimeMs(join(path, name))));
}

/** Fails the file at once, saying what to run, when web/dist is missing or older than web/src. */
export function requireConsoleBuild(): void {
  const index = join(WEB, "dist", "index.html");
  if (!existsSync(index)) throw new Error("the console is not built (web/dist/index.html missing): run `npm run build:web` first");
  const sources = Math.max(
    newestMtimeMs(join(WEB, "src")),
    newestMtimeMs(join(WEB, "index.html")),
    newestMtimeMs(join(WEB, "vite.config.ts")),
  );
  if (statSync(index).mtimeMs < sources) throw new Error("web/dist is older than web/src: run `npm run build:web` first");
}

function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface BrowserSuite {
  t: TestServer;
  browser: Browser;
}

/** A real server over a fresh store and one Chromium for the enclosing describe block; both closed after it. */
export function serverAndBrowser(options: TestServerOptions = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    suite.t = await startTestServer(options);
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.t?.close();
  });
  return suite;
}

/** One browser tab on the console, recording what the page logs and every request it makes. */
export interface ConsoleTab {
  page: Page;
  context: BrowserContext;
  consoleLines: string[];
  requestUrls: string[];
  close(): Promise<void>;
}

/** `options` adds to the context's (a colorScheme to emulate, bypassCSP for axe-core: test/e2e/axe.ts). */
export async function openConsole(
  browser: Browser,
  t: TestServer,
  viewport = { width: 1280, height: 900 },
  options: BrowserContextOptions = {},
): Promise<ConsoleTab> {
  const context = await browser.newContext({ ...options, viewport, baseURL: t.url });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: t.url });
  context.setDefaultTimeout(20_000);
  // On a server with a test clock, the page's Date shows the clock's time as the tab opens (the
  // console decides "expired" by it too); a test that advances the clock later sets it again.
  if (t.clock) await context.clock.setFixedTime(t.clock.now());
  const page = await context.newPage();
  const consoleLines: string[] = [];
  const requestUrls: string[] = [];
  page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => consoleLines.push(`pageerror: ${error.message}`));
  page.on("request", (request) => requestUrls.push(request.url()));
  await page.goto("/");
  return { page, context, consoleLines, requestUrls, close: () => context.close() };
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
}

/** A new tab on the console, signed in with `key`. */
export async function openSignedIn(
  browser: Browser,
  t: TestServer,
  key: string,
  viewport?: { width: number; height: number },
  options?: BrowserContextOptions,
): Promise<ConsoleTab> {
  const tab = await openConsole(browser, t, viewport, options);
  await signIn(tab.page, key);
  return tab;
}

/** Saves a full-page screenshot as test-output/e2e/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(import.meta.dirname, "..", "..", "test-output", "e2e");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * The console's safety promises, checked on a live tab: raw keys appear in no
 * storage but the signed-in key's sessionStorage slot, nor in the URL, a
 * cookie, a request URL or the console log; the page made no third-party
 * request and broke no CSP rule.
 */
export async function expectNoLeaks(tab: ConsoleTab, t: TestServer, rawKeys: string[]): Promise<void> {
  const seen = await tab.page.evaluate(() => ({
    local: JSON.stringify({ ...localStorage }),
    session: Object.entries({ ...sessionStorage }),
    url: location.href,
    cookie: document.cookie,
    history: history.length,
  }));
  for (const rawKey of rawKeys) {
    expect(seen.local).not.toContain(rawKey);
    expect(seen.url).not.toContain(rawKey);
    expect(seen.cookie).not.toContain(rawKey);
    for (const [name, value] of seen.session) if (name !== "keyhouse.apiKey") expect(value).not.toContain(rawKey);
    for (const line of tab.consoleLines) expect(line).not.toContain(rawKey);
    for (const url of tab.requestUrls) expect(url).not.toContain(rawKey);
  }
  // The one thing the console keeps in localStorage is the theme picked (web/src/theme.ts).
  const { "keyhouse.theme": theme, ...local } = JSON.parse(seen.local) as Record<string, string>;
  expect(theme === undefined || theme === "light" || theme === "dark", `keyhouse.theme ${theme}`).toBe(true);
  expect(local).toEqual({});
  for (const url of tab.requestUrls) expect(url.startsWith(`${t.url}/`) || url.startsWith("data:"), url).toBe(true);
  expect(tab.consoleLines.filter((line) => /Content Security Policy|pageerror/.test(line))).toEqual([]);
}
