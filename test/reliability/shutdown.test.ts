import { randomBytes } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { Agent } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort, startServeProcess } from "../support/cli.js";
import { withoutFirstKeyBanner } from "../support/cluster.js";
import { send, type HttpResponse } from "../support/http.js";
import { keepArtifact, keepFiles, recordFigures, recordIssuedKey } from "../support/hygiene.js";
import { expectProblem } from "../support/keys.js";
import { openEventStream } from "../support/sse.js";
import { freshPostgresSchema } from "../support/server.js";
import { forEachStore, POSTGRES_URL, type StoreKind } from "../support/stores.js";

/**
 * Graceful shutdown of a real `keyhouse serve` process (docs/deploy.md): on
 * SIGTERM under a load of key creations, every request is either answered as
 * usual or refused before it started (503 problem, or its connection closed
 * without the request having happened), nothing acknowledged is lost, the
 * event stream is ended, pending last-use times are written, and the exit is
 * 0. A request in flight is waited for; past KEYHOUSE_SHUTDOWN_TIMEOUT_SECONDS
 * its connection is cut and the exit is 1.
 */

const WORKERS = 8;

interface Target {
  env: Record<string, string>;
  /** The names of the keys in the store, read straight from it. */
  keyNames(): Promise<Set<string>>;
  /** Holds the store's write lock (SQLite) or a lock that blocks key inserts (PostgreSQL) until `release`. */
  lockKeys(): Promise<{ release(): Promise<void> }>;
  close(): Promise<void>;
}

async function openTarget(store: StoreKind, dir: string): Promise<Target> {
  const base = {
    KEYHOUSE_SECRET: randomBytes(32).toString("base64url"),
    KEYHOUSE_LOG_LEVEL: "info",
    KEYHOUSE_AUTH_FAILURE_LIMIT: "1000000",
  };
  if (store === "sqlite") {
    const path = join(dir, "keyhouse.db");
    return {
      env: { ...base, KEYHOUSE_DATABASE_URL: path },
      keyNames: async () => {
        const db = new BetterSqlite3(path, { fileMustExist: true });
        try {
          return new Set(db.prepare("select name from api_keys").pluck().all() as string[]);
        } finally {
          db.close();
        }
      },
      lockKeys: async () => {
        const db = new BetterSqlite3(path, { fileMustExist: true });
        db.exec("begin immediate");
        return {
          release: async () => {
            db.exec("commit");
            db.close();
          },
        };
      },
      close: async () => keepFiles(`shutdown-${store}`, [path, `${path}-wal`]),
    };
  }
  const schema = await freshPostgresSchema();
  const client = async () => {
    const c = new pg.Client({ connectionString: POSTGRES_URL });
    await c.connect();
    await c.query(`set search_path to ${schema.schema}`);
    return c;
  };
  return {
    env: { ...base, KEYHOUSE_DATABASE_URL: schema.url },
    keyNames: async () => {
      const c = await client();
      try {
        return new Set((await c.query<{ name: string }>("select name from api_keys")).rows.map((r) => r.name));
      } finally {
        await c.end();
      }
    },
    lockKeys: async () => {
      const c = await client();
      await c.query("begin");
      await c.query("lock table api_keys in share mode");
      return {
        release: async () => {
          await c.query("commit");
          await c.end();
        },
      };
    },
    close: () => schema.drop(),
  };
}

