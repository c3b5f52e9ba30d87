import type { LockableSelect, TxLocks } from "../store.js";

/**
 * PostgreSQL runs transactions concurrently (READ COMMITTED), so a row a
 * transaction relies on must be locked: FOR SHARE makes a concurrent UPDATE or
 * DELETE of the row wait until this transaction ends (and then re-check its
 * WHERE clause against the committed row), while plain readers and other FOR
 * SHARE readers go on; FOR UPDATE also makes other locking readers wait. Rows
 * are locked as the query reads them, so transactions that lock several rows
 * must do so in one agreed order (users before keys, keys by id) or deadlock.
 */
export const postgresLocks: TxLocks = {
  lockForShare: <Q extends LockableSelect>(query: Q): Q => query.forShare() as Q,
  lockForUpdate: <Q extends LockableSelect>(query: Q): Q => query.forUpdate() as Q,
};
