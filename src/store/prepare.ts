import type { Store } from "./store.js";

/**
 * A refusal to start or to act on the store (a schema this keyhouse cannot
 * use, a store already initialized); its message is the one line printed.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

/**
 * The one schema check of `serve`, `init` and `migrate`, before anything else
 * uses the store. A schema ahead of this code (migrations it does not know) is
 * refused. With `migrate`, the pending migrations are applied; without it
 * (serve), only an empty store is migrated and a store that is behind is
 * refused with what to run. Returns the migrations it applied.
 */
export async function prepareStore(store: Store, options: { migrate: boolean }): Promise<string[]> {
  const status = await store.schemaStatus();
  if (status.unknown.length > 0) {
    throw new StartupError(
      `the database schema is ahead of this keyhouse (${status.unknown.join(", ")} unknown); run a keyhouse version that has them`,
    );
  }
  if (options.migrate || status.applied.length === 0) return store.migrate();
  if (status.pending.length > 0) {
    throw new StartupError(`the database schema is behind (${status.pending.join(", ")} pending); run: keyhouse migrate`);
  }
  return [];
}
