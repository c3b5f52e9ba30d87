import { sql, type Kysely } from "kysely";
import { sqlIn, types, withId, type DialectName, type Migration } from "./types.js";

/**
 * The first custom role id. Role ids below it are reserved for the predefined
 * roles (src/auth/catalog.ts), which are data in the code, not rows: their wire
 * ids (`Role:1` … `Role:4`) never change and no custom role can take one.
 */
export const FIRST_CUSTOM_ROLE_ID = 101;

/**
 * Access control (SPEC §12, docs/access-control.md): projects in spaces, custom
 * roles, role bindings of a user and a role on a space or project, and
 * resource restrictions of projects. Projects are soft-deleted like spaces
 * (their name is freed, the row stays for the audit trail); roles, bindings and
 * restrictions are deleted for good, the audit trail keeps their history.
 */
export const accessControl: Migration = {
  name: "0007-access-control",
  async up(db: Kysely<unknown>, dialect: DialectName) {
    const { bigint } = types(dialect);
    await withId(db.schema.createTable("projects"), dialect)
      .addColumn("space_id", bigint, (col) => col.notNull().references("spaces.id"))
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("name_key", "text", (col) => col.notNull())
      .addColumn("created_at", bigint, (col) => col.notNull())
      .addColumn("updated_at", bigint, (col) => col.notNull())
      .addColumn("deleted_at", bigint)
      .addUniqueConstraint("projects_name_unique", ["space_id", "name_key"])
      .execute();
    await db.schema.createIndex("projects_by_time").on("projects").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("projects_by_space").on("projects").columns(["space_id", "created_at", "id"]).execute();

    await withId(db.schema.createTable("roles"), dialect)
      .addColumn("account_id", bigint, (col) => col.notNull().references("accounts.id"))
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("name_key", "text", (col) => col.notNull())
      .addColumn("description", "text")
      .addColumn("permissions", "text", (col) => col.notNull())
      .addColumn("created_at", bigint, (col) => col.notNull())
      .addColumn("updated_at", bigint, (col) => col.notNull())
      .addUniqueConstraint("roles_name_unique", ["account_id", "name_key"])
      .execute();
    await db.schema.createIndex("roles_by_time").on("roles").columns(["created_at", "id"]).execute();
    // Custom role ids start above the reserved predefined ones.
    if (dialect === "postgres") {
      await sql`alter table roles alter column id restart with ${sql.lit(FIRST_CUSTOM_ROLE_ID)}`.execute(db);
    } else {
      await sql`insert into sqlite_sequence (name, seq) values ('roles', ${FIRST_CUSTOM_ROLE_ID - 1})`.execute(db);
    }

    // role_id has no foreign key: a predefined role is not a row. The code
    // checks it (and locks a custom role's row) in the binding's transaction.
    await withId(db.schema.createTable("role_bindings"), dialect)
      .addColumn("user_id", bigint, (col) => col.notNull().references("users.id"))
      .addColumn("role_id", bigint, (col) => col.notNull())
      .addColumn("resource_type", "text", (col) => col.notNull().check(sqlIn("resource_type", ["SPACE", "PROJECT"])))
      .addColumn("resource_id", bigint, (col) => col.notNull())
      // The space that is or holds the resource, and its organization: what a
      // space deletion and the permission engine look bindings up by.
      .addColumn("space_id", bigint, (col) => col.notNull().references("spaces.id"))
      .addColumn("organization_id", bigint, (col) => col.notNull().references("organizations.id"))
      .addColumn("created_at", bigint, (col) => col.notNull())
      .addColumn("updated_at", bigint, (col) => col.notNull())
      .addUniqueConstraint("role_bindings_unique", ["user_id", "resource_type", "resource_id"])
      .execute();
    await db.schema.createIndex("role_bindings_by_time").on("role_bindings").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("role_bindings_by_role").on("role_bindings").columns(["role_id"]).execute();
    await db.schema.createIndex("role_bindings_by_space").on("role_bindings").columns(["space_id", "created_at", "id"]).execute();
    await db.schema
      .createIndex("role_bindings_by_resource")
      .on("role_bindings")
      .columns(["resource_type", "resource_id", "created_at", "id"])
      .execute();

    await db.schema
      .createTable("resource_restrictions")
      .addColumn("project_id", bigint, (col) => col.primaryKey().references("projects.id"))
      .addColumn("created_at", bigint, (col) => col.notNull())
      .execute();
  },
};
