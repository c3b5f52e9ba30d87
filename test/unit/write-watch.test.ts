import { Kysely, SqliteDialect, sql } from "kysely";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { Database } from "../../src/store/schema.js";
import { affectsAuthentication } from "../../src/store/write-watch.js";

// Compiling needs no connection: the dialect only turns builders into operation nodes.
const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(":memory:") }) });

describe("affectsAuthentication", () => {
  it("flags writes that can change an authentication result", () => {
    expect(affectsAuthentication(db.updateTable("api_keys").set({ status: "deleted" }).where("id", "=", 1).toOperationNode())).toBe(true);
    expect(affectsAuthentication(db.updateTable("api_keys").set({ expires_at: 5, rotated_at: 1 }).toOperationNode())).toBe(true);
    expect(affectsAuthentication(db.updateTable("users").set({ status: "inactive" }).toOperationNode())).toBe(true);
    expect(affectsAuthentication(db.deleteFrom("memberships").where("user_id", "=", 1).toOperationNode())).toBe(true);
    expect(
      affectsAuthentication(
        db
          .insertInto("memberships")
          .values({ user_id: 1, scope: "space", scope_id: 1, organization_id: 1, role: "admin", created_at: 1 })
          .toOperationNode(),
      ),
    ).toBe(true);
    expect(affectsAuthentication(sql`UPDATE users SET role = 'admin'`.toOperationNode())).toBe(true);
  });

  it("ignores writes that cannot: new keys, new users, last-use bookkeeping, reads, audit", () => {
    expect(affectsAuthentication(db.updateTable("api_keys").set({ last_used_at: 5 }).toOperationNode())).toBe(false);
    expect(affectsAuthentication(db.selectFrom("api_keys").selectAll().toOperationNode())).toBe(false);
    expect(
      affectsAuthentication(
        db
          .insertInto("audit_events")
          .values({
            occurred_at: 1,
            action: "x",
            actor_user_id: null,
            actor_key_id: null,
            client_address: null,
            request_id: null,
            details: "{}",
          })
          .toOperationNode(),
      ),
    ).toBe(false);
    expect(affectsAuthentication(db.updateTable("spaces").set({ name: "x" }).toOperationNode())).toBe(false);
    expect(affectsAuthentication(sql`select * from users`.toOperationNode())).toBe(false);
  });

  it("flags every change of roles, role bindings, restrictions and projects, and new bindings and restrictions (docs/access-control.md)", () => {
    const binding = {
      user_id: 1,
      role_id: 2,
      resource_type: "SPACE" as const,
      resource_id: 1,
      space_id: 1,
      organization_id: 1,
      created_at: 1,
      updated_at: 1,
    };
    expect(affectsAuthentication(db.insertInto("role_bindings").values(binding).toOperationNode())).toBe(true);
    expect(affectsAuthentication(db.updateTable("role_bindings").set({ role_id: 3 }).toOperationNode())).toBe(true);
    expect(affectsAuthentication(db.deleteFrom("role_bindings").where("id", "=", 1).toOperationNode())).toBe(true);
    expect(affectsAuthentication(db.insertInto("resource_restrictions").values({ project_id: 1, created_at: 1 }).toOperationNode())).toBe(
      true,
    );
    expect(affectsAuthentication(db.deleteFrom("resource_restrictions").toOperationNode())).toBe(true);
    expect(affectsAuthentication(db.updateTable("roles").set({ permissions: "[]" }).toOperationNode())).toBe(true);
    expect(affectsAuthentication(db.deleteFrom("roles").toOperationNode())).toBe(true);
    expect(affectsAuthentication(db.updateTable("projects").set({ deleted_at: 1 }).toOperationNode())).toBe(true);
    // A new role or project is bound to nobody yet.
    const role = { account_id: 1, name: "r", name_key: "r", description: null, permissions: "[]", created_at: 1, updated_at: 1 };
    expect(affectsAuthentication(db.insertInto("roles").values(role).toOperationNode())).toBe(false);
    const project = { space_id: 1, name: "p", name_key: "p", created_at: 1, updated_at: 1 };
    expect(affectsAuthentication(db.insertInto("projects").values(project).toOperationNode())).toBe(false);
  });
});
