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
});
