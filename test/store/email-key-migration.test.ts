import { sql, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createMigrator } from "../../src/store/migrator.js";
import { findUserByEmail } from "../../src/store/queries/users.js";
import { forEachStore } from "../support/stores.js";
import { openFreshStore, type StoreFixture } from "./support.js";

forEachStore((kind) => {
  let fixture: StoreFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  describe("0005-email-key-nfkc", () => {
    it("recomputes email_key as NFKC + case fold; look-alikes that collide keep both rows, the plain key staying with its holder", async () => {
      fixture = await openFreshStore(kind, { migrate: false });
      const { store } = fixture;
      const db = store.db as unknown as Kysely<unknown>;
      const before = await (await createMigrator(db, kind)).migrateTo("0004-identity-admin");
      expect(before.error).toBeUndefined();
      await sql`insert into accounts (name, created_at) values ('a', 1)`.execute(db);
      // Keys as the code before this migration wrote them: email.toLowerCase().
      const users: [number, string | null][] = [
        [1, "\uff2aane@Example.test"], // fullwidth J, alone: its key becomes the plain one
        [2, "\uff4dember@example.test"], // fullwidth m, created before the plain one
        [3, "member@example.test"], // holds the plain key already: keeps it
        [4, "MEMBER@\uff45xample.test"], // a third look-alike: keeps its old key
        [5, "plain@example.test"],
        [6, null], // a bot user: no email
      ];
      for (const [id, email] of users) {
        await sql`insert into users (id, account_id, kind, name, email, email_key, role, is_developer, status, created_at, updated_at)
          values (${id}, 1, ${email === null ? "bot" : "human"}, ${`u${id}`}, ${email}, ${email?.toLowerCase() ?? null}, 'member', 1, 'active', ${id}, ${id})`.execute(
          db,
        );
      }

      await store.migrate();

      const keys = await sql<{ id: number | string; email_key: string | null }>`select id, email_key from users order by id`.execute(db);
      expect(keys.rows.map((r) => [Number(r.id), r.email_key])).toEqual([
        [1, "jane@example.test"],
        [2, "\uff4dember@example.test"],
        [3, "member@example.test"],
        [4, "member@\uff45xample.test"],
        [5, "plain@example.test"],
        [6, null],
      ]);
      expect(Number((await findUserByEmail(store.db, "JANE@example.test"))?.id)).toBe(1);
      expect(Number((await findUserByEmail(store.db, "\uff2dember@example.test"))?.id)).toBe(3);
    });
  });
});
