import type { Kysely, SelectQueryBuilder } from "kysely";
import type { InvalidationFeed } from "./invalidation.js";
import type { DialectName } from "./migrations/index.js";
import type { Database } from "./schema.js";

/** A Kysely handle inside or outside a transaction; queries take either. */
export type Db = Kysely<Database>;

/** A select a transaction can lock the rows of (any tables, any columns). */
export type LockableSelect = SelectQueryBuilder<Database, keyof Database, unknown>;

/**
 * How a transaction locks the rows it reads, so that what it read still holds
 * when it commits. Each backend implements it (sqlite/locks.ts,
 * postgres/locks.ts); code outside src/store never asks which backend it runs on.
 */
export interface TxLocks {
  /**
   * `query`, made to hold the rows it reads until the transaction ends: a
   * concurrent update or delete of them waits for this transaction to end (or
   * this read waits for it). Other readers, locked for share or not, go on.
   */
  lockForShare<Q extends LockableSelect>(query: Q): Q;
  /** Like lockForShare, and other lockForShare/lockForUpdate reads of the rows wait too. */
  lockForUpdate<Q extends LockableSelect>(query: Q): Q;
}

/**
 * The handle a transaction's callback receives: a Db (every query takes it)
 * that can also lock what it reads (`tx.lockForShare(tx.selectFrom(...))`).
 * Valid only until the callback returns.
 */
export type Tx = Db & TxLocks;

/** Gives a transaction's Kysely handle its backend's locks. */
export function withLocks(db: Db, locks: TxLocks): Tx {
  // The handle is a fresh Kysely object per transaction (withPlugin makes one;
  // on SQLite per group of transactions, which all get the same two methods),
  // so adding them touches nothing shared. It cannot be wrapped instead:
  // Kysely's methods read private fields of `this`.
  return Object.assign(db, { lockForShare: locks.lockForShare, lockForUpdate: locks.lockForUpdate });
}

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
  /**
   * Runs `fn` in one transaction; it commits when `fn` resolves and rolls back
   * when it throws. `tx` locks rows for the transaction (TxLocks).
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** True when `error` is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  migrate(): Promise<string[]>;
  schemaStatus(): Promise<SchemaStatus>;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
