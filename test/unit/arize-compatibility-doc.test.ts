import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PENDING } from "../contract/pending.js";
import { loadWire, opKey } from "../contract/wire.js";

/** docs/arize-compatibility.md lists every operation of both wire files, and names cases that exist. */

interface Row {
  op: string;
  dialect2026_06: string;
  dialect2026_07: string;
  provedBy: string;
}

function tableRows(): Row[] {
  const doc = readFileSync(new URL("../../docs/arize-compatibility.md", import.meta.url), "utf8");
  const section = doc.slice(doc.indexOf("## Every operation"), doc.indexOf("## Extension routes"));
  return section
    .split("\n")
    .filter((line) => /^\| (GET|POST|PUT|PATCH|DELETE) \|/.test(line))
    .map((line) => {
      const [method = "", path = "", dialect2026_06 = "", dialect2026_07 = "", provedBy = ""] = line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim());
      return { op: `${method} ${path.replaceAll("`", "")}`, dialect2026_06, dialect2026_07, provedBy };
    });
}

describe("docs/arize-compatibility.md", () => {
  const rows = tableRows();
  const june = loadWire("sdk-8.31.0.json").operations.map(opKey);
  const july = loadWire("sdk-8.42.0.json").operations.map(opKey);
  const pending = new Set(PENDING.map((p) => p.op));

  it("has one row for every operation of sdk-8.31.0.json and sdk-8.42.0.json, and no other", () => {
    const listed = rows.map((r) => r.op);
    expect(new Set(listed).size, "an operation is listed twice").toBe(listed.length);
    expect([...listed].sort()).toEqual([...new Set([...june, ...july])].sort());
  });

  it("says per dialect what is served: 2026-06 served unless pending (issue 15), 2026-07 served", () => {
    for (const row of rows) {
      const expected2026_06 = !june.includes(row.op) ? "—" : pending.has(row.op) ? "issue 15" : "served";
      expect(row.dialect2026_06, row.op).toBe(expected2026_06);
      expect(row.dialect2026_07, row.op).toBe(july.includes(row.op) ? "served" : "—");
    }
  });

  it("names, for each served operation, a case that exists in the file it names", () => {
    for (const row of rows.filter((r) => r.dialect2026_06 === "served" || r.dialect2026_07 === "served")) {
      const match = /^`cases\/([a-z0-9-]+\.ts)` "(.+)"$/.exec(row.provedBy);
      expect(match, `${row.op}: proved by ${row.provedBy}`).not.toBeNull();
      const [, file = "", name = ""] = match ?? [];
      const source = readFileSync(new URL(`../contract/cases/${file}`, import.meta.url), "utf8");
      expect(source, `${row.op}: no case "${name}" in test/contract/cases/${file}`).toContain(`"${name}"`);
    }
  });
});
