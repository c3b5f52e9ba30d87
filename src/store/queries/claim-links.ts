import type { Selectable } from "kysely";
import type { ClaimKind, ClaimLinksTable } from "../schema.js";
import type { Db } from "../store.js";

export type ClaimLinkRow = Selectable<ClaimLinksTable>;

/**
 * Kills every live link of the user (of one kind, or of every kind) and
 * inserts a new one, in the caller's transaction: a user holds at most one live
 * link of each kind, so a resend kills the link it replaces.
 */
export async function replaceClaimLink(
  db: Db,
  link: { userId: number; kind: ClaimKind; tokenHash: Buffer; expiresAt: number },
  now: number,
): Promise<void> {
  await revokeClaimLinks(db, link.userId, now, link.kind);
  await db
    .insertInto("claim_links")
    .values({ user_id: link.userId, kind: link.kind, token_hash: link.tokenHash, created_at: now, expires_at: link.expiresAt })
    .execute();
}

/** Revokes the user's live links (of one kind when given); a revoked link never redeems. */
export async function revokeClaimLinks(db: Db, userId: number, now: number, kind?: ClaimKind): Promise<void> {
  let query = db
    .updateTable("claim_links")
    .set({ revoked_at: now })
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null);
  if (kind !== undefined) query = query.where("kind", "=", kind);
  await query.execute();
}

/** The live (unused, unrevoked, unexpired) link with this token hash, if any. */
export async function findLiveClaimLink(db: Db, tokenHash: Buffer, now: number): Promise<ClaimLinkRow | undefined> {
  return db
    .selectFrom("claim_links")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
}

/**
 * Marks a live link used, in one guarded write: of two concurrent redemptions
 * of one link, exactly one gets the row back.
 */
export async function consumeClaimLink(db: Db, tokenHash: Buffer, now: number): Promise<ClaimLinkRow | undefined> {
  return db
    .updateTable("claim_links")
    .set({ used_at: now })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .returningAll()
    .executeTakeFirst();
}
