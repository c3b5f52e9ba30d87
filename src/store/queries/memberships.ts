import type { Position } from "../page.js";
import type { MembershipScope } from "../schema.js";
import type { Db } from "../store.js";
import type { MembershipRow } from "./identity.js";
import { after } from "./keyset.js";

/** A user's membership of one organization or space. */
export async function findMembership(db: Db, scope: MembershipScope, scopeId: number, userId: number): Promise<MembershipRow | undefined> {
  return db
    .selectFrom("memberships")
    .selectAll()
    .where("scope", "=", scope)
    .where("scope_id", "=", scopeId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/**
 * Locks a membership for the rest of the transaction (a no-op update) and
 * returns it, so a space membership cannot be granted while the organization
 * membership it needs is being removed.
 */
export async function lockMembership(db: Db, scope: MembershipScope, scopeId: number, userId: number): Promise<MembershipRow | undefined> {
  return db
    .updateTable("memberships")
    .set((eb) => ({ role: eb.ref("role") }))
    .where("scope", "=", scope)
    .where("scope_id", "=", scopeId)
    .where("user_id", "=", userId)
    .returningAll()
    .executeTakeFirst();
}

/** Removes one membership; returns it, or undefined when there was none. */
export async function deleteMembership(
  db: Db,
  scope: MembershipScope,
  scopeId: number,
  userId: number,
): Promise<MembershipRow | undefined> {
  return db
    .deleteFrom("memberships")
    .where("scope", "=", scope)
    .where("scope_id", "=", scopeId)
    .where("user_id", "=", userId)
    .returningAll()
    .executeTakeFirst();
}

/** Removes a user's memberships of the spaces of one organization; returns them. */
export async function deleteSpaceMembershipsIn(db: Db, organizationId: number, userId: number): Promise<MembershipRow[]> {
  return db
    .deleteFrom("memberships")
    .where("organization_id", "=", organizationId)
    .where("user_id", "=", userId)
    .where("scope", "=", "space")
    .returningAll()
    .execute();
}

/** Removes every membership of an organization or space (bot users' included); returns how many. */
export async function deleteMembershipsOf(db: Db, scope: MembershipScope, scopeId: number): Promise<number> {
  const rows = await db.deleteFrom("memberships").where("scope", "=", scope).where("scope_id", "=", scopeId).returning("id").execute();
  return rows.length;
}

/** Removes every membership of a user; returns them. */
export async function deleteMembershipsOfUser(db: Db, userId: number): Promise<MembershipRow[]> {
  return db.deleteFrom("memberships").where("user_id", "=", userId).returningAll().execute();
}

/** The ids of the live spaces a user holds a membership in (a service key's bot user: the key's spaces). */
export async function spaceIdsOfMember(db: Db, userId: number): Promise<number[]> {
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("spaces", "spaces.id", "memberships.scope_id")
    .select("spaces.id")
    .where("memberships.scope", "=", "space")
    .where("memberships.user_id", "=", userId)
    .where("spaces.deleted_at", "is", null)
    .orderBy("spaces.id")
    .execute();
  return rows.map((r) => r.id);
}

/** True when some membership of the user holds (or does not hold) the annotator role. */
export async function hasMembershipWithRole(db: Db, userId: number, annotator: boolean): Promise<boolean> {
  const row = await db
    .selectFrom("memberships")
    .select("id")
    .where("user_id", "=", userId)
    .where("role", annotator ? "=" : "<>", "annotator")
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** One page (limit + 1 rows) of the human members of an organization or space, newest first. */
export async function listMemberships(
  db: Db,
  q: { scope: MembershipScope; scopeId: number; after?: Position; limit: number },
): Promise<MembershipRow[]> {
  let query = db
    .selectFrom("memberships")
    .selectAll()
    .where("scope", "=", q.scope)
    .where("scope_id", "=", q.scopeId)
    .where("user_id", "in", (eb) => eb.selectFrom("users").select("users.id").where("users.kind", "=", "human"));
  if (q.after) query = query.where(after(q.after));
  return query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
}
