import type { Kysely } from "kysely";
import { types, type DialectName, type Migration } from "./types.js";

/**
 * The identity admin API (docs/identity.md): organizations and spaces are
 * soft-deleted, so the API keys, memberships and audit events that name them
 * keep a row to point at; and every list has an index ending in its keyset
 * order (created_at, id), so a deep page costs what the first one does.
 */
export const identityAdmin: Migration = {
  name: "0004-identity-admin",
  async up(db: Kysely<unknown>, dialect: DialectName) {
    const { bigint } = types(dialect);
    await db.schema.alterTable("organizations").addColumn("deleted_at", bigint).execute();
    await db.schema.alterTable("spaces").addColumn("deleted_at", bigint).execute();
    await db.schema.createIndex("organizations_by_time").on("organizations").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("spaces_by_time").on("spaces").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("spaces_by_organization").on("spaces").columns(["organization_id", "created_at", "id"]).execute();
    await db.schema.createIndex("users_by_kind").on("users").columns(["kind", "created_at", "id"]).execute();
    await db.schema.createIndex("users_by_status").on("users").columns(["kind", "status", "created_at", "id"]).execute();
    await db.schema.createIndex("memberships_by_organization").on("memberships").columns(["organization_id", "user_id", "scope"]).execute();
    await db.schema.createIndex("memberships_by_scope").on("memberships").columns(["scope", "scope_id", "created_at", "id"]).execute();
  },
};
