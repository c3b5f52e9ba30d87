import type { Kysely } from "kysely";
import { sqlIn, types, withId, type DialectName, type Migration } from "./types.js";

export const identity: Migration = {
  name: "0001-identity",
  async up(db: Kysely<unknown>, dialect: DialectName) {
    const { bigint } = types(dialect);
    await withId(db.schema.createTable("accounts"), dialect)
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("created_at", bigint, (col) => col.notNull())
      .execute();

    await withId(db.schema.createTable("organizations"), dialect)
      .addColumn("account_id", bigint, (col) => col.notNull().references("accounts.id"))
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("name_key", "text", (col) => col.notNull())
      .addColumn("description", "text", (col) => col.notNull())
      .addColumn("created_at", bigint, (col) => col.notNull())
      .addUniqueConstraint("organizations_name_unique", ["account_id", "name_key"])
      .execute();

    await withId(db.schema.createTable("spaces"), dialect)
      .addColumn("organization_id", bigint, (col) => col.notNull().references("organizations.id"))
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("name_key", "text", (col) => col.notNull())
      .addColumn("description", "text", (col) => col.notNull())
      .addColumn("created_at", bigint, (col) => col.notNull())
      .addUniqueConstraint("spaces_name_unique", ["organization_id", "name_key"])
      .execute();

    await withId(db.schema.createTable("users"), dialect)
      .addColumn("account_id", bigint, (col) => col.notNull().references("accounts.id"))
      .addColumn("kind", "text", (col) => col.notNull().check(sqlIn("kind", ["human", "bot"])))
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("email", "text")
      .addColumn("email_key", "text", (col) => col.unique())
      .addColumn("role", "text", (col) => col.notNull().check(sqlIn("role", ["admin", "member", "annotator"])))
      .addColumn("is_developer", "integer", (col) => col.notNull())
      .addColumn("status", "text", (col) => col.notNull().check(sqlIn("status", ["active", "invited", "expired", "inactive"])))
      .addColumn("created_at", bigint, (col) => col.notNull())
      .addColumn("updated_at", bigint, (col) => col.notNull())
      .execute();

    await withId(db.schema.createTable("memberships"), dialect)
      .addColumn("user_id", bigint, (col) => col.notNull().references("users.id"))
      .addColumn("scope", "text", (col) => col.notNull().check(sqlIn("scope", ["organization", "space"])))
      .addColumn("scope_id", bigint, (col) => col.notNull())
      .addColumn("organization_id", bigint, (col) => col.notNull().references("organizations.id"))
      .addColumn("role", "text", (col) => col.notNull().check(sqlIn("role", ["admin", "member", "read-only", "annotator"])))
      .addColumn("created_at", bigint, (col) => col.notNull())
      .addUniqueConstraint("memberships_unique", ["scope", "scope_id", "user_id"])
      .execute();
    await db.schema.createIndex("memberships_by_user").on("memberships").columns(["user_id", "scope"]).execute();
  },
};
