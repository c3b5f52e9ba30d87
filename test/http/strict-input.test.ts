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
 * (SPEC §6: a corrupted cursor is 400).
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
});
