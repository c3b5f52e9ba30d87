import { sql, type Kysely } from "kysely";
import { emailKey } from "../queries/email-key.js";
import type { Migration } from "./types.js";

interface UserEmail {
  id: number | string;
  email: string;
  email_key: string | null;
}

/**
 * users.email_key was the lower-cased email; it becomes emailKey (NFKC, then
 * case folded), so a look-alike of an existing email is refused. SQLite cannot
 * compute NFKC, so this is a data migration in JavaScript: it reads every email
 * and rewrites the keys that change.
 *
 * Two existing users whose emails become the same key keep both rows (nothing
 * is deleted or merged by a migration): the user already holding the plain key,
 * else the oldest one (lowest id), takes the new key; the others keep their old
 * key, which no other row holds. docs/decisions.md
 */
export const emailKeyNfkc: Migration = {
  name: "0005-email-key-nfkc",
  async up(db: Kysely<unknown>) {
    const rows = (await sql<UserEmail>`select id, email, email_key from users where email is not null order by id`.execute(db)).rows;
    const groups = new Map<string, UserEmail[]>();
    for (const row of rows) {
      const key = emailKey(row.email);
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    for (const [key, members] of groups) {
      const winner = members.find((row) => row.email_key === key) ?? members[0];
      if (winner === undefined || winner.email_key === key) continue;
      await sql`update users set email_key = ${key} where id = ${winner.id}`.execute(db);
    }
  },
};
