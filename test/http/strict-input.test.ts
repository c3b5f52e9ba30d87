import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, expectProblem } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

const q = encodeURIComponent;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The cursor with its last character (2 bits of a 16-byte signature) swapped for one that decodes to the same bytes. */
function sameBytesLast(cursor: string): string {
  const last = ALPHABET.indexOf(cursor.at(-1) ?? "");
  return cursor.slice(0, -1) + (ALPHABET[last ^ 1] ?? "");
}

/**
 * Input that must be read one way only (issue 13): list cursors decode strictly
 * (SPEC §6: a corrupted cursor is 400), and a JSON body with a member name twice
 * is 400 (a proxy that reads the first value must not disagree with keyhouse).
 */
forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  describe("corrupted cursors", () => {
    let cursor: string;
    beforeAll(async () => {
      for (let i = 0; i < 3; i++) await createKey(t, { name: `page ${i}` });
      const first = await t.call("/v2/api-keys?limit=1");
      expect(first.status, first.text).toBe(200);
      cursor = first.body.pagination.next_cursor;
      expect(typeof cursor).toBe("string");
    });

    it("accepts the cursor as issued", async () => {
      expect((await t.call(`/v2/api-keys?limit=1&cursor=${q(cursor)}`)).status).toBe(200);
    });

    it.each([
      ["an appended '='", (c: string) => `${c}=`],
      ["an appended '!'", (c: string) => `${c}!`],
      ["an appended newline", (c: string) => `${c}\n`],
      ["a character inserted in the signature", (c: string) => `${c.slice(0, -3)}!${c.slice(-3)}`],
      ["a last character that differs only in its unused bits", sameBytesLast],
    ])("refuses a cursor with %s: 400 INVALID_CURSOR", async (_, corrupt) => {
      const res = await t.call(`/v2/api-keys?limit=1&cursor=${q(corrupt(cursor))}`);
      expectProblem(res, 400, "INVALID_CURSOR");
      expect(res.body.detail).toMatch(/cursor/);
    });
  });

  describe("JSON bodies with a member twice", () => {
    /** Everything a create could have written. */
    async function counts(): Promise<string> {
      const result = await sql<{ keys: unknown; audit: unknown }>`select (select count(*) from api_keys) as keys,
        (select count(*) from audit_events) as audit`.execute(t.server.store.db);
      return JSON.stringify(result.rows[0]);
    }
    const post = (body: string, path = "/v2/api-keys") =>
      t.call(path, { method: "POST", body, headers: { "content-type": "application/json" } });

    it.each([
      ["at the top level", () => `{"name":"dup top","key_type":"user","key_type":"service"}`, '"key_type" twice'],
      ["with the same value", () => `{"name":"dup same","name":"dup same"}`, '"name" twice'],
      ["spelled with an escape", () => `{"name":"dup escaped","n\\u0061me":"other"}`, '"name" twice'],
      [
        "nested (roles.space_role)",
        () =>
          `{"name":"dup nested","key_type":"service","space_id":${JSON.stringify(t.spaceId)},` +
          `"roles":{"space_role":"member","space_role":"admin"}}`,
        '"roles.space_role" twice',
      ],
      ["in an array of objects", () => `{"name":"dup deep","x":[{"a":1},{"b":{"a":1,"a":2}}]}`, '"x[1].b.a" twice'],
    ])("refuses a duplicate %s with 400 naming it, and creates nothing", async (_, body, named) => {
      const before = await counts();
      const res = await post(body());
      expectProblem(res, 400, "MALFORMED_BODY");
      expect(res.body.detail).toBe(`body has the member ${named}; send each member once`);
      expect(await counts()).toBe(before);
    });

    it("refuses a duplicate in PATCH and refresh bodies too, changing nothing", async () => {
      const { id } = await createKey(t, { name: "dup target" });
      const before = await counts();
      const refresh = await post(`{"grace_period_seconds":0,"grace_period_seconds":60}`, `/v2/api-keys/${q(id)}/refresh`);
      expectProblem(refresh, 400, "MALFORMED_BODY");
      expect((await t.call(`/v2/api-keys/${q(id)}`)).body.status).toBe("active");
      const patch = await t.call(`/v2/organizations/${q(t.organizationId)}`, {
        method: "PATCH",
        body: `{"description":"one","description":"two"}`,
        headers: { "content-type": "application/json" },
      });
      expectProblem(patch, 400, "MALFORMED_BODY");
      expect(await counts()).toBe(before);
    });

    it("masks a key-shaped member name and escapes invisible characters in the answer", async () => {
      const keyName = `ak-${"A1b2".repeat(12)}`;
      const res = await post(`{"name":"x","${keyName}":1,"${keyName}":2}`);
      expectProblem(res, 400, "MALFORMED_BODY");
      expect(res.text).not.toContain(keyName);
      expect(res.body.detail).toContain("ak-[redacted]");
      const bidi = await post(`{"name":"x","a\u202eb":1,"a\u202eb":2}`);
      expectProblem(bidi, 400, "MALFORMED_BODY");
      expect(bidi.body.detail).toBe('body has the member "a\\u202eb" twice; send each member once');
    });

    it("accepts the same name in different objects, a big valid body, and a leading byte order mark", async () => {
      const nested = await post(
        `{"name":"same names","key_type":"service","space_id":${JSON.stringify(t.spaceId)},"roles":{"space_role":"member"}}`,
      );
      expect(nested.status, nested.text).toBe(201);
      // Near the 64 KiB limit: the longest description and a lot of insignificant whitespace.
      const big = `{"name":"big","description":${JSON.stringify("d".repeat(1000))}${" ".repeat(60_000)}}`;
      const res = await post(big);
      expect(res.status, res.text).toBe(201);
      expect(res.body.description).toHaveLength(1000);
      expect((await post(`\ufeff{"name":"bom"}`)).status).toBe(201);
    });

    it("still refuses prototype poisoning with 400, at any depth and however it is spelled", async () => {
      const before = await counts();
      for (const body of [
        `{"name":"p","__proto__":{"admin":true}}`,
        `{"name":"p","x":{"__proto__":{"admin":true}}}`,
        `{"name":"p","\\u005f_proto__":{"admin":true}}`,
        `{"name":"p","constructor":{"prototype":{"admin":true}}}`,
      ]) {
        const res = await post(body);
        expectProblem(res, 400, "MALFORMED_BODY");
        expect(res.body.detail).toMatch(/not allowed|not valid JSON/);
      }
      expect(await counts()).toBe(before);
    });

    it("keeps empty, invalid and absent bodies as they were", async () => {
      const empty = await post("");
      expectProblem(empty, 400, "MALFORMED_BODY");
      expect(empty.body.detail).toBe("the body is empty; send a JSON object");
      const invalid = await post(`{"name":`);
      expectProblem(invalid, 400, "MALFORMED_BODY");
      expect(invalid.body.detail).toBe("the body is not valid JSON");
      const { id } = await createKey(t, { name: "optional body" });
      expect((await t.call(`/v2/api-keys/${q(id)}/refresh`, { method: "POST" })).status).toBe(200);
      const { id: other } = await createKey(t, { name: "empty object body" });
      expect((await post("{}", `/v2/api-keys/${q(other)}/refresh`)).status).toBe(200);
    });
  });
});
