import type { LockableSelect, TxLocks } from "../store.js";

/**
 * SQLite's locks are no-ops, and need be nothing more: every keyhouse write
 * transaction begins with BEGIN IMMEDIATE (ImmediateDriver in open.ts), which
 * takes the database's one write lock before the first statement, so no other
 * connection or process can write anything until this transaction ends; and
 * inside one process the store runs its transactions one after another
 * (group-commit.ts). What a transaction reads therefore holds at its commit
 * whether or not it asked for a lock. SQLite has no FOR SHARE / FOR UPDATE
 * syntax either. test/store/locks.test.ts proves the exclusivity this rests on.
 */
export const sqliteLocks: TxLocks = {
  lockForShare: <Q extends LockableSelect>(query: Q): Q => query,
  lockForUpdate: <Q extends LockableSelect>(query: Q): Q => query,
};
