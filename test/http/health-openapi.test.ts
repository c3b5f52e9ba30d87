import { compileErrors, validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { expectProblem } from "../support/keys.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  describe("operations endpoints", () => {
    it("GET /healthz answers 200 without auth", async () => {
      const res = await t.call("/healthz", { key: null });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: "ok" });
    });

    it("GET /readyz answers 200 while the store is reachable", async () => {
      const res = await t.call("/readyz", { key: null });
      expect(res.status).toBe(200);
      expect(res.body.store).toBe(store);
    });

    it("unknown routes answer a problem+json 404", async () => {
      const res = await t.call("/v2/nothing-here");
      expectProblem(res, 404, "ROUTE_NOT_FOUND");
    });

    it("every response carries nosniff and a request id", async () => {
      const res = await t.call("/v2/api-keys");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-request-id"]).toMatch(/.+/);
      const echoed = await t.call("/v2/api-keys", { headers: { "x-request-id": "trace-123" } });
      expect(echoed.headers["x-request-id"]).toBe("trace-123");
    });
  });

  describe("GET /v2/openapi.json", () => {
    it("is a valid OpenAPI 3.1 document covering the API keys resource", async () => {
      const res = await t.call("/v2/openapi.json", { key: null });
      expect(res.status).toBe(200);
      const doc = res.body;
      expect(doc.openapi).toBe("3.1.0");
      const result = await validate(structuredClone(doc));
      expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
      expect(Object.keys(doc.paths["/v2/api-keys"]).sort()).toEqual(["get", "post"]);
      expect(Object.keys(doc.paths["/v2/api-keys/{api_key_id}"]).sort()).toEqual(["delete", "get"]);
      expect(Object.keys(doc.paths["/v2/api-keys/{api_key_id}/refresh"])).toEqual(["post"]);
      expect(doc.components.schemas.ApiKey.properties.redacted_key).toBeDefined();
      expect(doc.components.schemas.ApiKey.properties.key).toBeUndefined();
      // Arize's objects on Arize's routes; keyhouse's richer key on its own route only.
      expect(doc.components.schemas.ApiKey.properties.space_id).toBeUndefined();
      expect(doc.components.schemas.ApiKeyDetail.properties.space_id).toBeDefined();
      const ok = (path: string, method: string, status: string) =>
        doc.paths[path][method].responses[status].content["application/json"].schema;
      expect(ok("/v2/api-keys/{api_key_id}", "get", "200").$ref).toBe("#/components/schemas/ApiKeyDetail");
      expect(ok("/v2/api-keys", "post", "201").$ref).toBe("#/components/schemas/ApiKeyCreated");
      expect(ok("/v2/api-keys/{api_key_id}/refresh", "post", "200").$ref).toBe("#/components/schemas/ApiKeyCreated");
      expect(Object.keys(doc.components.schemas.Problem.properties).sort()).toEqual(["detail", "instance", "status", "title", "type"]);
      expect(doc.components.schemas.Problem.additionalProperties).toBe(false);
      expect(doc.components.securitySchemes.bearerAuth.scheme).toBe("bearer");
      const list = doc.paths["/v2/api-keys"].get;
      // Arize's six, and keyhouse's two extensions (docs/arize-compatibility.md).
      expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
        "all_users",
        "cursor",
        "key_type",
        "limit",
        "name_contains",
        "space_id",
        "status",
        "user_id",
      ]);
    });
  });
});
