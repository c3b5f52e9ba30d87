import axe from "axe-core";
import type { Page } from "playwright-core";
import { expect } from "vitest";

/**
 * axe-core in the console's tabs. Its source is injected with
 * page.addScriptTag({ content }), an inline script the console's CSP refuses:
 * open the tab with `AXE_CONTEXT` (bypassCSP) for the pages it checks. The
 * other suites keep the CSP and check it (expectNoLeaks).
 */
const AXE_SOURCE = axe.source;

export const AXE_CONTEXT = { bypassCSP: true } as const;

/** WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core on the page as it is now and returns its violations, one line of targets each. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (tags) => {
    interface AxeResult {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  }, TAGS);
}

/** Fails with axe's findings, named after the screen, when the page has any violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `axe-core on ${screen}`).toEqual([]);
}
