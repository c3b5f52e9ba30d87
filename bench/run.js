#!/usr/bin/env node
// npm run bench: keyhouse side by side with the limit of its stack (node:http,
// bare Fastify, Fastify + SHA-256 + Map / SQLite) and with better-auth's API key
// plugin, in one run on one machine: servers pinned to core 0, wrk to core 1,
// 50 connections, 10 s runs, medians of 3. Prints one table; a full run also
// writes it into docs/benchmarks.md.
//
//   node bench/run.js [--smoke] [--keys N] [--seconds S] [--runs R] [--only refs,peer,sqlite,postgres]
//                     [--no-docs] [--keep] [--env KEY=VALUE ...] [--profile DIR] [--figures hot,whoami,verify,mw,list10,perm,telemetry,walk,page,create,rss]
//                     [--json FILE]
//
// --smoke: 2,000 keys, 1 s runs, one run each, 1 s warm-up; checks that every row
// was produced (not the numbers) and exits non-zero if one was not.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measureKeyhouse, postgresVersion } from "./lib/keyhouse.js";
import { ensurePeerInstalled, measurePeer, versionsOfPeer } from "./lib/peer.js";
import { measureReferences } from "./lib/refs.js";
import { buildRows, markdownTable, rowIds } from "./lib/report.js";

const ROOT = new URL("../", import.meta.url).pathname;

const { values: flags } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    keys: { type: "string" },
    seconds: { type: "string" },
    runs: { type: "string" },
    connections: { type: "string", default: "50" },
    only: { type: "string" },
    "no-docs": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    env: { type: "string", multiple: true, default: [] },
    profile: { type: "string" },
    figures: { type: "string" },
    json: { type: "string" },
  },
});

const smoke = flags.smoke;
const ALL_FIGURES = "hot,whoami,verify,mw,list10,perm,telemetry,walk,page,create,rss";
const keys = Number(flags.keys ?? (smoke ? 2_000 : 1_000_000));
const pageSize = 100;
const depth = Math.min(500_000, Math.floor(keys / 2 / pageSize) * pageSize);
const only = new Set((flags.only ?? "refs,peer,sqlite,postgres").split(","));
const ctx = {
  keys,
  depth,
  connections: Number(flags.connections),
  timing: {
    seconds: Number(flags.seconds ?? (smoke ? 1 : 10)),
    runs: Number(flags.runs ?? (smoke ? 1 : 3)),
    // Even the smoke run warms up: a cold server on a loaded CI machine could
    // answer nothing within a 1 s run, and the row would be missing.
    warmupSeconds: smoke ? 1 : 3,
  },
  dir: mkdtempSync(join(tmpdir(), "keyhouse-bench-")),
  keyhouseEnv: Object.fromEntries(flags.env.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])),
  walkDeadlineSeconds: smoke ? 60 : 180,
  profileDir: flags.profile,
  // Which keyhouse figures to measure (default all): ALL_FIGURES.
  figures: new Set((flags.figures ?? ALL_FIGURES).split(",")),
  info: {},
};

