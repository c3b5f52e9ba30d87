import { compileErrors, validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../support/http.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) =>
  describe("GET /v2/openapi.json covers the identity resources and the audit trail", () => {
    let t: TestServer;
    let doc: Json;
    beforeAll(async () => {
      t = await startTestServer({ store });
      doc = (await t.call("/v2/openapi.json", { key: null })).body;
    });
    afterAll(async () => t.close());

    it("is a valid OpenAPI 3.1 document", async () => {
      const result = await validate(structuredClone(doc));
      expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    });

    it.each([
      ["/v2/organizations", ["get", "post"]],
      ["/v2/organizations/{org_id}", ["delete", "get", "patch"]],
      ["/v2/organizations/{org_id}/users", ["get", "post"]],
      ["/v2/organizations/{org_id}/users/{user_id}", ["delete"]],
      ["/v2/spaces", ["get", "post"]],
      ["/v2/spaces/{space_id}", ["delete", "get", "patch"]],
      ["/v2/spaces/{space_id}/users", ["get", "post"]],
      ["/v2/spaces/{space_id}/users/{user_id}", ["delete"]],
      ["/v2/users", ["get", "post"]],
      ["/v2/users/{user_id}", ["delete", "get", "patch"]],
      ["/v2/users/{user_id}/api-keys", ["post"]],
      ["/v2/audit-events", ["get"]],
    ])("documents %s with its methods, an operationId and bearer security", (path, methods) => {
      expect(Object.keys(doc.paths[path] ?? {}).sort()).toEqual(methods);
      for (const method of methods) {
        const operation = doc.paths[path][method];
        expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
        expect(operation.security).toEqual([{ bearerAuth: [] }]);
        expect(operation.responses["401"]).toBeDefined();
      }
    });

    it("documents the objects and their fields", () => {
      const schemas = doc.components.schemas;
      expect(Object.keys(schemas.Organization.properties).sort()).toEqual(["created_at", "description", "id", "name"]);
      expect(Object.keys(schemas.Space.properties).sort()).toEqual(["created_at", "description", "id", "name"]);
      expect(Object.keys(schemas.User.properties).sort()).toEqual(["created_at", "email", "id", "is_developer", "name", "role", "status"]);
      expect(Object.keys(schemas.SpaceMembership.properties).sort()).toEqual(["id", "role", "space_id", "user_id"]);
      expect(Object.keys(schemas.OrganizationMembership.properties).sort()).toEqual(["id", "organization_id", "role", "user_id"]);
      expect(schemas.RoleAssignment.properties.type.enum).toEqual(["predefined"]);
      expect(Object.keys(schemas.AuditEvent.properties).sort()).toEqual(
        ["action", "actor_key_id", "actor_user_id", "client_address", "details", "id", "occurred_at", "request_id", "target_ids"].sort(),
      );
    });

    it("documents adding a member as 200 (new or changed), never 201", () => {
      for (const path of ["/v2/organizations/{org_id}/users", "/v2/spaces/{space_id}/users"]) {
        const responses = doc.paths[path].post.responses;
        expect(responses["200"]).toBeDefined();
        expect(responses["201"]).toBeUndefined();
      }
    });

    it("documents the list filters", () => {
      const names = (path: string) => doc.paths[path].get.parameters.map((p: { name: string }) => p.name).sort();
      expect(names("/v2/spaces")).toEqual(["cursor", "limit", "name", "org_id"]);
      expect(names("/v2/organizations")).toEqual(["cursor", "limit", "name"]);
      expect(names("/v2/users")).toEqual(["cursor", "email", "limit", "status"]);
      expect(names("/v2/audit-events")).toEqual(["action", "actor_user_id", "cursor", "limit", "since", "target_id", "until"]);
    });

    it("documents the request bodies, with the role as an assignment object or its name", () => {
      const body = (path: string, method: string) => doc.paths[path][method].requestBody.content["application/json"].schema;
      expect(body("/v2/users", "post").required.sort()).toEqual(["email", "name", "role"]);
      expect(body("/v2/spaces", "post").required.sort()).toEqual(["name", "organization_id"]);
      const role = body("/v2/spaces/{space_id}/users", "post").properties.role;
      expect(role.anyOf.map((s: { type: string }) => s.type).sort()).toEqual(["object", "string"]);
      expect(doc.paths["/v2/users/{user_id}/api-keys"].post.responses["201"]).toBeDefined();
    });
  }),
);
