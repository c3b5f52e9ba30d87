import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CursorCodec } from "../../src/http/cursor.js";

const codec = new CursorCodec(Buffer.from("s".repeat(32)));
const filters = { list: "api-keys", status: "active", key_type: "user" };

describe("cursor signing", () => {
  it("round-trips a position under the same filters", () => {
    const cursor = codec.encode({ createdAt: 1_700_000_000_123, id: 99 }, filters);
    expect(codec.decode(cursor, { ...filters })).toEqual({ createdAt: 1_700_000_000_123, id: 99 });
  });

  it("refuses the cursor under other filters", () => {
    const cursor = codec.encode({ createdAt: 1, id: 2 }, filters);
    expect(codec.decode(cursor, { ...filters, status: "deleted" })).toBeUndefined();
    expect(codec.decode(cursor, { ...filters, space_id: "x" })).toBeUndefined();
  });

  it("refuses a forged position or a corrupted signature", () => {
    const cursor = codec.encode({ createdAt: 1, id: 2 }, filters);
    const [, signature] = cursor.split(".");
    const forged = `${Buffer.from("1.3").toString("base64url")}.${signature}`;
    expect(codec.decode(forged, filters)).toBeUndefined();
    const corrupted = cursor.slice(0, -2) + (cursor.endsWith("AA") ? "BB" : "AA");
    expect(codec.decode(corrupted, filters)).toBeUndefined();
    expect(codec.decode("garbage", filters)).toBeUndefined();
    expect(codec.decode("", filters)).toBeUndefined();
  });

  it("refuses a cursor signed with another secret", () => {
    const other = new CursorCodec(Buffer.from("t".repeat(32)));
    expect(codec.decode(other.encode({ createdAt: 1, id: 2 }, filters), filters)).toBeUndefined();
  });

  it.each([
    ["an appended '='", (c: string) => `${c}=`],
    ["an appended '!'", (c: string) => `${c}!`],
    ["an appended newline", (c: string) => `${c}\n`],
    ["a character inserted in the signature", (c: string) => `${c.slice(0, -3)}!${c.slice(-3)}`],
    ["padding on the payload", (c: string) => c.replace(".", "=.")],
    ["a second dot", (c: string) => `${c}.`],
    ["a space inside the signature", (c: string) => `${c.slice(0, -5)} ${c.slice(-5)}`],
  ])("refuses a cursor with %s", (_, corrupt) => {
    const cursor = codec.encode({ createdAt: 1_700_000_000_123, id: 42 }, filters);
    expect(codec.decode(cursor, filters)).toBeDefined();
    expect(codec.decode(corrupt(cursor), filters)).toBeUndefined();
  });

  it("refuses a signature whose last character differs only in its unused bits", () => {
    const cursor = codec.encode({ createdAt: 5, id: 7 }, filters);
    const last = cursor.at(-1) ?? "";
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // 16 bytes are 22 characters; the last carries 2 bits, so 15 other characters decode the same.
    const sameBytes = [...alphabet].filter((ch) => ch !== last && alphabet.indexOf(ch) >> 4 === alphabet.indexOf(last) >> 4);
    expect(sameBytes).toHaveLength(15);
    for (const ch of sameBytes) expect(codec.decode(cursor.slice(0, -1) + ch, filters)).toBeUndefined();
  });

  it("refuses every single-character change, insertion or append of a valid cursor (property)", () => {
    const position = fc.record({ createdAt: fc.nat({ max: 2 ** 48 }), id: fc.integer({ min: 1, max: 2 ** 40 }) });
    // Any UTF-16 unit, with the cursor alphabet, its neighbours and the usual suspects made likely.
    const char = fc.oneof(
      fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=!+/ \n\r\t%\u0000\u200b"),
      fc.string({ minLength: 1, maxLength: 1, unit: "binary" }),
    );
    const edit = fc.record({ kind: fc.constantFrom("change", "insert", "append"), at: fc.nat(), ch: char });
    fc.assert(
      fc.property(position, edit, (pos, { kind, at, ch }) => {
        const cursor = codec.encode(pos, filters);
        let corrupted: string;
        if (kind === "append") corrupted = cursor + ch;
        else if (kind === "insert") {
          const i = at % (cursor.length + 1);
          corrupted = cursor.slice(0, i) + ch + cursor.slice(i);
        } else {
          const i = at % cursor.length;
          fc.pre(cursor[i] !== ch);
          corrupted = cursor.slice(0, i) + ch + cursor.slice(i + 1);
        }
        expect(codec.decode(corrupted, filters)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});
