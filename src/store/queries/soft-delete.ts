import type { Selectable } from "kysely";
import type { Database } from "../schema.js";
import type { Db } from "../store.js";
import { tombstoneNameKey } from "./keyset.js";

/** The tables whose rows are soft-deleted: they keep a row for keys, memberships and audit events to name. */
export type SoftDeletedTable = "organizations" | "spaces";

/**
 * Locks a live row for the rest of the transaction (a no-op update), so a
 * concurrent delete and a change that needs the row alive cannot both commit:
 * whichever comes second sees the other's outcome. False when deleted or missing.
 * Projects too: a binding or restriction cannot be added to one being deleted.
 */
export async function lockLive(db: Db, table: SoftDeletedTable | "projects", id: number): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set((eb) => ({ deleted_at: eb.ref("deleted_at") }))
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks a live row deleted and frees its name; false when it already was. */
export async function softDelete(db: Db, table: SoftDeletedTable, id: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set({ deleted_at: now, name_key: tombstoneNameKey(id) })
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Renames or redescribes a live row; undefined when it is gone. */
export async function updateLive<T extends SoftDeletedTable>(
  db: Db,
  table: T,
  id: number,
  patch: { name?: string; description?: string },
): Promise<Selectable<Database[T]> | undefined> {
  const row = await db
    .updateTable(table as SoftDeletedTable)
    .set({ ...patch, ...(patch.name === undefined ? {} : { name_key: patch.name.toLowerCase() }) })
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
  return row as Selectable<Database[T]> | undefined;
}
