#!/usr/bin/env node
// Summarizes a V8 CPU profile (node --cpu-prof) of a keyhouse server under load:
// where the time went by package or source area, the functions with the most
// self time, and optionally the folded stacks a flame graph tool reads.
//   node bench/profile.js <file.cpuprofile> [--top N] [--folded out.folded]
// Profile a run with: npm run bench -- --only sqlite --figures hot --keys 100000 --profile /tmp/prof
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" }, folded: { type: "string" } },
});
const profile = JSON.parse(readFileSync(positionals[0], "utf8"));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node from the sample timeline.
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});

/** The area a frame belongs to: a package, keyhouse's own source directory, Node internals, or V8. */
function area(frame) {
  const url = frame.url ?? "";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/([^/]+)\//.exec(url);
  if (own) return `keyhouse ${own[1]}/`;
  if (url.startsWith("node:")) return "node internals";
  if (frame.functionName === "(garbage collector)") return "garbage collector";
  if (frame.functionName === "(idle)" || frame.functionName === "(program)") return frame.functionName;
  return url === "" ? "native / V8" : url;
}

const byArea = new Map();
const byFunction = new Map();
for (const [id, time] of self) {
  const frame = nodes.get(id).callFrame;
  const a = area(frame);
  byArea.set(a, (byArea.get(a) ?? 0) + time);
  const name = `${frame.functionName || "(anonymous)"} ${frame.url ? `${frame.url.replace(/^.*\/(node_modules|dist)\//, "$1/")}:${frame.lineNumber + 1}` : ""}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + time);
}

const busy = total - (byArea.get("(idle)") ?? 0);
const pct = (t, of) => `${((100 * t) / of).toFixed(1).padStart(5)} %`;
const top = Number(values.top);
process.stdout.write(
  `profile: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy\n\nself time by area (share of busy time):\n`,
);
for (const [a, t] of [...byArea]
  .filter(([a]) => a !== "(idle)")
  .sort((x, y) => y[1] - x[1])
  .slice(0, top)) {
  process.stdout.write(`  ${pct(t, busy)}  ${a}\n`);
}
process.stdout.write(`\nfunctions with the most self time (share of busy time):\n`);
for (const [f, t] of [...byFunction].sort((x, y) => y[1] - x[1]).slice(0, top)) {
  if (f.startsWith("(idle)")) continue;
  process.stdout.write(`  ${pct(t, busy)}  ${f}\n`);
}

if (values.folded) {
  // One line per distinct stack, root first, with its self time in microseconds.
  const lines = new Map();
  for (const [id, time] of self) {
    const stack = [];
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = nodes.get(at).callFrame;
      stack.push(`${f.functionName || "(anonymous)"}${f.url ? ` [${area(f)}]` : ""}`);
    }
    const key = stack.reverse().join(";");
    lines.set(key, (lines.get(key) ?? 0) + time);
  }
  writeFileSync(values.folded, [...lines].map(([k, t]) => `${k} ${Math.round(t)}`).join("\n") + "\n");
  process.stdout.write(`\nfolded stacks written to ${values.folded} (render with flamegraph.pl or speedscope)\n`);
}
