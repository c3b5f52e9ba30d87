import type { DatabaseTarget } from "../config/config.js";
import type { StoreObserver } from "../http/observer.js";
import { openSqliteStore } from "./sqlite/open.js";
import type { Store } from "./store.js";

/** Opens the store a configuration names; `observer` (metrics, traces) sees its statements and cache flushes. */
export async function openStore(target: DatabaseTarget, observer?: StoreObserver): Promise<Store> {
  if (target.kind === "sqlite") return openSqliteStore(target.path, observer);
  const { openPostgresStore } = await import("./postgres/open.js");
  return openPostgresStore(target.url, { observer });
}
