// The keyhouse rows, on one store: the real CLI (`node bin/keyhouse.js init`
// then `serve`) over a fresh SQLite file or PostgreSQL schema, seeded with N keys.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeId } from "../../dist/http/ids.js";
import { freePort, lastJsonLine, LOAD_CPU, run, SERVER_CPU, startProcess, waitForHttp } from "./proc.js";
import { permissionPaths } from "./permission-paths.js";
import { readSamples, requestsFor } from "./samples.js";
import { measure, measurePair, measureSet } from "./wrk.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = join(ROOT, "bin", "keyhouse.js");
/** The Node flags keyhouse's launcher declares (`#!/usr/bin/env -S node <flags>`): the server runs with them, as installed. */
const LAUNCHER_FLAGS = (/^#!\/usr\/bin\/env -S node(.*)$/m.exec(readFileSync(CLI, "utf8").split("\n")[0] ?? "")?.[1] ?? "")
  .split(/\s+/)
  .filter(Boolean);
const LIB = new URL("./", import.meta.url).pathname;

export const POSTGRES_URL = process.env.KEYHOUSE_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A fresh PostgreSQL schema and the database URL that selects it, as test/support/server.ts does. */
async function freshSchema() {
  const { default: pg } = await import("pg");
  const schema = `kh_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

export async function postgresVersion() {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return (await client.query("show server_version")).rows[0].server_version;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The cursor of the page after the first `depth` keys, signed with the server's
 * secret and bound to the filters GET /v2/api-keys?limit=100 uses (src/apikeys/list.ts).
 * Only used when the walk is too slow to get there within its deadline.
 */
async function mintCursor({ store, database, secret, userId, depth }) {
  const { CursorCodec } = await import("../../dist/http/cursor.js");
  const order =
    "where created_by_user_id = $1 and key_type = 'user' and status = 'active' order by created_at desc, id desc limit 1 offset $2";
  let position;
  if (store === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(database, { readonly: true });
    position = db.prepare(`select created_at, id from api_keys ${order.replace("$1", "?").replace("$2", "?")}`).get(userId, depth - 1);
    db.close();
  } else {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    position = (await client.query(`select created_at, id from api_keys ${order}`, [userId, depth - 1])).rows[0];
    await client.end();
  }
  const codec = new CursorCodec(Buffer.from(secret, "utf8"));
  return codec.encode(
    { createdAt: Number(position.created_at), id: Number(position.id) },
    { list: "api-keys", caller: userId, key_type: "user", status: "active" },
  );
}

/** Starts a reference server of bench/refs beside the measured one; resolves with its URL once it answers. */
async function startRef(ctx, started, script, args, name, statuses) {
  const port = await freePort();
  const server = startProcess({
    command: process.execPath,
    args: [join(ROOT, "bench", "refs", script), String(port), ...args],
    cpu: SERVER_CPU,
    logFile: join(ctx.dir, `${name}.log`),
  });
  started.push(server);
  await waitForHttp(`http://127.0.0.1:${port}/v2/api-keys/x`, 300_000, server.child, statuses);
  return `http://127.0.0.1:${port}`;
}

/**
 * Measures every keyhouse figure on one store. Row ids are `<store>.<figure>`.
 * The order is fixed: hot path and list load first, then the walk (over exactly
 * the seeded keys), the page-depth figures, creates, and last the server's RSS.
 * The permission figures (a list authorised through a membership, then through
 * a custom role's binding) come right after the list load.
 */
export async function measureKeyhouse(ctx, store, record) {
  const ids = [
    "hot",
    "list10",
    "walk",
    "page.first",
    "page.deep",
    "create",
    "rss",
    "perm.membership",
    "perm.binding",
    "verify",
    "whoami",
    "mw",
  ].map((f) => `${store}.${f}`);
  // The middleware row is the downstream service's, whatever keyhouse's store: measured once, beside SQLite.
  if (store !== "sqlite") ids.pop();
  // The telemetry rows (measureTelemetry, below): three servers side by side on this store.
  const telemetryIds = ["telemetry.off", "telemetry.metrics", "telemetry.tracing"].map((f) => `${store}.${f}`);
  ids.push(...telemetryIds);
  let database;
  let cleanup = async () => {};
  try {
    if (store === "sqlite") {
      database = join(ctx.dir, "keyhouse.db");
    } else {
      const schema = await freshSchema();
      database = schema.url;
      cleanup = schema.drop;
    }
  } catch (error) {
    for (const id of ids) if (ctx.figures.has(id.split(".")[1])) await record(id, () => Promise.reject(error));
    return;
  }
  const secret = randomBytes(32).toString("base64url");
  const port = await freePort();
  const env = { KEYHOUSE_DATABASE_URL: database, KEYHOUSE_SECRET: secret, KEYHOUSE_PORT: String(port), ...ctx.keyhouseEnv };
  const baseUrl = `http://127.0.0.1:${port}`;
  let server;
  try {
    const init = lastJsonLine(await run(process.execPath, [CLI, "init", "--json"], { env, cwd: ctx.dir }));
    const user = decodeId("User", init.user_id);
    if (!user.ok) throw new Error(`init printed an unexpected user id ${init.user_id}`);
    const sampleFile = join(ctx.dir, `${store}-samples.txt`);
    // 100,000 keys spread over the store, for the middleware row's warm cache.
    const wideFile = store === "sqlite" && ctx.figures.has("mw") ? join(ctx.dir, `${store}-wide-keys.txt`) : undefined;
    const seeded = lastJsonLine(
      await run(process.execPath, [
        join(LIB, "seed-keyhouse.js"),
        JSON.stringify({ store, target: database, secret, userId: user.n, count: ctx.keys, sampleFile, wideFile, wideCount: 100_000 }),
      ]),
    );
    ctx.info[`${store}SeedSeconds`] = seeded.seconds;
    const samples = readSamples(sampleFile);
    const nodeArgs = ctx.profileDir ? [`--cpu-prof`, `--cpu-prof-dir=${ctx.profileDir}`] : [];
    server = startProcess({
      command: process.execPath,
      args: [...LAUNCHER_FLAGS, ...nodeArgs, CLI, "serve"],
      env,
      cwd: ctx.dir,
      cpu: SERVER_CPU,
      logFile: join(ctx.dir, `keyhouse-${store}.log`),
    });
    await waitForHttp(`${baseUrl}/readyz`, 60_000, server.child);
    const load = (name, requests) =>
      measure({ baseUrl, requests, connections: ctx.connections, dir: ctx.dir, name: `${store}-${name}` }, ctx.timing);
    const check = async (path, init = {}) => {
      const response = await fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${samples[0].key}`, ...init.headers },
      });
      if (response.status >= 300) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };

    const wanted = (figure) => ctx.figures.has(figure);
    if (wanted("hot")) {
      await record(ids[0], async () => {
        await check(samples[0].path);
        return load("hot", requestsFor(samples));
      });
    }
    if (wanted("whoami")) {
      await record(ids[10], async () => {
        await check("/v2/whoami");
        return load("whoami", requestsFor(samples, { path: "/v2/whoami" }));
      });
    }
    if (wanted("verify")) {
      // keyhouse's own verification route, each request verifying another sample key (no client cache in front).
      await record(ids[9], async () => {
        const headers = { "content-type": "application/json" };
        const body = (i) => JSON.stringify({ key: samples[(i + 7) % samples.length].key });
        const answer = await check("/v2/api-keys/verify", { method: "POST", headers, body: body(0) });
        if (answer.code !== "VALID") throw new Error(`a seeded key verified as ${answer.code}`);
        const requests = samples.map((s, i) => ({
          method: "POST",
          path: "/v2/api-keys/verify",
          headers: { authorization: `Bearer ${s.key}`, ...headers },
          body: body(i),
        }));
        return load("verify", requests);
      });
    }
    if (wanted("mw") && wideFile) {
      // A downstream Fastify service behind @keyhouse/verify's middleware, its cache warm with 100,000 keys.
      await record(ids[11], async () => {
        const mwPort = await freePort();
        const downstream = startProcess({
          command: process.execPath,
          args: [join(ROOT, "bench", "refs", "fastify-verify.js"), String(mwPort), baseUrl, samples[0].key, wideFile],
          cwd: ctx.dir,
          cpu: SERVER_CPU,
          logFile: join(ctx.dir, "fastify-verify.log"),
        });
        // Bare Fastify and the SHA-256 + Map reference (over as many keys) run beside it, their runs
        // alternating with the middleware's, so the ratios are of one stretch of the machine's time.
        const refs = [];
        try {
          await waitForHttp(`http://127.0.0.1:${mwPort}/v2/api-keys/x`, 600_000, downstream.child, [401]);
          const wideKeys = readFileSync(wideFile, "utf8").split("\n").filter(Boolean).length;
          const bareUrl = await startRef(ctx, refs, "fastify-bare.js", [], "mw-bare", [200]);
          const mapSamples = join(ctx.dir, "mw-map-samples.txt");
          const mapUrl = await startRef(ctx, refs, "fastify-map.js", [String(wideKeys), mapSamples], "mw-map", [401]);
          const fixed = [{ path: "/v2/api-keys/QXBpS2V5OjE6YWJjZA==", headers: { authorization: "Bearer none" } }];
          const options = (url, requests, name) => ({ baseUrl: url, requests, connections: ctx.connections, dir: ctx.dir, name });
          const [bare, map, mw] = await measureSet(
            [
              options(bareUrl, fixed, "mw-bare"),
              options(mapUrl, requestsFor(readSamples(mapSamples)), "mw-map"),
              options(`http://127.0.0.1:${mwPort}`, { keysFile: wideFile, path: "/v2/api-keys/x" }, "fastify-verify"),
            ],
            ctx.timing,
          );
          return { ...mw, keys: wideKeys, beside: { fastifyRps: bare.rps, mapRps: map.rps } };
        } finally {
          await Promise.all([downstream, ...refs].map((p) => p.stop()));
        }
      });
    }
    if (wanted("telemetry")) await measureTelemetry({ ctx, store, env, ids: telemetryIds, baseUrl, samples, record });
    if (wanted("list10")) {
      await record(ids[1], async () => {
        const page = await check("/v2/api-keys?limit=10");
        if (page.api_keys.length !== 10) throw new Error(`expected 10 keys, got ${page.api_keys.length}`);
        return load("list10", requestsFor(samples, { path: "/v2/api-keys?limit=10" }));
      });
    }
    if (wanted("perm")) {
      // Measured as a pair, runs alternating, so the ratio is not the machine's drift between two rows.
      let pair;
      await record(ids[7], async () => {
        const paths = await permissionPaths(baseUrl, samples[0].key, init);
        const options = (name, requests) => ({ baseUrl, requests, connections: ctx.connections, dir: ctx.dir, name: `${store}-${name}` });
        pair = await measurePair(options("perm-membership", paths.membership), options("perm-binding", paths.binding), ctx.timing);
        return pair.a;
      });
      await record(ids[8], async () => {
        if (!pair) throw new Error("not measured (see the membership row)");
        return pair.b;
      });
    }
    let cursorAtDepth;
    if (wanted("walk")) {
      await record(ids[2], async () => {
        const options = { baseUrl, key: samples[0].key, limit: 100, depth: ctx.depth, deadlineSeconds: ctx.walkDeadlineSeconds };
        const walk = lastJsonLine(await run(process.execPath, [join(LIB, "walk.js"), JSON.stringify(options)], { cpu: LOAD_CPU }));
        cursorAtDepth = walk.cursorAtDepth;
        const expected = seeded.total;
        if (!walk.finished) {
          throw new Error(
            `unfinished after ${walk.seconds.toFixed(0)} s: ${walk.keys} of ${expected} keys (${Math.round(walk.keys / walk.seconds)} keys/s); the last page took ${walk.lastPageMs.toFixed(0)} ms`,
          );
        }
        if (walk.keys !== expected || walk.unique !== expected) {
          throw new Error(`the walk returned ${walk.keys} keys (${walk.unique} distinct); the store holds ${expected}`);
        }
        return { seconds: walk.seconds, keys: walk.keys, pages: walk.pages };
      });
    }
    if (wanted("page")) {
      if (!cursorAtDepth) {
        // The walk did not get that deep (or did not run): sign the cursor a walk would have reached.
        cursorAtDepth = await mintCursor({ store, database, secret, userId: user.n, depth: ctx.depth });
        ctx.info[`${store}MintedCursor`] = true;
      }
      await record(ids[3], () => load("page-first", requestsFor(samples, { path: "/v2/api-keys?limit=100" })));
      await record(ids[4], async () => {
        const path = `/v2/api-keys?limit=100&cursor=${encodeURIComponent(cursorAtDepth)}`;
        const page = await check(path);
        if (page.api_keys.length !== 100) throw new Error(`the deep page held ${page.api_keys.length} keys`);
        return load("page-deep", requestsFor(samples, { path }));
      });
    }
    if (wanted("create")) {
      await record(ids[5], async () => {
        const headers = { "content-type": "application/json" };
        await check("/v2/api-keys", { method: "POST", headers, body: '{"name":"bench check"}' });
        return load("create", requestsFor(samples, { method: "POST", path: "/v2/api-keys", headers, body: '{"name":"bench create"}' }));
      });
    }
    // Measured last: the telemetry row's two other servers were up meanwhile (idle), and nothing after them.
    if (wanted("rss")) await record(ids[6], async () => server.memory());
  } catch (error) {
    for (const id of ids) if (ctx.figures.has(id.split(".")[1])) await record(id, () => Promise.reject(error));
  } finally {
    await server?.stop();
    await cleanup().catch(() => undefined);
  }
}

