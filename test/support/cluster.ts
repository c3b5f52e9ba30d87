import { randomBytes } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startServeProcess, stop } from "./cli.js";
import { send, type HttpResponse, type RequestOptions } from "./http.js";
import { freshPostgresSchema } from "./server.js";
import type { StoreKind } from "./stores.js";

export interface Node {
  url: string;
  child: ChildProcess;
  call(path: string, options?: RequestOptions): Promise<HttpResponse>;
}

export interface Cluster {
  nodes: Node[];
  adminKey: string;
  close(): Promise<void>;
}

/** Starts `count` real `keyhouse serve` processes on one store (a PostgreSQL schema or one SQLite file). */
export async function startCluster(store: StoreKind, count: number, env: Record<string, string> = {}): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "keyhouse-cluster-"));
  const postgres = store === "postgres" ? await freshPostgresSchema() : undefined;
  const shared = {
    KEYHOUSE_DATABASE_URL: postgres?.url ?? join(dir, "keyhouse.db"),
    KEYHOUSE_SECRET: randomBytes(32).toString("base64url"),
    KEYHOUSE_LOG_LEVEL: "warn",
    ...env,
  };
  const nodes: Node[] = [];
  let adminKey = "";
  try {
    for (let i = 0; i < count; i++) {
      const started = await startServeProcess({ ...shared, KEYHOUSE_PORT: String(await freePort()) });
      if (i === 0) adminKey = /ak-[0-9A-Za-z]{48}/.exec(started.output())?.[0] ?? "";
      nodes.push({
        url: started.url,
        child: started.child,
        call: (path, options = {}) => send(started.url, path, { key: adminKey, ...options }),
      });
    }
  } catch (error) {
    await Promise.all(nodes.map((n) => stop(n.child)));
    throw error;
  }
  if (!adminKey) throw new Error("the first process did not print the admin key");
  return {
    nodes,
    adminKey,
    close: async () => {
      await Promise.all(nodes.map((n) => stop(n.child)));
      await postgres?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
