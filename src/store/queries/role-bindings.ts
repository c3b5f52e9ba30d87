import type { Insertable, Selectable } from "kysely";
import type { Position } from "../page.js";
import type { BindingResourceType, RoleBindingsTable } from "../schema.js";
import type { Db } from "../store.js";
import { after, inScope, type SpaceScope } from "./keyset.js";

export type RoleBindingRow = Selectable<RoleBindingsTable>;

export async function findRoleBinding(db: Db, id: number): Promise<RoleBindingRow | undefined> {
  return db.selectFrom("role_bindings").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The binding of a user on one resource, if any (there is at most one). */
export async function findBindingOn(
  db: Db,
  userId: number,
  resourceType: BindingResourceType,
  resourceId: number,
): Promise<RoleBindingRow | undefined> {
  return db
    .selectFrom("role_bindings")
    .selectAll()
    .where("user_id", "=", userId)
    .where("resource_type", "=", resourceType)
    .where("resource_id", "=", resourceId)
    .executeTakeFirst();
}

export async function insertRoleBinding(db: Db, values: Insertable<RoleBindingsTable>): Promise<RoleBindingRow> {
  return db.insertInto("role_bindings").values(values).returningAll().executeTakeFirstOrThrow();
}

/** Points a binding at another role; undefined when it is gone. */
export async function rebindRole(db: Db, id: number, roleId: number, now: number): Promise<RoleBindingRow | undefined> {
  return db.updateTable("role_bindings").set({ role_id: roleId, updated_at: now }).where("id", "=", id).returningAll().executeTakeFirst();
}

export async function deleteRoleBinding(db: Db, id: number): Promise<RoleBindingRow | undefined> {
  return db.deleteFrom("role_bindings").where("id", "=", id).returningAll().executeTakeFirst();
}

/** How many bindings name a role. */
export async function countBindingsOfRole(db: Db, roleId: number): Promise<number> {
  const row = await db
    .selectFrom("role_bindings")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("role_id", "=", roleId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Removes bindings, and returns them: every binding of a user (user removal),
 * of a user in one organization (removal from it), on a space and its projects
 * (space deletion), or on one project (project deletion).
 */
export async function deleteBindingsWhere(
  db: Db,
  where: { userId: number; organizationId?: number } | { spaceId: number } | { projectId: number },
): Promise<RoleBindingRow[]> {
  let query = db.deleteFrom("role_bindings");
  if ("userId" in where) {
    query = query.where("user_id", "=", where.userId);
    if (where.organizationId !== undefined) query = query.where("organization_id", "=", where.organizationId);
  } else if ("spaceId" in where) {
    query = query.where("space_id", "=", where.spaceId);
  } else {
    query = query.where("resource_type", "=", "PROJECT").where("resource_id", "=", where.projectId);
  }
  return query.returningAll().execute();
}

export interface BindingListQuery {
  userId?: number;
  resourceType?: BindingResourceType;
  /** Restrict to bindings in spaces of these organizations or in these spaces; undefined means no restriction. */
  visible?: SpaceScope;
  after?: Position;
  limit: number;
}

/** One page (limit + 1 rows) of role bindings, newest first. */
export async function listRoleBindings(db: Db, q: BindingListQuery): Promise<RoleBindingRow[]> {
  let query = db.selectFrom("role_bindings").selectAll();
  if (q.visible !== undefined) query = query.where(inScope(q.visible, "organization_id", "space_id"));
  if (q.userId !== undefined) query = query.where("user_id", "=", q.userId);
  if (q.resourceType !== undefined) query = query.where("resource_type", "=", q.resourceType);
  if (q.after) query = query.where(after(q.after));
  return query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
}

/** A binding of a user as the permission engine reads it: where, and which role (with a custom role's permissions). */
export interface BindingGrantRow {
  resource_type: BindingResourceType;
  resource_id: number;
  space_id: number;
  organization_id: number;
  role_id: number;
  /** The custom role's JSON permission list; null for a predefined role (not a row). */
  permissions: string | null;
}

/** Every binding of a user with its custom role's permissions: one indexed read by user_id. */
export async function bindingGrantsOf(db: Db, userId: number): Promise<BindingGrantRow[]> {
  return db
    .selectFrom("role_bindings")
    .leftJoin("roles", "roles.id", "role_bindings.role_id")
    .select([
      "role_bindings.resource_type",
      "role_bindings.resource_id",
      "role_bindings.space_id",
      "role_bindings.organization_id",
      "role_bindings.role_id",
      "roles.permissions",
    ])
    .where("role_bindings.user_id", "=", userId)
    .execute();
}
