import type { Selectable } from "kysely";
import type { Position } from "../page.js";
import type { RolesTable } from "../schema.js";
import type { Db } from "../store.js";
import { after } from "./keyset.js";

export type RoleRow = Selectable<RolesTable>;

export async function findRole(db: Db, id: number): Promise<RoleRow | undefined> {
  return db.selectFrom("roles").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The custom role of the account with this name, compared case-insensitively. */
export async function findRoleByName(db: Db, accountId: number, name: string): Promise<RoleRow | undefined> {
  return db
    .selectFrom("roles")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("name_key", "=", name.toLowerCase())
    .executeTakeFirst();
}

export async function insertRole(
  db: Db,
  values: { account_id: number; name: string; description: string | null; permissions: string; created_at: number },
): Promise<RoleRow> {
  return db
    .insertInto("roles")
    .values({ ...values, name_key: values.name.toLowerCase(), updated_at: values.created_at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface RolePatch {
  name?: string;
  description?: string | null;
  permissions?: string;
}

/** Changes a role; undefined when it is gone. */
export async function updateRole(db: Db, id: number, patch: RolePatch, now: number): Promise<RoleRow | undefined> {
  return db
    .updateTable("roles")
    .set({ ...patch, ...(patch.name === undefined ? {} : { name_key: patch.name.toLowerCase() }), updated_at: now })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Locks a role's row for the rest of the transaction (a no-op update), so it
 * cannot be deleted while a binding to it is being written. False when gone.
 */
export async function lockRole(db: Db, id: number): Promise<boolean> {
  const result = await db
    .updateTable("roles")
    .set((eb) => ({ updated_at: eb.ref("updated_at") }))
    .where("id", "=", id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteRole(db: Db, id: number): Promise<RoleRow | undefined> {
  return db.deleteFrom("roles").where("id", "=", id).returningAll().executeTakeFirst();
}

/** One page (limit + 1 rows) of custom roles, newest first. */
export async function listRoles(db: Db, q: { after?: Position; limit: number }): Promise<RoleRow[]> {
  let query = db.selectFrom("roles").selectAll();
  if (q.after) query = query.where(after(q.after));
  return query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
}

/** When the account was created: the time the predefined roles carry. */
export async function accountCreatedAt(db: Db): Promise<{ id: number; createdAt: number } | undefined> {
  const row = await db.selectFrom("accounts").select(["id", "created_at"]).orderBy("id").limit(1).executeTakeFirst();
  return row && { id: row.id, createdAt: row.created_at };
}
