import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, expectProblem } from "../support/keys.js";
import { rawExchange } from "../support/raw-http.js";
import { leakedKeys, storeBytes } from "../support/scan.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

const KEY_SHAPED = /ak-[0-9A-Za-z]{12,}/;

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  /** The audit event of a key creation, by the created key's id. */
  async function creationEvent(keyId: string) {
    const res = await t.call(`/v2/audit-events?target_id=${encodeURIComponent(keyId)}&action=api_key.created`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.audit_events).toHaveLength(1);
    return res.body.audit_events[0];
  }

  describe("request ids and echoes never carry a raw key", () => {
    it("a key-shaped X-Request-Id is replaced: not echoed, not logged, not in the audit trail", async () => {
      const victim = await createKey(t, { name: "pasted as a request id" });
      for (const requestId of [victim.key, `trace:${victim.key}`, `${victim.key.slice(0, 20)}.x`]) {
        const res = await t.call("/v2/api-keys", {
          method: "POST",
          body: { name: "created under a key-shaped request id" },
          headers: { "x-request-id": requestId },
        });
        expect(res.status, res.text).toBe(201);
        const echoed = String(res.headers["x-request-id"]);
        expect(echoed).not.toBe(requestId);
        expect(echoed).not.toMatch(KEY_SHAPED);
        const event = await creationEvent(res.body.id);
        expect(event.request_id).toBe(echoed);
        // A refused request echoes no key either, in its header or its body.
        const refused = await t.call("/v2/api-keys?limit=0", { headers: { "x-request-id": requestId } });
        expectProblem(refused, 400);
        expect(String(refused.headers["x-request-id"])).not.toMatch(KEY_SHAPED);
        expect(refused.text).not.toMatch(KEY_SHAPED);
      }
      expect(leakedKeys(t.logs(), [victim.key])).toEqual([]);
      expect(leakedKeys(storeBytes(t), [victim.key])).toEqual([]);
    });

    it("a problem carries its request id in X-Request-Id only, whatever refused the request", async () => {
      const headers = { "x-request-id": "trace-problem-1" };
      const refusals = [
        await t.call("/v2/api-keys?limit=0", { headers }), // validation
        await t.call("/v2/api-keys", { key: null, headers }), // authentication
        await t.call("/v2/nothing-here", { headers }), // no route
        await t.call("/v2/api-keys/%zz%C0", { rawPath: true, headers }), // a URL the router cannot decode
        await t.call("/v2/api-keys", { method: "POST", body: "{", headers }), // malformed body
      ];
      for (const res of refusals) {
        expectProblem(res, res.status);
        expect(res.headers["x-request-id"]).toBe("trace-problem-1");
        expect(res.text).not.toContain("trace-problem-1");
      }
      // Node's parser refuses this before any route: the answer still names a request id.
      const { responses } = await rawExchange(t.url, ["GET /v2/api-keys HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"]);
      const raw = responses[0];
      expect(raw?.status).toBe(400);
      expect(Object.keys(raw?.body ?? {}).sort()).toEqual(["detail", "instance", "status", "title", "type"]);
      expect(raw?.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("a request id of a safe shape is kept: echoed and recorded", async () => {
      const res = await t.call("/v2/api-keys", { method: "POST", body: { name: "traced" }, headers: { "x-request-id": "trace-42.a:b_c" } });
      expect(res.status, res.text).toBe(201);
      expect(res.headers["x-request-id"]).toBe("trace-42.a:b_c");
      expect((await creationEvent(res.body.id)).request_id).toBe("trace-42.a:b_c");
    });

    it("a key used as a query parameter name or a body member name is refused with a detail that does not echo it", async () => {
      const victim = await createKey(t, { name: "pasted as a name" });
      const refusals = [
        await t.call(`/v2/api-keys?${victim.key}=1`),
        await t.call(`/v2/api-keys?${victim.key}`),
        await t.call(`/v2/api-keys?${victim.key}=1&${victim.key}=2`),
        await t.call(`/v2/audit-events?${victim.key}=1`),
        await t.call("/v2/api-keys", { method: "POST", body: { name: "x", [victim.key]: 1 } }),
      ];
      for (const res of refusals) {
        expectProblem(res, 400, "VALIDATION_FAILED");
        expect(res.body.detail).toMatch(/"ak-\[redacted\]"/);
        expect(res.text).not.toMatch(KEY_SHAPED);
      }
      expect(leakedKeys(t.logs(), [victim.key])).toEqual([]);
    });
  });
});
