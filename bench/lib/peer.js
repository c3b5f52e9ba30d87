// The peer rows: better-auth with @better-auth/api-key (bench/peer, its own
// package.json and node_modules), on SQLite WAL, with the same load generator,
// pinning and durations as keyhouse.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, lastJsonLine, run, SERVER_CPU, startProcess, waitForHttp } from "./proc.js";
import { readSamples, requestsFor } from "./samples.js";
import { measure } from "./wrk.js";

export const PEER_DIR = new URL("../peer/", import.meta.url).pathname;

/** Installs the peer's pinned dependencies when they are missing (compiling better-sqlite3 takes a while). */
export async function ensurePeerInstalled(log) {
  if (existsSync(join(PEER_DIR, "node_modules", "better-auth", "package.json"))) return;
  log("installing bench/peer dependencies (npm ci; compiles better-sqlite3, about 2 minutes)");
  await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: PEER_DIR, timeoutMs: 15 * 60_000 });
}

export async function versionsOfPeer() {
  const version = (name) => {
    try {
      return JSON.parse(readFileSync(join(PEER_DIR, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      return "not installed";
    }
  };
  return { "better-auth": version("better-auth"), "@better-auth/api-key": version("@better-auth/api-key") };
}

/** Measures better-auth's key verification, its create rate, and what its list returns. */
export async function measurePeer(ctx, record) {
  const dbFile = join(ctx.dir, "peer.db");
  const sampleFile = join(ctx.dir, "peer-samples.txt");
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let seeded;
  const seed = async () => {
    const started = performance.now();
    const out = await run(process.execPath, ["seed.js", dbFile, baseUrl, String(ctx.keys), sampleFile], { cwd: PEER_DIR });
    seeded = { ...lastJsonLine(out), seconds: (performance.now() - started) / 1000 };
    return seeded;
  };
  try {
    await seed();
  } catch (error) {
    for (const id of ["peer.verify", "peer.create", "peer.list"]) await record(id, () => Promise.reject(error));
    return;
  }
  ctx.info.peerSeedSeconds = seeded.seconds;
  const server = startProcess({
    command: process.execPath,
    args: ["server.js", dbFile, String(port)],
    cwd: PEER_DIR,
    cpu: SERVER_CPU,
    logFile: join(ctx.dir, "peer.log"),
  });
  try {
    await waitForHttp(`${baseUrl}/verify`, 60_000, server.child, [401]);
    const samples = readSamples(sampleFile);
    await record("peer.verify", async () => {
      // One real check before the load: a sample key must verify.
      const first = samples[0];
      const check = await fetch(`${baseUrl}/verify`, { headers: { authorization: `Bearer ${first.key}` } });
      if (check.status !== 200) throw new Error(`a seeded key did not verify: ${check.status} ${await check.text()}`);
      return measure(
        { baseUrl, requests: requestsFor(samples, { path: "/verify" }), connections: ctx.connections, dir: ctx.dir, name: "peer-verify" },
        ctx.timing,
      );
    });
    const sessionHeaders = { cookie: seeded.cookie, origin: baseUrl, "content-type": "application/json" };
    await record("peer.create", async () => {
      const check = await fetch(`${baseUrl}/api/auth/api-key/create`, {
        method: "POST",
        headers: sessionHeaders,
        body: '{"name":"bench"}',
      });
      if (check.status !== 200) throw new Error(`create failed: ${check.status} ${await check.text()}`);
      return measure(
        {
          baseUrl,
          requests: [{ method: "POST", path: "/api/auth/api-key/create", headers: sessionHeaders, body: '{"name":"bench create"}' }],
          connections: ctx.connections,
          dir: ctx.dir,
          name: "peer-create",
        },
        ctx.timing,
      );
    });
    await record("peer.list", async () => {
      const response = await fetch(`${baseUrl}/api/auth/api-key/list`, { headers: { cookie: seeded.cookie } });
      if (response.status !== 200) throw new Error(`list failed: ${response.status}`);
      const body = await response.json();
      return { returned: body.apiKeys.length, reportedTotal: body.total, stored: seeded.total };
    });
  } finally {
    await server.stop();
  }
}
