import type { Kysely } from "kysely";
import { sqlIn, types, withId, type DialectName, type Migration } from "./types.js";

/**
 * Invitations and recovery (SPEC §14, docs/invitations.md): one row per claim
 * link ever issued, holding only the keyed hash of its token; and, on users,
 * when the current invitation runs out (an invited user past it, or without
 * one, reads `expired` on the wire).
 */
export const claimLinks: Migration = {
  name: "0006-claim-links",
  async up(db: Kysely<unknown>, dialect: DialectName) {
    const { bigint, bytes } = types(dialect);
    await db.schema.alterTable("users").addColumn("invite_expires_at", bigint).execute();
    await withId(db.schema.createTable("claim_links"), dialect)
      .addColumn("user_id", bigint, (col) => col.notNull().references("users.id"))
      .addColumn("kind", "text", (col) => col.notNull().check(sqlIn("kind", ["invitation", "recovery"])))
      .addColumn("token_hash", bytes, (col) => col.notNull().unique())
      .addColumn("created_at", bigint, (col) => col.notNull())
      .addColumn("expires_at", bigint, (col) => col.notNull())
      .addColumn("used_at", bigint)
      .addColumn("revoked_at", bigint)
      .execute();
    await db.schema.createIndex("claim_links_by_user").on("claim_links").columns(["user_id", "kind"]).execute();
  },
};
