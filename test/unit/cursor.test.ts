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
});
