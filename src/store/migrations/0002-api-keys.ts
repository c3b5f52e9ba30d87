import type { Kysely } from "kysely";
import { sqlIn, types, withId, type DialectName, type Migration } from "./types.js";

export const apiKeys: Migration = {
  name: "0002-api-keys",
  async up(db: Kysely<unknown>, dialect: DialectName) {
    const { bigint, bytes } = types(dialect);
    await withId(db.schema.createTable("api_keys"), dialect)
      .addColumn("key_type", "text", (col) => col.notNull().check(sqlIn("key_type", ["user", "service"])))
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("description", "text")
      .addColumn("key_hash", bytes, (col) => col.notNull().unique())
      .addColumn("redacted_key", "text", (col) => col.notNull())
      .addColumn("principal_user_id", bigint, (col) => col.notNull().references("users.id"))
      .addColumn("created_by_user_id", bigint, (col) => col.notNull().references("users.id"))
      .addColumn("space_id", bigint, (col) => col.references("spaces.id"))
      .addColumn("status", "text", (col) => col.notNull().check(sqlIn("status", ["active", "deleted"])))
      .addColumn("created_at", bigint, (col) => col.notNull())
      .addColumn("expires_at", bigint)
      .addColumn("deleted_at", bigint)
      .addColumn("last_used_at", bigint)
      .addColumn("rotated_at", bigint)
      .addColumn("rotated_from_id", bigint)
      .execute();
    // One index per list shape, each ending in the keyset order (created_at, id),
    // so that a page at any depth is one index range scan.
    await db.schema
      .createIndex("api_keys_by_creator")
      .on("api_keys")
      .columns(["created_by_user_id", "key_type", "status", "created_at", "id"])
      .execute();
    await db.schema.createIndex("api_keys_by_space").on("api_keys").columns(["space_id", "status", "created_at", "id"]).execute();
    await db.schema.createIndex("api_keys_by_type").on("api_keys").columns(["key_type", "status", "created_at", "id"]).execute();
    await db.schema.createIndex("api_keys_by_principal").on("api_keys").columns(["principal_user_id", "status"]).execute();
  },
};
