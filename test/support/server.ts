import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loggerOptions } from "../../src/app.js";
import { loadConfig } from "../../src/config/config.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { send, type HttpResponse, type RequestOptions } from "./http.js";

export interface TestServer {
  url: string;
  dir: string;
  dbPath: string;
  logPath: string;
  server: RunningServer;
  adminKey: string;
  adminUserId: string;
  organizationId: string;
  spaceId: string;
  /** Sends a request; `key` defaults to the admin's key (pass null for none). */
  call(path: string, options?: Omit<RequestOptions, "key"> & { key?: string | null }): Promise<HttpResponse>;
  logs(): string;
  close(): Promise<void>;
}

/** Starts a real keyhouse server on a real port over a fresh SQLite file. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "keyhouse-test-"));
  const dbPath = join(dir, "keyhouse.db");
  const logPath = join(dir, "server.log");
  const config = loadConfig({ KEYHOUSE_DATABASE_URL: dbPath, KEYHOUSE_PORT: "0", KEYHOUSE_LOG_LEVEL: "info", ...env });
  const destination = pino.destination({ dest: logPath, sync: true });
  const server = await startServer(config, { logger: pino(loggerOptions("info"), destination) });
  const init = server.initialized;
  if (!init) throw new Error("expected a fresh store to be initialized");
  const url = server.url;
  return {
    url,
    dir,
    dbPath,
    logPath,
    server,
    adminKey: init.apiKey,
    adminUserId: init.userId,
    organizationId: init.organizationId,
    spaceId: init.spaceId,
    call: (path, options = {}) => {
      const key = options.key === undefined ? init.apiKey : options.key ?? undefined;
      return send(url, path, { ...options, key });
    },
    logs: () => readFileSync(logPath, "utf8"),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
