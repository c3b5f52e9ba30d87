import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

interface BenchReport {
  rows: string[];
  results: Record<string, { ok: true; value: unknown } | { ok: false; error: string }>;
}

// The benchmark's smoke mode: tiny store, 1 s runs. It proves every row of the
// table can still be produced (servers start, seeders seed, wrk parses, the walk
// covers every key); it asserts nothing about the figures themselves.
describe("npm run bench -- --smoke", () => {
  const dir = mkdtempSync(join(tmpdir(), "keyhouse-bench-smoke-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("produces every row of the benchmark table", async () => {
    const jsonFile = join(dir, "report.json");
    const { stdout } = await run(process.execPath, ["bench/run.js", "--smoke", "--json", jsonFile], {
      cwd: join(import.meta.dirname, ".."),
      maxBuffer: 16 * 1024 * 1024,
      // A fresh checkout installs bench/peer first (it compiles better-sqlite3).
      timeout: 540_000,
    });
    const report = JSON.parse(readFileSync(jsonFile, "utf8")) as BenchReport;
    const failed = report.rows.filter((id) => report.results[id]?.ok !== true).map((id) => `${id}: ${JSON.stringify(report.results[id])}`);
    expect(failed).toEqual([]);
    expect(report.rows.length).toBeGreaterThanOrEqual(25);
    expect(stdout).toContain("| bare Fastify, fixed JSON (the limit) |");
    expect(stdout).toContain("SMOKE OK");
  }, 600_000);
});
