import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * vitest globalSetup: opens a per-run hygiene folder (test/support/hygiene.ts
 * records into it) and, when the run ends, searches every raw key issued during
 * the run in every recorded response, server log and store dump. One hit fails
 * the run. It also prints the reliability figures tests published.
 */

const ROOT = join(import.meta.dirname, "..", "..", "test-output", "hygiene");
/** Runs older than this are removed; younger ones may still be running (other people share the checkout). */
const KEEP_MS = 12 * 3600_000;
const BODY_LENGTH = 42;
const ALNUM_RUN = /[0-9A-Za-z]{42,}/g;

export interface ScanHit {
  file: string;
  redacted: string;
  offset: number;
}

export interface ScanFigures {
  keysIssued: number;
  filesScanned: number;
  bytesScanned: number;
  hits: ScanHit[];
}

/** Lists every file below `dir`. */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesBelow(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/**
 * Finds raw keys in files. A key's 42 random characters are what must never
 * appear (with or without the `ak-` prefix and checksum), so every run of 42 or
 * more alphanumeric characters is checked window by window against the set of
 * issued bodies: linear in the bytes scanned, whatever the number of keys.
 */
export function scanForKeys(keys: Iterable<string>, files: readonly string[]): ScanFigures {
  const bodies = new Map<string, string>();
  for (const key of keys) bodies.set(key.slice(3, 3 + BODY_LENGTH), key);
  const hits: ScanHit[] = [];
  let bytesScanned = 0;
  for (const file of files) {
    const text = readFileSync(file).toString("latin1");
    bytesScanned += text.length;
    for (const run of text.matchAll(ALNUM_RUN)) {
      for (let i = 0; i + BODY_LENGTH <= run[0].length; i++) {
        const key = bodies.get(run[0].slice(i, i + BODY_LENGTH));
        if (key !== undefined) hits.push({ file, redacted: `${key.slice(0, 6)}...${key.slice(-3)}`, offset: (run.index ?? 0) + i });
      }
    }
  }
  return { keysIssued: bodies.size, filesScanned: files.length, bytesScanned, hits };
}

function pruneOldRuns(): void {
  if (!existsSync(ROOT)) return;
  for (const name of readdirSync(ROOT)) {
    const path = join(ROOT, name);
    if (Date.now() - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { recursive: true, force: true });
  }
}

function readKeys(dir: string): Set<string> {
  const keys = new Set<string>();
  for (const file of filesBelow(join(dir, "keys"))) {
    for (const line of readFileSync(file, "utf8").split("\n")) if (line !== "") keys.add(line);
  }
  return keys;
}

/** Prints each test's figures and the run's totals (docs/reliability.md quotes them). */
function printFigures(dir: string): void {
  const totals = { fuzz_cases: 0, crashes_injected: 0, race_rounds: 0, keys_lost: 0 };
  const add = (key: keyof typeof totals, value: unknown) => {
    if (typeof value === "number") totals[key] += value;
  };
  for (const file of filesBelow(join(dir, "figures")).sort()) {
    const name =
      file
        .split("/")
        .pop()
        ?.replace(/\.json$/, "") ?? "";
    const figures = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    if (name.startsWith("fuzz-")) add("fuzz_cases", figures.cases);
    if (name.startsWith("crash-")) {
      add("crashes_injected", figures.crashes);
      add("crashes_injected", figures.writer_crashes);
      add("keys_lost", figures.keys_lost);
    }
    if (name.startsWith("races-"))
      for (const [field, value] of Object.entries(figures)) if (field.endsWith("_rounds") || field === "rounds") add("race_rounds", value);
    console.log(`[reliability] ${name}: ${JSON.stringify(figures)}`);
  }
  if (Object.values(totals).some((n) => n > 0)) console.log(`[reliability] totals: ${JSON.stringify(totals)}`);
}

export default function setup(): () => void {
  pruneOldRuns();
  const dir = join(ROOT, `${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  process.env.KEYHOUSE_HYGIENE_DIR = dir;
  return () => {
    const keys = readKeys(dir);
    const files = [...filesBelow(join(dir, "responses")), ...filesBelow(join(dir, "artifacts"))];
    const figures = scanForKeys(keys, files);
    const summary = {
      keys_issued: figures.keysIssued,
      files_scanned: figures.filesScanned,
      bytes_scanned: figures.bytesScanned,
      hits: figures.hits.length,
    };
    writeFileSync(join(dir, "summary.json"), `${JSON.stringify({ ...summary, hit_details: figures.hits }, null, 2)}\n`);
    printFigures(dir);
    console.log(`[secret hygiene] ${JSON.stringify(summary)} (${dir})`);
    if (figures.hits.length > 0) {
      for (const hit of figures.hits.slice(0, 20))
        console.error(`[secret hygiene] raw key ${hit.redacted} found in ${hit.file} at byte ${hit.offset}`);
      console.error(`[secret hygiene] FAILED: ${figures.hits.length} raw key occurrence(s) outside their own create/refresh response`);
      process.exitCode = 1;
    }
  };
}
