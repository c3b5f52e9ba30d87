import type { Kysely } from "kysely";
import type { InvalidationFeed } from "./invalidation.js";
import type { DialectName } from "./migrations/index.js";
import type { Database } from "./schema.js";

/** A Kysely handle inside or outside a transaction; queries take either. */
export type Db = Kysely<Database>;

export interface SchemaStatus {
  /** Migrations the database has applied, in order. */
  applied: string[];
  /** Migrations this code knows and the database has not applied. */
  pending: string[];
  /** Migrations the database has applied that this code does not know (the schema is ahead). */
  unknown: string[];
}

/**
 * The one store interface. Both backends speak Kysely; what differs (connection,
 * transaction start, error codes, column types) lives in sqlite/ and postgres/.
 */
export interface Store {
  readonly dialect: DialectName;
  readonly db: Db;
  /** Tells caches when committed writes (here or in another process) may have changed an authentication result. */
  readonly invalidation: InvalidationFeed;
  /** Runs `fn` in one transaction; it commits when `fn` resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** True when `error` is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  migrate(): Promise<string[]>;
  schemaStatus(): Promise<SchemaStatus>;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
