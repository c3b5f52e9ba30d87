import { randomBytes } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startServeProcess, stop } from "./cli.js";
import { send, type HttpResponse, type RequestOptions } from "./http.js";
import { hygieneDir, keepArtifact, keepFiles, recordIssuedKey } from "./hygiene.js";
import { storeBytes } from "./scan.js";
import { freshPostgresSchema } from "./server.js";
import type { StoreKind } from "./stores.js";

export interface Node {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
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
        output: started.output,
        call: (path, options = {}) => send(started.url, path, { key: adminKey, ...options }),
      });
    }
  } catch (error) {
    await Promise.all(nodes.map((n) => stop(n.child)));
    throw error;
  }
  if (!adminKey) throw new Error("the first process did not print the admin key");
  recordIssuedKey(adminKey);
  return {
    nodes,
    adminKey,
    close: async () => {
      await Promise.all(nodes.map((n) => stop(n.child)));
      // The run's secret scan searches every process's log (but the first key's banner) and the store.
      nodes.forEach((n, i) => keepArtifact(`cluster-${store}-node${i}.log`, withoutFirstKeyBanner(n.output())));
      keepFiles(`cluster-${store}`, [join(dir, "keyhouse.db"), join(dir, "keyhouse.db-wal")]);
      if (postgres && hygieneDir()) keepArtifact(`${postgres.schema}.sql`, storeBytes({ dbPath: undefined, pgSchema: postgres.schema }));
      await postgres?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A serve log without the banner that shows the first key, the one place a raw key is meant to be printed. */
export function withoutFirstKeyBanner(output: string): string {
  return output.replace(/keyhouse initialized a new store\.[\s\S]*?Store it now: keyhouse keeps only a hash of it\./, "[first key banner]");
}
