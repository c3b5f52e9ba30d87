import { createHash, randomUUID } from "node:crypto";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { Invalidations, preciseNow, type InvalidationFeed } from "../invalidation.js";
import { migrateToLatest, readSchemaStatus } from "../migrator.js";
import type { StoreObserver } from "../../http/observer.js";
import { queryLogger } from "../observer.js";
import type { Database } from "../schema.js";
import { withLocks, type Store, type Tx } from "../store.js";
import { AutocommitWatch, TransactionWatch } from "../write-watch.js";
import { PostgresListener } from "./listener.js";
import { postgresLocks } from "./locks.js";

const INT8_OID = 20;

/**
 * Reads int8 (bigint) columns as numbers. Every keyhouse bigint is an id or a
 * millisecond time, both far below 2^53.
 */
function types(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: string) =>
      oid === INT8_OID
        ? (value: string) => Number(value)
        : pg.types.getTypeParser(oid, format as "text")) as pg.CustomTypesConfig["getTypeParser"],
  };
}

export interface PostgresOptions {
  maxConnections?: number;
  /** Sees every statement and every cache flush (docs/observability.md). */
  observer?: StoreObserver;
}

/** Opens the PostgreSQL store at `url` (a search_path in the URL's `options` selects the schema). */
export function openPostgresStore(url: string, options: PostgresOptions = {}): Store {
  const config: pg.ClientConfig = { connectionString: url, types: types() };
  const pool = new pg.Pool({ ...config, max: options.maxConnections ?? 10 });
  // A pool error (a server restart) is reported on the next query; do not crash on it.
  pool.on("error", () => undefined);
  const raw = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: options.observer ? queryLogger(options.observer) : undefined,
  });
  const invalidations = new Invalidations(options.observer?.flushed.bind(options.observer));
  // A NOTIFY carries this store's id and its time (docs/observability.md): the
  // listener tells its own process's notifications from others', and measures
  // how long after the sending the others' emptied the caches here.
  const sender = randomUUID();
  // One channel per schema: deployments (and test runs) sharing a database do not disturb each other.
  let channel: Promise<string> | undefined;
  const channelName = () =>
    (channel ??= sql<{ schema: string }>`select current_schema() as schema`.execute(raw).then(
      (r) =>
        `kh_invalidate_${createHash("sha256")
          .update(r.rows[0]?.schema ?? "public")
          .digest("hex")
          .slice(0, 16)}`,
    ));
  const listener = new PostgresListener(config, channelName, invalidations, sender);
  const notify = async (db: Kysely<Database>) => {
    await sql`select pg_notify(${await channelName()}, ${`${sender} ${preciseNow()}`})`.execute(db);
  };
  const feed: InvalidationFeed = {
    subscribe: (fn) => {
      invalidations.subscribe(fn);
      listener.start();
    },
    poll: () => undefined,
    get healthy() {
      return listener.healthy;
    },
  };
  const db = raw.withPlugin(
    new AutocommitWatch(async () => {
      invalidations.emit({ source: "local", committedAt: preciseNow() });
      await notify(raw);
    }),
  );
  return {
    dialect: "postgres",
    db,
    invalidation: feed,
    transaction: async <T>(fn: (tx: Tx) => Promise<T>) => {
      const watch = new TransactionWatch();
      try {
        return await raw.transaction().execute(async (tx) => {
          const result = await fn(withLocks(tx.withPlugin(watch), postgresLocks));
          // NOTIFY is transactional: other processes hear it exactly when this commits.
          if (watch.dirty) await notify(tx);
          return result;
        });
      } finally {
        if (watch.dirty) invalidations.emit({ source: "local", committedAt: preciseNow() });
      }
    },
    isUniqueViolation: (error) => typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505",
    migrate: () => migrateToLatest(raw as Kysely<unknown>, "postgres"),
    schemaStatus: () => readSchemaStatus(raw as Kysely<unknown>),
    ping: async () => {
      await sql`select 1`.execute(raw);
    },
    close: async () => {
      await listener.close();
      await raw.destroy();
    },
  };
}
