import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import pino from "pino";
import { loggerOptions, type AppOptions } from "../../src/app.js";
import { loadConfig } from "../../src/config/config.js";
import { startServer, type RunningServer } from "../../src/server.js";
import type { TestClock } from "./clock.js";
import { send, type HttpResponse, type RequestOptions } from "./http.js";
import { hygieneDir, keepArtifact, keepFiles, recordIssuedKey } from "./hygiene.js";
import { storeBytes } from "./scan.js";
import { POSTGRES_URL, type StoreKind } from "./stores.js";

export interface TestServer {
  store: StoreKind;
  url: string;
  dir: string;
  /** The SQLite file (undefined on PostgreSQL). */
  dbPath: string | undefined;
  /** The PostgreSQL schema this server lives in (undefined on SQLite). */
  pgSchema: string | undefined;
  logPath: string;
  secret: Buffer;
  server: RunningServer;
  /** The clock the server reads keyhouse's time from, when the test gave one (else it runs on Date.now). */
  clock: TestClock | undefined;
  adminKey: string;
  adminUserId: string;
  organizationId: string;
  spaceId: string;
  /** Sends a request; `key` defaults to the admin's key (pass null for none). */
  call(path: string, options?: Omit<RequestOptions, "key"> & { key?: string | null }): Promise<HttpResponse>;
  logs(): string;
  close(): Promise<void>;
}

export interface TestServerOptions {
  store?: StoreKind;
  env?: Record<string, string>;
  /** Run the server on this clock instead of Date.now (test/support/clock.ts). */
  clock?: TestClock;
  /** Write recorded key uses this often instead of every 5 s, for tests that look at last_used_at. */
  lastUsedFlushMs?: number;
  /** Other app settings that replace the ones appOptionsFrom makes from the environment. */
  app?: Partial<AppOptions>;
}

/** A database URL for a fresh PostgreSQL schema, and how to drop it. */
export async function freshPostgresSchema(): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  const schema = `kh_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** Starts a real keyhouse server on a real port over a fresh store (SQLite file or PostgreSQL schema). */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const store = options.store ?? "sqlite";
  const dir = mkdtempSync(join(tmpdir(), "keyhouse-test-"));
  const logPath = join(dir, "server.log");
  const secretText = randomBytes(32).toString("base64url");
  const postgres = store === "postgres" ? await freshPostgresSchema() : undefined;
  const dbPath = postgres ? undefined : join(dir, "keyhouse.db");
  const config = loadConfig({
    KEYHOUSE_DATABASE_URL: postgres?.url ?? dbPath ?? "",
    KEYHOUSE_PORT: "0",
    KEYHOUSE_SECRET: secretText,
    KEYHOUSE_LOG_LEVEL: "info",
    ...options.env,
  });
  const destination = pino.destination({ dest: logPath, sync: true });
  const server = await startServer(config, {
    logger: pino(loggerOptions("info"), destination),
    app: { now: options.clock?.now, lastUsedFlushMs: options.lastUsedFlushMs, ...options.app },
  });
  const init = server.initialized;
  if (!init) throw new Error("expected a fresh store to be initialized");
  recordIssuedKey(init.apiKey);
  const url = server.url;
  return {
    store,
    url,
    dir,
    dbPath,
    pgSchema: postgres?.schema,
    logPath,
    secret: Buffer.from(secretText, "utf8"),
    server,
    clock: options.clock,
    adminKey: init.apiKey,
    adminUserId: init.userId,
    organizationId: init.organizationId,
    spaceId: init.spaceId,
    call: (path, callOptions = {}) => {
      const key = callOptions.key === undefined ? init.apiKey : (callOptions.key ?? undefined);
      return send(url, path, { ...callOptions, key });
    },
    logs: () => readFileSync(logPath, "utf8"),
    close: async () => {
      await server.close();
      // The run's secret scan searches this server's log and everything its store holds.
      keepFiles(`${store}-server`, [logPath, ...(dbPath ? [dbPath, `${dbPath}-wal`] : [])]);
      if (postgres && hygieneDir()) keepArtifact(`${postgres.schema}.sql`, storeBytes({ dbPath: undefined, pgSchema: postgres.schema }));
      await postgres?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
