import type { Tx } from "../store.js";

/**
 * The users who keep the account administrable (SPEC §7): active human account
 * admins with the developer flag. Reads their ids in id order, locked for
 * update (TxLocks), so two transactions that each check "someone else is still
 * an admin" run one after the other: the second waits for the first to commit
 * and then sees the admin set as the first left it. Callers lock this set
 * before any single user row, so all such transactions take their user locks
 * in one order.
 */
export async function lockAccountAdmins(tx: Tx): Promise<number[]> {
  const rows = await tx
    .lockForUpdate(
      tx
        .selectFrom("users")
        .select("id")
        .where("kind", "=", "human")
        .where("role", "=", "admin")
        .where("status", "=", "active")
        .where("is_developer", "=", 1)
        .orderBy("id"),
    )
    .execute();
  return rows.map((row) => row.id);
}
