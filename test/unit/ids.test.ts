import { describe, expect, it } from "vitest";
import { decodeId, encodeId, UNISSUED_ROW } from "../../src/http/ids.js";

describe("opaque ids", () => {
  it("encode to standard base64 of Type:number:suffix, containing a colon when decoded", () => {
    const id = encodeId("ApiKey", 42);
    const decoded = Buffer.from(id, "base64").toString("utf8");
    expect(decoded).toMatch(/^ApiKey:42:[0-9A-Za-z]{4}$/);
    expect(decoded).toContain(":");
    expect(decodeId("ApiKey", id)).toEqual({ ok: true, n: 42 });
  });

  it("tell a wrong type from garbage", () => {
    expect(decodeId("User", encodeId("ApiKey", 1))).toEqual({ ok: false, reason: "wrong_type" });
    expect(decodeId("User", "not base64!")).toEqual({ ok: false, reason: "malformed" });
    expect(decodeId("User", Buffer.from("User:1:zzzz").toString("base64"))).toEqual({ ok: false, reason: "malformed" });
    expect(decodeId("User", Buffer.from("User:01:abcd").toString("base64"))).toEqual({ ok: false, reason: "malformed" });
  });

  it("read Arize's suffix-less form (Type:number) as an id of nothing: row 0, which no table holds", () => {
    expect(decodeId("User", Buffer.from("User:1").toString("base64"))).toEqual({ ok: true, n: UNISSUED_ROW });
    expect(decodeId("RoleBinding", "Um9sZUJpbmRpbmc6OTk5OTk5OTk5OTk=")).toEqual({ ok: true, n: UNISSUED_ROW });
    expect(decodeId("User", Buffer.from("ApiKey:1").toString("base64"))).toEqual({ ok: false, reason: "wrong_type" });
    expect(decodeId("User", Buffer.from("User:0").toString("base64"))).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuse non-canonical base64 of a valid id", () => {
    let n = 1;
    while (!encodeId("Space", n).endsWith("=")) n += 1;
    const id = encodeId("Space", n);
    expect(decodeId("Space", id.replace(/=+$/, ""))).toEqual({ ok: false, reason: "malformed" });
    expect(decodeId("Space", ` ${id}`)).toEqual({ ok: false, reason: "malformed" });
  });
});
