// The load generator: wrk, one thread pinned to the load core, driven by a Lua
// script generated per run. The script cycles through a list of prepared
// requests (many keys, not one, so nothing benefits from a single hot row) and
// reports completed requests, errors and latency percentiles as one JSON line.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOAD_CPU, run } from "./proc.js";

/** A Lua string literal for an ASCII value. */
function lua(value) {
  return `"${String(value).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;
}

const DONE = `function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
`;

/**
 * Writes the Lua script: `requests` is a list of { method, path, headers, body }.
 * Each wrk thread formats them once in init() and then cycles through them.
 */
export function writeScript(file, requests) {
  const specs = requests
    .map(({ method = "GET", path, headers = {}, body }) => {
      const h = Object.entries(headers)
        .map(([name, value]) => `[${lua(name)}] = ${lua(value)}`)
        .join(", ");
      return `  { ${lua(method)}, ${lua(path)}, { ${h} }, ${body === undefined ? "nil" : lua(body)} },`;
    })
    .join("\n");
  writeFileSync(
    file,
    `local specs = {
${specs}
}
local prepared = {}
local index = 0
function init(args)
  for i, s in ipairs(specs) do prepared[i] = wrk.format(s[1], s[2], s[3], s[4]) end
end
function request()
  index = index % #prepared + 1
  return prepared[index]
end
${DONE}`,
  );
}

/**
 * Writes a script whose requests are read at start from `keysFile` (one raw key
 * per line): `GET path` with each key as a bearer, cycled through. For lists too
 * long to inline (100,000 keys).
 */
function writeKeysFileScript(file, { keysFile, path }) {
  writeFileSync(
    file,
    `local prepared = {}
local index = 0
function init(args)
  for key in io.lines(${lua(keysFile)}) do
    if #key > 0 then prepared[#prepared + 1] = wrk.format("GET", ${lua(path)}, { ["authorization"] = "Bearer " .. key }) end
  end
end
function request()
  index = index % #prepared + 1
  return prepared[index]
end
${DONE}`,
  );
}

/**
 * Runs wrk once against `baseUrl` and returns { rps, p50Ms, p99Ms, requests }.
 * Any error (a non-2xx/3xx status, a timeout, a broken connection) fails the
 * run: a figure over failed requests would measure the wrong thing.
 */
export async function runWrk({ baseUrl, requests, seconds, connections, dir, name }) {
  const script = join(dir, `${name}.lua`);
  // `requests`: a list of requests, or { keysFile, path } for one path asked with every key of a file.
  if (Array.isArray(requests)) writeScript(script, requests);
  else writeKeysFileScript(script, requests);
  const once = async (runSeconds) => {
    const out = await run("wrk", ["-t1", `-c${connections}`, `-d${runSeconds}s`, "--timeout", "10s", "-s", script, baseUrl], {
      cpu: LOAD_CPU,
      timeoutMs: (runSeconds + 60) * 1000,
    });
    const line = out.split("\n").find((l) => l.startsWith("WRK_RESULT "));
    if (!line) throw new Error(`wrk printed no result: ${out.slice(-800)}`);
    return JSON.parse(line.slice("WRK_RESULT ".length));
  };
  // A very short run (the smoke mode's 1 s) on a loaded machine can end before
  // the first answers arrive: wrk counts none. Run once more, three times as
  // long, before calling the row failed; a real run (10 s and more) never needs it.
  let r = await once(seconds);
  if (r.requests === 0) r = await once(seconds * 3);
  const errors = r.connect + r.read + r.write + r.status + r.timeout;
  if (r.requests === 0) throw new Error(`${name}: wrk completed no request in ${seconds} s nor in ${seconds * 3} s`);
  if (errors > 0) {
    throw new Error(
      `${name}: ${errors} failed requests of ${r.requests} (status ${r.status}, timeout ${r.timeout}, connect ${r.connect}, read ${r.read}, write ${r.write})`,
    );
  }
  return {
    rps: r.requests / (r.duration_us / 1e6),
    p50Ms: r.p50_us / 1000,
    p99Ms: r.p99_us / 1000,
    p999Ms: r.p999_us / 1000,
    requests: r.requests,
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The measurement every HTTP row uses: an optional warm-up, then `runs` runs of
 * `seconds` each; every figure is the median of its runs.
 */
export async function measure(options, { runs, seconds, warmupSeconds }) {
  // A warm-up only warms: if it completes nothing (a cold server on a busy machine), the measured runs decide.
  if (warmupSeconds > 0) await runWrk({ ...options, seconds: warmupSeconds, name: `${options.name}-warmup` }).catch(() => undefined);
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await runWrk({ ...options, seconds, name: `${options.name}-${i + 1}` }));
  return summary(results);
}

/** The medians of a row's runs, and the runs. */
function summary(results) {
  return {
    rps: median(results.map((r) => r.rps)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    p999Ms: median(results.map((r) => r.p999Ms)),
    runs: results,
  };
}

/**
 * Loads measured against each other: all warmed up, then their runs alternate
 * (a, b, c, a, b, c, …), so drift on a shared machine falls on all alike;
 * every figure is the median of its runs. Returns one summary per load.
 */
export async function measureSet(loads, { runs, seconds, warmupSeconds }) {
  for (const options of loads) {
    if (warmupSeconds > 0) await runWrk({ ...options, seconds: warmupSeconds, name: `${options.name}-warmup` }).catch(() => undefined);
  }
  const results = loads.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [n, options] of loads.entries()) results[n].push(await runWrk({ ...options, seconds, name: `${options.name}-${i + 1}` }));
  }
  return results.map(summary);
}

/** Two request lists measured against each other (measureSet of two). Returns { a, b }. */
export async function measurePair(a, b, timing) {
  const [first, second] = await measureSet([a, b], timing);
  return { a: first, b: second };
}