/**
 * The cost of metrics and traces on the hot path (docs/observability.md): the
 * server above (neither configured) and two more `keyhouse serve` processes on
 * the same store and core, one with KEYHOUSE_METRICS_PORT (scraped every
 * second meanwhile, as a busy Prometheus would), one with
 * OTEL_EXPORTER_OTLP_ENDPOINT (every request sampled, batches sent to a local
 * OTLP/HTTP sink on the load core). Their runs alternate (measureSet).
 */
async function measureTelemetry({ ctx, store, env, ids, baseUrl, samples, record }) {
  const [offId, metricsId, tracingId] = ids;
  const started = [];
  let scraper;
  let pending;
  // Once for the three rows: a failure fails all three instead of starting three more servers per row.
  const measured = () => (pending ??= measureAll());
  const measureAll = async () => {
    const sinkPort = await freePort();
    const sink = startProcess({
      command: process.execPath,
      args: [join(LIB, "otlp-sink.js"), String(sinkPort)],
      env: {},
      cwd: ctx.dir,
      cpu: LOAD_CPU,
      logFile: join(ctx.dir, `otlp-sink-${store}.log`),
    });
    started.push(sink);
    const variant = async (name, extra) => {
      const port = await freePort();
      const server = startProcess({
        command: process.execPath,
        args: [...LAUNCHER_FLAGS, CLI, "serve"],
        env: { ...env, KEYHOUSE_PORT: String(port), ...extra },
        cwd: ctx.dir,
        cpu: SERVER_CPU,
        logFile: join(ctx.dir, `keyhouse-${store}-${name}.log`),
      });
      started.push(server);
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/readyz`, 60_000, server.child);
      return url;
    };
    const metricsPort = await freePort();
    const metricsUrl = await variant("metrics", { KEYHOUSE_METRICS_PORT: String(metricsPort) });
    const tracingUrl = await variant("tracing", { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}` });
    await waitForHttp(`http://127.0.0.1:${metricsPort}/metrics`, 10_000);
    let scrapes = 0;
    scraper = setInterval(() => {
      fetch(`http://127.0.0.1:${metricsPort}/metrics`)
        .then((r) => r.text())
        .then(() => (scrapes += 1))
        .catch(() => undefined);
    }, 1_000);
    const load = (name, url) => ({
      baseUrl: url,
      requests: requestsFor(samples),
      connections: ctx.connections,
      dir: ctx.dir,
      name: `${store}-${name}`,
    });
    const [off, metrics, tracing] = await measureSet(
      [load("telemetry-off", baseUrl), load("telemetry-metrics", metricsUrl), load("telemetry-tracing", tracingUrl)],
      ctx.timing,
    );
    const exposition = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const counted =
      /^keyhouse_http_request_duration_seconds_count\{[^}]*route="\/v2\/api-keys\/:api_key_id"[^}]*status_code="200"\} (\d+)/m.exec(
        exposition,
      );
    if (!counted || Number(counted[1]) < metrics.runs.reduce((sum, r) => sum + r.requests, 0)) {
      throw new Error(`the metrics server counted ${counted?.[1] ?? "no"} hot-path requests`);
    }
    return { off, metrics: { ...metrics, scrapes }, tracing };
  };
  try {
    await record(offId, async () => (await measured()).off);
    await record(metricsId, async () => (await measured()).metrics);
    await record(tracingId, async () => (await measured()).tracing);
  } finally {
    if (scraper) clearInterval(scraper);
    for (const child of started.reverse()) await child.stop();
  }
}
