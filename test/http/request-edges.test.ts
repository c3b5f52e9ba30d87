import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";

describe("request edges (store-independent)", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it("a text/plain body is 415 on a create route, and nothing is created", async () => {
    for (const contentType of ["text/plain", "text/plain; charset=utf-8"]) {
      const res = await t.call("/v2/api-keys", { method: "POST", body: '{"name":"plain"}', headers: { "content-type": contentType } });
      expectProblem(res, 415, "UNSUPPORTED_MEDIA_TYPE");
      expect(res.body.detail).toMatch(/application\/json/);
    }
    const list = await t.call("/v2/api-keys?limit=100");
    expect(list.body.api_keys.map((k: { name: string }) => k.name)).not.toContain("plain");
  });

  it("limit must be plain digits: 1e1, +5, a leading or trailing space, 0x10 are 400 naming the field", async () => {
    for (const limit of ["1e1", "%2B5", "+5", "%2010", "10%20", "0x10", "1.0", ""]) {
      for (const path of ["/v2/api-keys", "/v2/audit-events"]) {
        const res = await t.call(`${path}?limit=${limit}`);
        expectProblem(res, 400, "VALIDATION_FAILED");
        expect(res.body.detail, `limit=${limit}`).toBe('query parameter "limit" must be an integer');
      }
    }
    expect((await t.call("/v2/api-keys?limit=10")).status).toBe(200);
    expect((await t.call("/v2/api-keys?limit=007")).status).toBe(200);
  });
});