interface Serve {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function serve(env: Record<string, string>): Promise<Serve> {
  const started = await startServeProcess({ ...env, KEYHOUSE_PORT: String(await freePort()) });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (started.child.exitCode !== null) resolve({ code: started.child.exitCode, signal: null });
    started.child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return { ...started, exited };
}

function adminKeyOf(output: string): string {
  const key = /ak-[0-9A-Za-z]{48}/.exec(output)?.[0];
  if (key === undefined) throw new Error("the first start printed no key");
  recordIssuedKey(key);
  return key;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a process is still running `ms` from now. */
async function stillRunningAfter(proc: Serve, ms: number): Promise<boolean> {
  const outcome = await Promise.race([proc.exited.then(() => "exited" as const), sleep(ms).then(() => "running" as const)]);
  return outcome === "running";
}

const logs: (() => string)[] = [];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "keyhouse-shutdown-"));
});
afterEach(() => {
  // The run's secret scan searches every serve log (but the first key's banner).
  logs.splice(0).forEach((log, i) => keepArtifact(`shutdown-${i}.log`, withoutFirstKeyBanner(log())));
  rmSync(dir, { recursive: true, force: true });
});

forEachStore((store) => {
  describe("SIGTERM", () => {
    it("under load: every request answered or refused before it started, nothing acknowledged lost, stream ended, last use written, exit 0", async () => {
      const target = await openTarget(store, dir);
      try {
        const first = await serve(target.env);
        logs.push(first.output);
        const adminKey = adminKeyOf(first.output());
        const call = (path: string, options: Parameters<typeof send>[2] = {}) => send(first.url, path, { key: adminKey, ...options });

        // A key used once just before the signal: its last use is only in memory until the shutdown writes it.
        const used = await call("/v2/api-keys", { method: "POST", body: { name: "used-before-shutdown" } });
        expect(used.status, used.text).toBe(201);
        const stream = await openEventStream(first.url, adminKey);
        expect(stream.status).toBe(200);
        const streamEnded = new Promise<void>((resolve) => stream.onEnd(resolve));

        const agent = new Agent({ keepAlive: true, maxSockets: WORKERS });
        const acknowledged: string[] = [];
        const refused: HttpResponse[] = [];
        const cutOff: string[] = [];
        const unexpected: string[] = [];
        let stopping = false;
        let sequence = 0;
        let gone = 0;
        const worker = async () => {
          while (!stopping) {
            const name = `load-${sequence++}`;
            try {
              const res = await call("/v2/api-keys", { method: "POST", body: { name }, agent });
              if (res.status === 201) acknowledged.push(name);
              else if (res.status === 503) refused.push(res);
              else unexpected.push(`${res.status} ${res.text}`);
            } catch (error) {
              const code = (error as NodeJS.ErrnoException).code;
              // Refused at the door: the listener is closed; nothing was sent.
              if (code === "ECONNREFUSED") gone += 1;
              // The connection closed under a request that was sent: it must not have happened (checked below).
              else cutOff.push(name);
              await sleep(20);
            }
          }
        };
        const workers = Array.from({ length: WORKERS }, worker);
        while (acknowledged.length < 40) await sleep(20);
        expect((await call("/v2/whoami", { key: used.body.key })).status).toBe(200);
        recordIssuedKey(used.body.key);
        const before = acknowledged.length;
        first.child.kill("SIGTERM");
        const exit = await first.exited;
        // Keep sending a little after the exit: those must all be refused at the door.
        await sleep(200);
        stopping = true;
        await Promise.all(workers);
        agent.destroy();
        await streamEnded;

        expect(exit).toEqual({ code: 0, signal: null });
        expect(unexpected).toEqual([]);
        for (const res of refused) expectProblem(res, 503, "UNAVAILABLE");
        expect(first.output()).toContain("keyhouse stopped");
        expect(first.output()).not.toContain("requests still in flight");

        const names = await target.keyNames();
        expect(
          acknowledged.filter((name) => !names.has(name)),
          "acknowledged creates missing after the shutdown",
        ).toEqual([]);
        expect(
          cutOff.filter((name) => names.has(name)),
          "requests cut off that had happened",
        ).toEqual([]);

        const second = await serve(target.env);
        logs.push(second.output);
        try {
          const key = await send(second.url, `/v2/api-keys/${used.body.id}`, { key: adminKey });
          expect(key.status, key.text).toBe(200);
          expect(key.body.last_used_at, "the use before SIGTERM was written at shutdown").not.toBeNull();
        } finally {
          second.child.kill("SIGTERM");
          expect((await second.exited).code).toBe(0);
        }
        recordFigures(`shutdown-${store}`, {
          acknowledged_before_signal: before,
          acknowledged: acknowledged.length,
          refused_503: refused.length,
          cut_off_before_start: cutOff.length,
          refused_at_the_door: gone,
          acknowledged_lost: acknowledged.filter((name) => !names.has(name)).length,
        });
      } finally {
        await target.close();
      }
    });

    it("waits for a request in flight, answers it with Connection: close, then exits 0", async () => {
      const target = await openTarget(store, dir);
      try {
        const proc = await serve(target.env);
        logs.push(proc.output);
        const adminKey = adminKeyOf(proc.output());
        const lock = await target.lockKeys();
        let answer: HttpResponse | undefined;
        const pending = send(proc.url, "/v2/api-keys", { method: "POST", key: adminKey, body: { name: "in-flight" } }).then(
          (res) => (answer = res),
        );
        await sleep(300);
        proc.child.kill("SIGTERM");
        // The request waits on the lock, and the process waits for the request.
        expect(await stillRunningAfter(proc, 700)).toBe(true);
        expect(answer).toBeUndefined();
        await lock.release();
        const res = await pending;
        expect(res.status, res.text).toBe(201);
        recordIssuedKey(res.body.key);
        expect(res.headers.connection).toBe("close");
        expect((await proc.exited).code).toBe(0);
        expect((await target.keyNames()).has("in-flight")).toBe(true);
      } finally {
        await target.close();
      }
    });
  });
});

