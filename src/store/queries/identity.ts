import type { Insertable, Selectable } from "kysely";
import type { MemberRole, MembershipScope, MembershipsTable, OrganizationsTable, SpacesTable, UsersTable } from "../schema.js";
import type { Db } from "../store.js";
import { emailKey } from "./email-key.js";

export type UserRow = Selectable<UsersTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type SpaceRow = Selectable<SpacesTable>;
export type MembershipRow = Selectable<MembershipsTable>;

export async function findAccountId(db: Db): Promise<number | undefined> {
  const row = await db.selectFrom("accounts").select("id").orderBy("id").limit(1).executeTakeFirst();
  return row?.id;
}

export async function insertAccount(db: Db, name: string, now: number): Promise<number> {
  const row = await db.insertInto("accounts").values({ name, created_at: now }).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

export async function insertOrganization(db: Db, values: Omit<Insertable<OrganizationsTable>, "name_key">): Promise<OrganizationRow> {
  return db
    .insertInto("organizations")
    .values({ ...values, name_key: values.name.toLowerCase() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertSpace(db: Db, values: Omit<Insertable<SpacesTable>, "name_key">): Promise<SpaceRow> {
  return db
    .insertInto("spaces")
    .values({ ...values, name_key: values.name.toLowerCase() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertUser(db: Db, values: Omit<Insertable<UsersTable>, "email_key">): Promise<UserRow> {
  return db
    .insertInto("users")
    .values({ ...values, email_key: values.email === null || values.email === undefined ? null : emailKey(values.email) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A space that exists and is not deleted. */
export async function findSpace(db: Db, id: number): Promise<SpaceRow | undefined> {
  return db.selectFrom("spaces").selectAll().where("id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
}

/** An organization that exists and is not deleted. */
export async function findOrganization(db: Db, id: number): Promise<OrganizationRow | undefined> {
  return db.selectFrom("organizations").selectAll().where("id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
}

/** Inserts or updates a user's role in an organization or space. */
export async function upsertMembership(
  db: Db,
  values: { user_id: number; scope: MembershipScope; scope_id: number; organization_id: number; role: MemberRole; created_at: number },
): Promise<MembershipRow> {
  return db
    .insertInto("memberships")
    .values(values)
    .onConflict((oc) => oc.columns(["scope", "scope_id", "user_id"]).doUpdateSet({ role: values.role }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every membership of a user, organizations and spaces alike. */
export async function membershipsOf(db: Db, userId: number): Promise<MembershipRow[]> {
  return db.selectFrom("memberships").selectAll().where("user_id", "=", userId).execute();
}

/** Ids of every space in the account, or in the given organizations. */
export async function spaceIdsIn(db: Db, organizationIds?: number[]): Promise<number[]> {
  let query = db.selectFrom("spaces").select("id");
  if (organizationIds !== undefined) {
    if (organizationIds.length === 0) return [];
    query = query.where("organization_id", "in", organizationIds);
  }
  const rows = await query.execute();
  return rows.map((r) => r.id);
}
