import { sql, type Selectable } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/store/migrations/index.js";
import type { Database } from "../../src/store/schema.js";
import type { Store } from "../../src/store/store.js";
import { forEachStore, type StoreKind } from "../support/stores.js";
import { openFreshStore, type StoreFixture } from "./support.js";

type Nullability<Row> = { [C in keyof Row & string]: null extends Row[C] ? "null" : "not null" };

/**
 * Every table and column of schema.ts, with whether it may hold null. The type
 * makes the compiler check this list against schema.ts (a table or column
 * missing, extra or with the wrong nullability fails typecheck); the test checks
 * it against what the migrations create.
 */
const EXPECTED: { [T in keyof Database]: Nullability<Selectable<Database[T]>> } = {
  accounts: { id: "not null", name: "not null", created_at: "not null" },
  organizations: {
    id: "not null",
    account_id: "not null",
    name: "not null",
    name_key: "not null",
    description: "not null",
    created_at: "not null",
    deleted_at: "null",
  },
  spaces: {
    id: "not null",
    organization_id: "not null",
    name: "not null",
    name_key: "not null",
    description: "not null",
    created_at: "not null",
    deleted_at: "null",
  },
  users: {
    id: "not null",
    account_id: "not null",
    kind: "not null",
    name: "not null",
    email: "null",
    email_key: "null",
    role: "not null",
    is_developer: "not null",
    status: "not null",
    created_at: "not null",
    updated_at: "not null",
    invite_expires_at: "null",
  },
  memberships: {
    id: "not null",
    user_id: "not null",
    scope: "not null",
    scope_id: "not null",
    organization_id: "not null",
    role: "not null",
    created_at: "not null",
  },
  api_keys: {
    id: "not null",
    key_type: "not null",
    name: "not null",
    description: "null",
    key_hash: "not null",
    redacted_key: "not null",
    principal_user_id: "not null",
    created_by_user_id: "not null",
    space_id: "null",
    status: "not null",
    created_at: "not null",
    expires_at: "null",
    deleted_at: "null",
    last_used_at: "null",
    rotated_at: "null",
    rotated_from_id: "null",
  },
  audit_events: {
    id: "not null",
    occurred_at: "not null",
    action: "not null",
    actor_user_id: "null",
    actor_key_id: "null",
    client_address: "null",
    request_id: "null",
    details: "not null",
  },
  audit_event_targets: { event_id: "not null", target_id: "not null" },
  claim_links: {
    id: "not null",
    user_id: "not null",
    kind: "not null",
    token_hash: "not null",
    created_at: "not null",
    expires_at: "not null",
    used_at: "null",
    revoked_at: "null",
  },
  projects: {
    id: "not null",
    space_id: "not null",
    name: "not null",
    name_key: "not null",
    created_at: "not null",
    updated_at: "not null",
    deleted_at: "null",
  },
  roles: {
    id: "not null",
    account_id: "not null",
    name: "not null",
    name_key: "not null",
    description: "null",
    permissions: "not null",
    created_at: "not null",
    updated_at: "not null",
  },
  role_bindings: {
    id: "not null",
    user_id: "not null",
    role_id: "not null",
    resource_type: "not null",
    resource_id: "not null",
    space_id: "not null",
    organization_id: "not null",
    created_at: "not null",
    updated_at: "not null",
  },
  resource_restrictions: { project_id: "not null", created_at: "not null" },
};

/** The migrator's own tables. */
const MIGRATOR_TABLES = ["keyhouse_migrations", "keyhouse_migrations_lock"];

/** Every table of the store's database (its schema, on PostgreSQL), each column with its nullability. */
async function tables(kind: StoreKind, store: Store): Promise<Record<string, Record<string, string>>> {
  const { rows } =
    kind === "sqlite"
      ? await sql<{ table_name: string; column_name: string; nullable: number }>`
          select m.name as table_name, c.name as column_name,
                 (c."notnull" = 0 and not (c.pk = 1 and upper(c.type) = 'INTEGER')) as nullable
          from sqlite_master m join pragma_table_info(m.name) c
          where m.type = 'table' and m.name not like 'sqlite_%'`.execute(store.db)
      : await sql<{ table_name: string; column_name: string; nullable: boolean }>`
          select table_name, column_name, is_nullable = 'YES' as nullable
          from information_schema.columns where table_schema = current_schema()`.execute(store.db);
  const result: Record<string, Record<string, string>> = {};
  for (const row of rows) {
    (result[row.table_name] ??= {})[row.column_name] = row.nullable ? "null" : "not null";
  }
  return result;
}

forEachStore((kind) => {
  let fixture: StoreFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  describe("migrations", () => {
    it("bring an empty database to the latest version, creating every table and column of schema.ts", async () => {
      fixture = await openFreshStore(kind, { migrate: false });
      const { store } = fixture;
      const names = MIGRATIONS.map((m) => m.name);
      expect(await tables(kind, store)).toEqual({});
      expect(await store.schemaStatus()).toEqual({ applied: [], pending: names, unknown: [] });

      expect(await store.migrate()).toEqual(names);
      expect(await store.schemaStatus()).toEqual({ applied: names, pending: [], unknown: [] });
      const found = await tables(kind, store);
      expect(Object.keys(found).sort()).toEqual([...Object.keys(EXPECTED), ...MIGRATOR_TABLES].sort());
      for (const [table, columns] of Object.entries(EXPECTED)) expect(found[table], table).toEqual(columns);
    });

    it("migrating again changes nothing, from this store or another one", async () => {
      fixture = await openFreshStore(kind);
      const { store } = fixture;
      const names = MIGRATIONS.map((m) => m.name);
      await store.db.insertInto("accounts").values({ name: "kept", created_at: 1 }).execute();
      const before = await tables(kind, store);

      expect(await store.migrate()).toEqual([]);
      const another = await fixture.openAnother();
      expect(await another.migrate()).toEqual([]);
      expect(await another.schemaStatus()).toEqual({ applied: names, pending: [], unknown: [] });
      expect(await tables(kind, store)).toEqual(before);
      expect(await store.db.selectFrom("accounts").select("name").execute()).toEqual([{ name: "kept" }]);
    });

    it("a database ahead of this code is reported as such and not migrated", async () => {
      fixture = await openFreshStore(kind);
      const { store } = fixture;
      await sql`insert into keyhouse_migrations (name, timestamp) values ('9999-from-the-future', '2099-01-01T00:00:00.000Z')`.execute(
        store.db,
      );
      const status = await store.schemaStatus();
      expect(status.unknown).toEqual(["9999-from-the-future"]);
      expect(status.pending).toEqual([]);
      await expect(store.migrate()).rejects.toThrow(/9999-from-the-future/);
    });
  });
});
