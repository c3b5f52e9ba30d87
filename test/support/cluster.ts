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
  /** The variables this node alone was started with (nodeEnv). */
  env: Record<string, string>;
}

export interface Cluster {
  nodes: Node[];
  adminKey: string;
  /** Stops node `index` (SIGTERM), or restarts it: a new process on the same port and store. */
  stop(index: number): Promise<void>;
  start(index: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts `count` real `keyhouse serve` processes on one store (a PostgreSQL
 * schema or one SQLite file); `nodeEnv` adds variables of one node (its own
 * metrics port).
 */
export async function startCluster(
  store: StoreKind,
  count: number,
  env: Record<string, string> = {},
  nodeEnv: (index: number) => Promise<Record<string, string>> = async () => ({}),
): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "keyhouse-cluster-"));
  const postgres = store === "postgres" ? await freshPostgresSchema() : undefined;
  const shared = {
    KEYHOUSE_DATABASE_URL: postgres?.url ?? join(dir, "keyhouse.db"),
    KEYHOUSE_SECRET: randomBytes(32).toString("base64url"),
    KEYHOUSE_LOG_LEVEL: "warn",
    ...env,
  };
  const nodes: Node[] = [];
  const ports: number[] = [];
  const envs: Record<string, string>[] = [];
  // Output of the processes a restart replaced, for the secret scan at the end.
  const earlier: string[] = [];
  let adminKey = "";
  const startNode = async (i: number) => {
    const own = envs[i] ?? {};
    const started = await startServeProcess({ ...shared, ...own, KEYHOUSE_PORT: String(ports[i]) });
    if (i === 0 && adminKey === "") adminKey = /ak-[0-9A-Za-z]{48}/.exec(started.output())?.[0] ?? "";
    nodes[i] = {
      url: started.url,
      child: started.child,
      output: started.output,
      env: own,
      call: (path, options = {}) => send(started.url, path, { key: adminKey, ...options }),
    };
  };
  try {
    for (let i = 0; i < count; i++) {
      ports.push(await freePort());
      envs.push(await nodeEnv(i));
      await startNode(i);
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
    stop: async (index) => {
      const node = nodes[index];
      if (node === undefined) throw new Error(`no node ${index}`);
      await stop(node.child);
      earlier.push(node.output());
    },
    start: (index) => startNode(index),
    close: async () => {
      await Promise.all(nodes.map((n) => stop(n.child)));
      // The run's secret scan searches every process's log (but the first key's banner) and the store.
      nodes.forEach((n, i) => keepArtifact(`cluster-${store}-node${i}.log`, withoutFirstKeyBanner(n.output())));
      earlier.forEach((output, i) => keepArtifact(`cluster-${store}-earlier${i}.log`, withoutFirstKeyBanner(output)));
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
