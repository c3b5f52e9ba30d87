import type { DatabaseTarget } from "../config/config.js";
import { openSqliteStore } from "./sqlite/open.js";
import type { Store } from "./store.js";

/** Opens the store a configuration names. */
export async function openStore(target: DatabaseTarget): Promise<Store> {
  if (target.kind === "sqlite") return openSqliteStore(target.path);
  const { openPostgresStore } = await import("./postgres/open.js");
  return openPostgresStore(target.url);
}