const log = (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const results = {};

/** Runs one measurement and keeps its outcome; a failed row is reported, not fatal. */
async function record(id, fn) {
  if (results[id]) return;
  const started = performance.now();
  try {
    results[id] = { ok: true, value: await fn() };
    log(
      `${id}: ${JSON.stringify(results[id].value, (k, v) => (k === "runs" ? undefined : typeof v === "number" ? Math.round(v * 100) / 100 : v))} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  } catch (error) {
    results[id] = { ok: false, error: error.message.replace(/\s+/g, " ").slice(0, 400) };
    log(`${id}: FAILED ${error.message}`);
  }
}

function command(name, args) {
  try {
    return execFileSync(name, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (error) {
    return `${error.stdout ?? ""}${error.stderr ?? ""}`.trim() || "unavailable";
  }
}

async function machine() {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const { default: Database } = await import("better-sqlite3");
  const sqlite = new Database(":memory:").prepare("select sqlite_version() v").get().v;
  let postgres;
  try {
    postgres = await postgresVersion();
  } catch (error) {
    postgres = `unreachable (${error.message})`;
  }
  const dirty = command("git", ["-C", ROOT, "status", "--porcelain", "--", "src", "bench"]) !== "";
  return {
    cpu: `${cpus()[0]?.model ?? "unknown"}, ${cpus().length} cores`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    kernel: release(),
    load: command("cat", ["/proc/loadavg"]),
    node: process.version,
    wrk: command("wrk", ["--version"]).split("\n")[0].split(" Copyright")[0],
    commit:
      process.env.KEYHOUSE_BENCH_COMMIT ??
      (existsSync(join(ROOT, ".git"))
        ? `${command("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"])}${dirty ? " (with uncommitted changes in src/ or bench/)" : ""}`
        : "unknown (not a git checkout)"),
    versions: {
      fastify: pkg.dependencies.fastify,
      kysely: pkg.dependencies.kysely,
      "better-sqlite3": pkg.dependencies["better-sqlite3"],
      SQLite: sqlite,
      pg: pkg.dependencies.pg,
      PostgreSQL: postgres,
      ...(await versionsOfPeer()),
    },
  };
}

function invocation() {
  const args = process.argv.slice(2);
  return args.length === 0 ? "npm run bench" : `npm run bench -- ${args.join(" ")}`;
}

/** Replaces the generated part of docs/benchmarks.md, between its two markers. */
function writeDocs(section) {
  const file = join(ROOT, "docs", "benchmarks.md");
  const begin = "<!-- bench:begin (generated by npm run bench; do not edit by hand) -->";
  const end = "<!-- bench:end -->";
  const current = existsSync(file) ? readFileSync(file, "utf8") : `# Benchmarks\n\n${begin}\n${end}\n`;
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`docs/benchmarks.md lacks the markers ${begin} ... ${end}`);
  writeFileSync(file, `${current.slice(0, from + begin.length)}\n${section}\n${current.slice(to)}`);
}

async function main() {
  const started = performance.now();
  for (const tool of ["wrk", "taskset"]) {
    if (command("sh", ["-c", `command -v ${tool}`]) === "unavailable")
      throw new Error(`${tool} is not installed (apt-get install -y ${tool === "wrk" ? "wrk" : "util-linux"})`);
  }
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run npm run build first");
  log(
    `${smoke ? "smoke" : "full"} run: ${keys.toLocaleString("en-US")} keys, ${ctx.timing.runs} × ${ctx.timing.seconds} s, ${ctx.connections} connections; scratch ${ctx.dir}`,
  );
  const info = await machine();
  if (only.has("refs")) await measureReferences(ctx, record);
  if (only.has("peer")) {
    await ensurePeerInstalled(log);
    info.versions = { ...info.versions, ...(await versionsOfPeer()) };
    await measurePeer(ctx, record);
  }
  if (only.has("sqlite")) await measureKeyhouse(ctx, "sqlite", record);
  if (only.has("postgres")) await measureKeyhouse(ctx, "postgres", record);
  const minutes = (performance.now() - started) / 60_000;

  const rows = buildRows(results, { keys, depth }).filter((r) => results[r.id] !== undefined);
  const table = markdownTable(rows);
  const seeds = [
    ctx.info.sqliteSeedSeconds && `keyhouse SQLite ${ctx.info.sqliteSeedSeconds.toFixed(0)} s`,
    ctx.info.postgresSeedSeconds && `keyhouse PostgreSQL ${ctx.info.postgresSeedSeconds.toFixed(0)} s`,
    ctx.info.peerSeedSeconds && `better-auth ${ctx.info.peerSeedSeconds.toFixed(0)} s`,
  ].filter(Boolean);
  const section = [
    `Run of ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, \`${invocation()}\`, ${minutes.toFixed(1)} minutes.`,
    "",
    `- Machine: ${info.cpu}, ${info.memory}, Linux ${info.kernel}; load average at start ${info.load.split(" ").slice(0, 3).join(" ")}`,
    `- Software: Node.js ${info.node}, ${info.wrk}, ${Object.entries(info.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    `- keyhouse commit ${info.commit}`,
    `- Load: wrk -t1 -c${ctx.connections}, pinned to core 1; servers pinned to core 0 (PostgreSQL's own processes are not pinned); ${ctx.timing.runs} runs of ${ctx.timing.seconds} s after a ${ctx.timing.warmupSeconds} s warm-up, medians; every request cycles through up to 1,000 distinct keys`,
    `- Store size: ${keys.toLocaleString("en-US")} keys per store${seeds.length ? ` (seeding took ${seeds.join(", ")})` : ""}`,
    ...["sqlite", "postgres"]
      .filter((s) => ctx.info[`${s}MintedCursor`])
      .map(
        (s) =>
          `- ${s === "sqlite" ? "SQLite" : "PostgreSQL"}: the walk did not reach depth ${depth.toLocaleString("en-US")} within ${ctx.walkDeadlineSeconds} s, so the deep-page cursor was signed by the benchmark with the server secret (the cursor the walk would have reached)`,
      ),
    "",
    table,
  ].join("\n");
  process.stdout.write(`\n${section}\n`);
  const report = { info, keys, depth, timing: ctx.timing, minutes, rows: rowIds(), results };
  if (flags.json) writeFileSync(flags.json, JSON.stringify(report, null, 2));

  const missing = rowIds().filter((id) => {
    const prefix = id.split(".")[0];
    const group = prefix === "ref" ? "refs" : prefix;
    const figure = id.slice(prefix.length + 1).split(".")[0];
    return only.has(group) && (group === "refs" || group === "peer" || ctx.figures.has(figure)) && !results[id]?.ok;
  });
  if (!smoke && !flags["no-docs"] && only.size === 4 && ctx.figures.size === ALL_FIGURES.split(",").length) {
    writeDocs(section);
    log("wrote the table into docs/benchmarks.md");
  }
  if (!flags.keep) rmSync(ctx.dir, { recursive: true, force: true });
  else log(`kept ${ctx.dir}`);
  if (missing.length > 0) {
    log(`${missing.length} row(s) not produced: ${missing.join(", ")}`);
    process.exitCode = 1;
  } else if (smoke) {
    process.stdout.write(`\nSMOKE OK: ${rowIds().filter((id) => results[id]?.ok).length} rows produced\n`);
  }
}

mkdirSync(tmpdir(), { recursive: true });
main().catch((error) => {
  log(`failed: ${error.stack ?? error.message}`);
  process.exitCode = 1;
});