describe("SIGTERM with a request that does not finish", () => {
  /** A request whose body never fully arrives: in flight until Node's request timeout (30 s) or the shutdown's. */
  async function stalledUpload(url: string): Promise<{ closed: Promise<void>; destroy(): void }> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    socket.on("error", () => undefined);
    // Read (and drop) what the server answers, so that its end is seen.
    socket.resume();
    socket.write("POST /v2/api-keys HTTP/1.1\r\nhost: keyhouse\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{");
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    return { closed, destroy: () => socket.destroy() };
  }

  it("is cut off at KEYHOUSE_SHUTDOWN_TIMEOUT_SECONDS; the process says so and exits 1", async () => {
    const target = await openTarget("sqlite", dir);
    try {
      const proc = await serve({ ...target.env, KEYHOUSE_SHUTDOWN_TIMEOUT_SECONDS: "1" });
      logs.push(proc.output);
      const upload = await stalledUpload(proc.url);
      await sleep(200);
      proc.child.kill("SIGTERM");
      // Still waiting for it at first...
      expect(await stillRunningAfter(proc, 300)).toBe(true);
      // ...then the connection is cut and the process exits, long before the request timeout.
      const exit = await proc.exited;
      expect(exit).toEqual({ code: 1, signal: null });
      await upload.closed;
      expect(proc.output()).toMatch(/"connections_cut":1,.*requests still in flight at the shutdown timeout were cut off/);
      expect(proc.output()).toContain("keyhouse stopped");
    } finally {
      await target.close();
    }
  });

  it("a second signal exits at once with 1", async () => {
    const target = await openTarget("sqlite", dir);
    try {
      const proc = await serve({ ...target.env, KEYHOUSE_SHUTDOWN_TIMEOUT_SECONDS: "3600" });
      logs.push(proc.output);
      const upload = await stalledUpload(proc.url);
      await sleep(200);
      proc.child.kill("SIGTERM");
      expect(await stillRunningAfter(proc, 500)).toBe(true);
      proc.child.kill("SIGINT");
      expect(await proc.exited).toEqual({ code: 1, signal: null });
      expect(proc.output()).toContain("second signal: exiting now");
      upload.destroy();
    } finally {
      await target.close();
    }
  });
});
