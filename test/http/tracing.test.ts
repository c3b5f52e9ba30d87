import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { createKey } from "../support/keys.js";
import { OtlpReceiver, type ReceivedSpan } from "../support/otlp.js";
import { startTestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

const SERVER = 2;
const CLIENT = 3;

forEachStore((store) => {
  describe("traces over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/observability.md)", () => {
    const receiver = new OtlpReceiver();
    const traceId = randomBytes(16).toString("hex");
    const parentId = randomBytes(8).toString("hex");
    let created: { id: string; key: string };
    let rawKeys: string[] = [];
    beforeAll(async () => {
      const endpoint = await receiver.start();
      // The SDK reads the standard variables beyond the endpoint from the process's environment itself.
      process.env.OTEL_SERVICE_NAME = "keyhouse-under-test";
      const t = await startTestServer({ store, env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
      try {
        created = await createKey(t, { name: "traced" });
        const read = await t.call(`/v2/api-keys/${created.id}`, {
          key: created.key,
          headers: { traceparent: `00-${traceId}-${parentId}-01` },
        });
        expect(read.status).toBe(200);
        const unknown = generateRawKey();
        expect((await t.call("/v2/whoami", { key: unknown })).status).toBe(401);
        rawKeys = [t.adminKey, created.key, unknown];
      } finally {
        // Closing sends the spans still buffered.
        await t.close();
      }
    });
    afterAll(async () => {
      delete process.env.OTEL_SERVICE_NAME;
      await receiver.close();
    });

    const serverSpan = (name: string): ReceivedSpan => {
      const found = receiver.spans.filter((s) => s.kind === SERVER && s.name === name);
      expect(found.map((s) => s.name)).toEqual([name]);
      return found[0] as ReceivedSpan;
    };
    const childrenOf = (span: ReceivedSpan) => receiver.spans.filter((s) => s.parentSpanId === span.spanId);

    it("exports to <endpoint>/v1/traces in the JSON encoding, as the service the environment names", () => {
      expect(receiver.paths.length).toBeGreaterThan(0);
      for (const path of receiver.paths) expect(path).toBe("POST /v1/traces application/json");
      expect(receiver.spans[0]?.resource["service.name"]).toBe("keyhouse-under-test");
      expect(typeof receiver.spans[0]?.resource["service.version"]).toBe("string");
    });

    it("makes one span per request with its route, status and the authenticated key's id", () => {
      const read = serverSpan("GET /v2/api-keys/:api_key_id");
      expect(read.attributes).toMatchObject({
        "http.request.method": "GET",
        "http.route": "/v2/api-keys/:api_key_id",
        "http.response.status_code": 200,
        "keyhouse.api_key.id": created.id,
      });
      expect(read.endNanos).toBeGreaterThan(read.startNanos);
      // The caller's trace context (W3C traceparent) is continued.
      expect([read.traceId, read.parentSpanId]).toEqual([traceId, parentId]);
      const refused = serverSpan("GET /v2/whoami");
      expect(refused.attributes["http.response.status_code"]).toBe(401);
      expect(refused.attributes["keyhouse.api_key.id"]).toBeUndefined();
    });

    it("makes a child span for each store statement of the request, inside its time", () => {
      // The key was never read before: its authentication and its record come from the store.
      const read = serverSpan("GET /v2/api-keys/:api_key_id");
      const statements = childrenOf(read);
      expect(statements.length).toBeGreaterThanOrEqual(2);
      for (const span of statements) {
        expect(span.kind).toBe(CLIENT);
        expect(span.traceId).toBe(read.traceId);
        expect(span.startNanos).toBeGreaterThanOrEqual(read.startNanos);
        expect(span.endNanos).toBeLessThanOrEqual(read.endNanos);
        expect(span.attributes["db.query.text"]).toEqual(expect.any(String));
      }
      expect(statements.filter((s) => s.name === "select api_keys").length).toBeGreaterThanOrEqual(2);
      // A create's statements (its body is read before its handler runs) belong to the create, not to another request.
      const create = serverSpan("POST /v2/api-keys");
      const writes = childrenOf(create).map((s) => s.name);
      expect(writes).toContain("insert api_keys");
      expect(writes).toContain("insert audit_events");
      // The unknown key's one lookup is under its own request.
      expect(childrenOf(serverSpan("GET /v2/whoami")).map((s) => s.name)).toEqual(["select api_keys"]);
    });

    it("never carries a raw key", () => {
      const all = receiver.bodies.join("\n");
      for (const key of rawKeys) expect(all).not.toContain(key);
      expect(all).not.toMatch(/ak-[0-9A-Za-z]{20}/);
    });
  });
});
