import type { Position } from "../page.js";
import type { AccountRole } from "../schema.js";

/** The statuses the wire shows (SPEC §1): deleted users are not on it. */
export type WireUserStatus = "active" | "invited" | "expired";
import type { Db, Tx } from "../store.js";
import type { UserRow } from "./identity.js";
import { emailKey } from "./email-key.js";
import { after, containsLowerCased } from "./keyset.js";

/** A human user (bot users are never users on the wire), whatever its status. */
export async function findHumanUser(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).where("kind", "=", "human").executeTakeFirst();
}

/** The user holding this email, compared by emailKey (NFKC and case-insensitively); deleted users keep their email. */
export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("email_key", "=", emailKey(email)).executeTakeFirst();
}

/**
 * Locks a human user's row for the rest of the transaction (a no-op update) and
 * returns it as it is now, so checks against its role and status hold at commit.
 */
export async function lockHumanUser(db: Db, id: number): Promise<UserRow | undefined> {
  return db
    .updateTable("users")
    .set((eb) => ({ updated_at: eb.ref("updated_at") }))
    .where("id", "=", id)
    .where("kind", "=", "human")
    .returningAll()
    .executeTakeFirst();
}

/**
 * Reads a user's status inside a transaction so that it holds at commit without
 * writing the row (a write would empty every authentication cache): the read is
 * locked for share (TxLocks), so a concurrent deletion waits for this
 * transaction, or this read sees it.
 */
export async function readUserStatusLocked(tx: Tx, id: number): Promise<UserRow["status"] | undefined> {
  const row = await tx.lockForShare(tx.selectFrom("users").select("status").where("id", "=", id)).executeTakeFirst();
  return row?.status;
}

export interface UserPatch {
  name?: string;
  role?: AccountRole;
  is_developer?: number;
}

/** Updates a human user that is not deleted; undefined when there is none. */
export async function updateUser(db: Db, id: number, patch: UserPatch, now: number): Promise<UserRow | undefined> {
  return db
    .updateTable("users")
    .set({ ...patch, updated_at: now })
    .where("id", "=", id)
    .where("kind", "=", "human")
    .where("status", "<>", "inactive")
    .returningAll()
    .executeTakeFirst();
}

/** Records when an invited user's current invitation runs out (a new link replaces the old one's date). */
export async function setInviteExpiry(db: Db, id: number, expiresAt: number, now: number): Promise<void> {
  await db.updateTable("users").set({ invite_expires_at: expiresAt, updated_at: now }).where("id", "=", id).execute();
}

/** Makes an invited user active (their invitation was claimed); false when the user is not invited. */
export async function activateInvitedUser(db: Db, id: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable("users")
    .set({ status: "active", invite_expires_at: null, updated_at: now })
    .where("id", "=", id)
    .where("kind", "=", "human")
    .where("status", "=", "invited")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks a human user inactive (deleted); false when it already was, so one concurrent delete wins. */
export async function deactivateUser(db: Db, id: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable("users")
    .set({ status: "inactive", updated_at: now })
    .where("id", "=", id)
    .where("kind", "=", "human")
    .where("status", "<>", "inactive")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface UserListQuery {
  /** Substring of the email, compared by emailKey (NFKC, case-insensitive). */
  email?: string;
  /**
   * One wire status; undefined means every user but deleted ones. `invited`
   * and `expired` both read the stored `invited`, split by invite_expires_at.
   */
  status?: WireUserStatus;
  /** The instant that splits invited from expired. */
  now: number;
  /** Restrict to this user and the members of these organizations; undefined means every user. */
  visibleTo?: { userId: number; organizationIds: number[] };
  after?: Position;
  limit: number;
}

/** One page (limit + 1 rows) of human users, newest first. */
export async function listUsers(db: Db, q: UserListQuery): Promise<UserRow[]> {
  let query = db.selectFrom("users").selectAll().where("kind", "=", "human");
  if (q.status === undefined) query = query.where("status", "<>", "inactive");
  else if (q.status === "active") query = query.where("status", "=", "active");
  else {
    const now = q.now;
    query = query.where("status", "=", "invited");
    query =
      q.status === "invited"
        ? query.where("invite_expires_at", ">", now)
        : query.where((eb) => eb.or([eb("invite_expires_at", "is", null), eb("invite_expires_at", "<=", now)]));
  }
  const visibleTo = q.visibleTo;
  if (visibleTo !== undefined) {
    query = query.where((eb) =>
      visibleTo.organizationIds.length === 0
        ? eb("id", "=", visibleTo.userId)
        : eb.or([
            eb("id", "=", visibleTo.userId),
            eb(
              "id",
              "in",
              eb
                .selectFrom("memberships")
                .select("memberships.user_id")
                .where("memberships.scope", "=", "organization")
                .where("memberships.scope_id", "in", visibleTo.organizationIds),
            ),
          ]),
    );
  }
  if (q.email !== undefined) query = query.where(containsLowerCased("email_key", emailKey(q.email)));
  if (q.after) query = query.where(after(q.after));
  return query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
}

/** True when the user is a member of one of these organizations. */
export async function sharesOrganization(db: Db, userId: number, organizationIds: number[]): Promise<boolean> {
  if (organizationIds.length === 0) return false;
  const row = await db
    .selectFrom("memberships")
    .select("id")
    .where("user_id", "=", userId)
    .where("scope", "=", "organization")
    .where("scope_id", "in", organizationIds)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
