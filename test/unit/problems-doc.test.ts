import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROBLEMS, problemType, wireCode, type ProblemCode } from "../../src/http/problem.js";

describe("docs/problems.md", () => {
  it("documents every problem code with its status and title, and nothing else", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "problems.md"), "utf8");
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` \| (\d{3}) \| ([^|]+) \|/gm)].map((m) => [m[1], Number(m[2]), m[3]?.trim()]);
    const registry = Object.entries(PROBLEMS).map(([code, p]) => [wireCode(code as ProblemCode), p.status, p.title]);
    expect(rows.sort()).toEqual(registry.sort());
  });

  it("derives the type URN from the code: the machine code is its last segment", () => {
    expect(problemType("INVALID_CURSOR")).toBe("urn:keyhouse:problem:invalid-cursor");
    for (const code of Object.keys(PROBLEMS) as ProblemCode[]) expect(problemType(code).split(":").at(-1)).toBe(wireCode(code));
  });
});
