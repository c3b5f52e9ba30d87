import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { rawExchange, requestBytes } from "../support/raw-http.js";
import { problemCode } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";

/**
 * Issue 13: a request with two Authorization headers is refused (400) before
 * authentication. Node keeps the first in request.headers; a proxy in front may
 * read the other, so the two must not be resolved either way.
 */
describe("two Authorization headers", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({});
  });
  afterAll(async () => t?.close());

  it("are refused with 400 before authentication, whichever of them is valid", async () => {
    const valid = `Bearer ${t.adminKey}`;
    const bad = `Bearer ${generateRawKey()}`;
    for (const [first, second] of [
      [valid, bad],
      [bad, valid],
      [valid, valid],
    ]) {
      const head = requestBytes("GET", "/v2/api-keys", { authorization: first ?? "" }).toString("latin1");
      const request = head.replace("\r\n\r\n", `\r\nAuthorization: ${second}\r\nconnection: close\r\n\r\n`);
      const { responses } = await rawExchange(t.url, [request]);
      const res = responses[0];
      if (!res) throw new Error("no response");
      expect(res.status, res.text).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(Object.keys(res.body).sort()).toEqual(["detail", "instance", "status", "title", "type"]);
      expect(problemCode(res.body)).toBe("VALIDATION_FAILED");
      expect(res.headers["x-request-id"]).toBeTruthy();
      expect(res.body.detail).toMatch(/Authorization/);
      expect(res.text).not.toContain(t.adminKey);
    }
    // One header still works.
    expect((await t.call("/v2/api-keys")).status).toBe(200);
  });
});
