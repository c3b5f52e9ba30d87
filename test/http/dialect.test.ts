import { compileErrors, validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, expectProblem } from "../support/keys.js";
import { seedSpace, seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

const PIN_07 = { "keyhouse-dialect": "2026-07" };
const PIN_06 = { "keyhouse-dialect": "2026-06" };

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  describe("choosing the dialect (SPEC §11)", () => {
    it("answers in the default 2026-06 and says so when the request names none", async () => {
      const res = await t.call("/v2/api-keys");
      expect(res.status).toBe(200);
      expect(res.headers["keyhouse-dialect"]).toBe("2026-06");
      expect(res.body.api_keys[0].status).toBe("active");
    });

    it("follows the Keyhouse-Dialect header first, over sdk-version and casing", async () => {
      const res = await t.call("/v2/api-keys?status=active", { headers: { ...PIN_07, "sdk-version": "8.31.0" } });
      expect(res.status).toBe(200);
      expect(res.headers["keyhouse-dialect"]).toBe("2026-07");
      expect(res.body.api_keys[0]).toMatchObject({ status: "ACTIVE", key_type: "USER" });
      const back = await t.call("/v2/api-keys?status=ACTIVE", { headers: { ...PIN_06, "sdk-version": "8.42.0" } });
      expect(back.headers["keyhouse-dialect"]).toBe("2026-06");
      expect(back.body.api_keys[0]).toMatchObject({ status: "active", key_type: "user" });
    });

    it("refuses any other Keyhouse-Dialect with a 400 that names the two", async () => {
      for (const value of ["2026-08", "2026-7", "", "latest"]) {
        const res = await t.call("/v2/api-keys", { headers: { "keyhouse-dialect": value } });
        expectProblem(res, 400, "VALIDATION_FAILED");
        expect(res.body.detail).toContain("2026-06 or 2026-07");
        expect(res.headers["keyhouse-dialect"]).toBe("2026-06");
      }
    });

    it("reads the official client's sdk-version: 8.31-8.33 speak 2026-06, 8.41 and later 2026-07, 8.34-8.40 get a 400", async () => {
      for (const [version, dialect] of [
        ["8.31.0", "2026-06"],
        ["8.33.2", "2026-06"],
        ["8.41.0", "2026-07"],
        ["8.42.0", "2026-07"],
        ["9.0.0", "2026-07"],
      ]) {
        const res = await t.call("/v2/api-keys", { headers: { "sdk-version": version as string } });
        expect(res.status, version).toBe(200);
        expect(res.headers["keyhouse-dialect"], version).toBe(dialect);
      }
      for (const version of ["8.34.0", "8.40.1"]) {
        const res = await t.call("/v2/api-keys", { headers: { "sdk-version": version } });
        expectProblem(res, 400, "VALIDATION_FAILED");
        expect(res.body.detail).toContain("8.41");
      }
      // Not a version: the client's own header is ignored, the default applies.
      expect((await t.call("/v2/api-keys", { headers: { "sdk-version": "banana" } })).headers["keyhouse-dialect"]).toBe("2026-06");
    });

    it("falls back on the casing of the request's own enum values, in the query and in the body", async () => {
      const upper = await t.call("/v2/api-keys?key_type=USER");
      expect(upper.headers["keyhouse-dialect"]).toBe("2026-07");
      expect(upper.body.api_keys.every((k: { key_type: string }) => k.key_type === "USER")).toBe(true);
      const lower = await t.call("/v2/api-keys?key_type=user");
      expect(lower.headers["keyhouse-dialect"]).toBe("2026-06");
      const created = await t.call("/v2/api-keys", { method: "POST", body: { name: "upper", key_type: "USER" } });
      expect(created.status, created.text).toBe(201);
      expect(created.headers["keyhouse-dialect"]).toBe("2026-07");
      expect(created.body).toMatchObject({ key_type: "USER", status: "ACTIVE" });
    });

    it("uses KEYHOUSE_DIALECT when the request says nothing", async () => {
      const other = await startTestServer({ store, env: { KEYHOUSE_DIALECT: "2026-07" } });
      try {
        const res = await other.call("/v2/api-keys");
        expect(res.headers["keyhouse-dialect"]).toBe("2026-07");
        expect(res.body.api_keys[0].status).toBe("ACTIVE");
        expect((await other.call("/v2/api-keys?status=active")).headers["keyhouse-dialect"]).toBe("2026-06");
      } finally {
        await other.close();
      }
    });
  });

  describe("one internal model, two wires", () => {
    it("accepts either casing in either dialect and shows a deleted key as REVOKED in 2026-07", async () => {
      const { id } = await createKey(t, { name: "casing", key_type: "USER" });
      expect((await t.call(`/v2/api-keys/${id}/revoke`, { method: "PUT", headers: PIN_06 })).status).toBe(204);
      const listed07 = await t.call("/v2/api-keys?status=deleted", { headers: PIN_07 });
      expect(listed07.body.api_keys.find((k: { id: string }) => k.id === id)?.status).toBe("REVOKED");
      const listed06 = await t.call("/v2/api-keys?status=REVOKED", { headers: PIN_06 });
      expect(listed06.body.api_keys.find((k: { id: string }) => k.id === id)?.status).toBe("deleted");
    });

    it("still refuses an unknown enum value with a 400 worded for a person", async () => {
      const res = await t.call("/v2/api-keys?status=GONE", { headers: PIN_07 });
      expectProblem(res, 400, "VALIDATION_FAILED");
      expect(res.body.detail).toContain("status");
    });

    it("re-cases users' roles and statuses in 2026-07, never a custom role's name", async () => {
      const res = await t.call(`/v2/users/${encodeURIComponent(t.adminUserId)}`, { headers: PIN_07 });
      expect(res.status, res.text).toBe(200);
      expect(res.body.status).toBe("ACTIVE");
      expect(res.body.role).toMatchObject({ type: "PREDEFINED", name: "ADMIN" });
    });
  });

  describe("service keys in 2026-07's body", () => {
    const body07 = (spaceRole: string, extra: Record<string, unknown> = {}) => ({
      name: "bot-07",
      key_type: "SERVICE",
      account_role: { type: "PREDEFINED", name: "MEMBER" },
      organizations: [
        {
          org_id: t.organizationId,
          role: { type: "PREDEFINED", name: "READ_ONLY" },
          spaces: [{ space_id: t.spaceId, role: { type: "PREDEFINED", name: spaceRole } }],
        },
      ],
      ...extra,
    });

    it("creates the key with its bot_user in 2026-07; 2026-06 answers the same key without it; either dialect lists, refreshes and revokes it", async () => {
      const res = await t.call("/v2/api-keys", { method: "POST", body: body07("MEMBER"), headers: PIN_07 });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ key_type: "SERVICE", status: "ACTIVE" });
      expect(res.body.bot_user).toMatchObject({
        account_role: { type: "PREDEFINED", name: "MEMBER" },
        organizations: [
          {
            org_id: t.organizationId,
            role: { type: "PREDEFINED", name: "READ_ONLY" },
            spaces: [{ space_id: t.spaceId, role: { type: "PREDEFINED", name: "MEMBER" } }],
          },
        ],
      });
      const who = await t.call("/v2/whoami", { key: res.body.key });
      expect(who.status, who.text).toBe(200);
      const old = await t.call("/v2/api-keys", { method: "POST", body: body07("ADMIN"), headers: PIN_06 });
      expect(old.status, old.text).toBe(201);
      expect(old.body.bot_user).toBeUndefined();
      expect(old.body.key_type).toBe("service");
      const listed = await t.call(`/v2/api-keys?key_type=service&space_id=${encodeURIComponent(t.spaceId)}`, { headers: PIN_06 });
      expect(listed.body.api_keys.map((k: { id: string }) => k.id)).toContain(res.body.id);
      const refreshed = await t.call(`/v2/api-keys/${res.body.id}/refresh`, { method: "POST", body: {}, headers: PIN_06 });
      expect(refreshed.status, refreshed.text).toBe(200);
      expect(refreshed.body.key_type).toBe("service");
      const refreshed07 = await t.call(`/v2/api-keys/${refreshed.body.id}/refresh`, { method: "POST", body: {}, headers: PIN_07 });
      expect(refreshed07.body).toMatchObject({ key_type: "SERVICE", status: "ACTIVE" });
      expect((await t.call(`/v2/api-keys/${refreshed07.body.id}`, { method: "DELETE", headers: PIN_06 })).status).toBe(204);
      expect((await t.call(`/v2/api-keys/${old.body.id}/revoke`, { method: "PUT", headers: PIN_07 })).status).toBe(204);
    });

    it("refuses a role above the caller's own with a 400 naming where it was asked", async () => {
      const space = await seedSpace(t, "dialect-roles");
      const member = await seedUser(t, { orgRole: "member", spaceRole: "member", spaceWireId: space.wireId });
      const body = body07("ADMIN");
      (body.organizations[0] as { spaces: { space_id: string }[] }).spaces[0]!.space_id = space.wireId;
      const res = await t.call("/v2/api-keys", { method: "POST", body, key: member.key });
      expectProblem(res, 400, "VALIDATION_FAILED");
      expect(res.body.detail).toContain("organizations[0].spaces[0].role");
      expect(res.headers["keyhouse-dialect"]).toBe("2026-07");
    });

    it("refuses custom roles and mixed bodies with a 400", async () => {
      const custom = body07("MEMBER", { account_role: { type: "CUSTOM", id: "x" } });
      expect((await t.call("/v2/api-keys", { method: "POST", body: custom })).body.detail).toContain("predefined roles only");
      const mixed = body07("MEMBER", { space_id: t.spaceId });
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body: mixed }), 400, "VALIDATION_FAILED");
      const user = await t.call("/v2/api-keys", { method: "POST", body: { name: "u", key_type: "USER", organizations: [] } });
      expectProblem(user, 400, "VALIDATION_FAILED");
      const elsewhere = await seedSpace(
        t,
        "not-in-that-org",
        (await t.call("/v2/organizations", { method: "POST", body: { name: `o-${Date.now()}` } })).body.id,
      );
      const wrongOrg = body07("MEMBER");
      (wrongOrg.organizations[0] as { spaces: { space_id: string }[] }).spaces.push({ space_id: elsewhere.wireId });
      const res = await t.call("/v2/api-keys", { method: "POST", body: wrongOrg });
      expectProblem(res, 400, "VALIDATION_FAILED");
      expect(res.body.detail).toContain("is not in organization");
    });

    it("spans several organizations and spaces: its bot user holds a role in each, a 2026-06 listing finds it in each space, and either dialect refreshes and revokes it", async () => {
      const orgB = (await t.call("/v2/organizations", { method: "POST", body: { name: `multi-${Date.now()}` } })).body.id as string;
      const a2 = await seedSpace(t, "multi-a2");
      const b1 = await seedSpace(t, "multi-b1", orgB);
      const body = {
        name: "multi",
        key_type: "SERVICE",
        organizations: [
          {
            org_id: t.organizationId,
            spaces: [{ space_id: t.spaceId }, { space_id: a2.wireId, role: { type: "PREDEFINED", name: "READ_ONLY" } }],
          },
          {
            org_id: orgB,
            role: { type: "PREDEFINED", name: "MEMBER" },
            spaces: [{ space_id: b1.wireId, role: { type: "PREDEFINED", name: "ADMIN" } }],
          },
        ],
      };
      const res = await t.call("/v2/api-keys", { method: "POST", body, headers: PIN_07 });
      expect(res.status, res.text).toBe(201);
      expect(res.body.bot_user.account_role).toEqual({ type: "PREDEFINED", name: "MEMBER" });
      expect(res.body.bot_user.organizations).toEqual([
        {
          org_id: t.organizationId,
          role: { type: "PREDEFINED", name: "READ_ONLY" },
          spaces: [
            { space_id: t.spaceId, role: { type: "PREDEFINED", name: "MEMBER" } },
            { space_id: a2.wireId, role: { type: "PREDEFINED", name: "READ_ONLY" } },
          ],
        },
        {
          org_id: orgB,
          role: { type: "PREDEFINED", name: "MEMBER" },
          spaces: [{ space_id: b1.wireId, role: { type: "PREDEFINED", name: "ADMIN" } }],
        },
      ]);
      // The key acts as its bot user, who holds a role in each space it was granted.
      for (const space of [t.spaceId, a2.wireId, b1.wireId]) {
        expect((await t.call(`/v2/spaces/${encodeURIComponent(space)}`, { key: res.body.key })).status, space).toBe(200);
      }
      for (const space of [t.spaceId, a2.wireId, b1.wireId]) {
        const listed = await t.call(`/v2/api-keys?key_type=service&space_id=${encodeURIComponent(space)}`, { headers: PIN_06 });
        expect(listed.status, listed.text).toBe(200);
        expect(
          listed.body.api_keys.map((k: { id: string }) => k.id),
          space,
        ).toContain(res.body.id);
      }
      const other = await seedSpace(t, "multi-not-granted");
      const notThere = await t.call(`/v2/api-keys?key_type=service&space_id=${encodeURIComponent(other.wireId)}`);
      expect(notThere.body.api_keys.map((k: { id: string }) => k.id)).not.toContain(res.body.id);
      expectProblem(await t.call(`/v2/spaces/${encodeURIComponent(other.wireId)}`, { key: res.body.key }), 404);
      const refreshed = await t.call(`/v2/api-keys/${res.body.id}/refresh`, { method: "POST", body: {}, headers: PIN_06 });
      expect(refreshed.status, refreshed.text).toBe(200);
      const inB = await t.call(`/v2/api-keys?key_type=service&space_id=${encodeURIComponent(b1.wireId)}`, { headers: PIN_07 });
      expect(inB.body.api_keys.map((k: { id: string }) => k.id)).toContain(refreshed.body.id);
      expect((await t.call(`/v2/api-keys/${refreshed.body.id}/revoke`, { method: "PUT", headers: PIN_06 })).status).toBe(204);
    });

    it("is read and managed in each of its spaces: an admin of only its second space gets, refreshes and revokes it; a member of none gets 404", async () => {
      const second = await seedSpace(t, `second-${Date.now()}`);
      const body = {
        name: "two spaces",
        key_type: "SERVICE",
        organizations: [{ org_id: t.organizationId, spaces: [{ space_id: t.spaceId }, { space_id: second.wireId }] }],
      };
      const created = await t.call("/v2/api-keys", { method: "POST", body, headers: PIN_07 });
      expect(created.status, created.text).toBe(201);
      const secondAdmin = await seedUser(t, { orgRole: "member", spaceRole: "admin", spaceWireId: second.wireId });
      const outsider = await seedUser(t, {
        orgRole: "member",
        spaceRole: "admin",
        spaceWireId: (await seedSpace(t, `none-${Date.now()}`)).wireId,
      });
      expectProblem(await t.call(`/v2/api-keys/${created.body.id}`, { key: outsider.key }), 404);
      expectProblem(await t.call(`/v2/api-keys/${created.body.id}/revoke`, { method: "PUT", key: outsider.key }), 404);
      const read = await t.call(`/v2/api-keys/${created.body.id}`, { key: secondAdmin.key });
      expect(read.status, read.text).toBe(200);
      const refreshed = await t.call(`/v2/api-keys/${created.body.id}/refresh`, { method: "POST", body: {}, key: secondAdmin.key });
      expect(refreshed.status, refreshed.text).toBe(200);
      expect((await t.call(`/v2/api-keys/${refreshed.body.id}/revoke`, { method: "PUT", key: secondAdmin.key })).status).toBe(204);
      expectProblem(await t.call("/v2/whoami", { key: refreshed.body.key }), 401);
    });

    it("refuses a role above the caller's own in any space, naming the first such", async () => {
      const space = await seedSpace(t, "multi-roles");
      const member = await seedUser(t, { orgRole: "member", spaceRole: "member", spaceWireId: space.wireId });
      const body = {
        name: "too high",
        key_type: "SERVICE",
        organizations: [
          {
            org_id: t.organizationId,
            spaces: [
              { space_id: space.wireId, role: { type: "PREDEFINED", name: "MEMBER" } },
              { space_id: space.wireId, role: { type: "PREDEFINED", name: "ADMIN" } },
            ],
          },
        ],
      };
      const res = await t.call("/v2/api-keys", { method: "POST", body, key: member.key });
      expectProblem(res, 400, "VALIDATION_FAILED");
      expect(res.body.detail).toContain("organizations[0].spaces[1].role");
    });

    it("takes 1 to 100 organizations and spaces: none or 101 is a 400", async () => {
      const none = { name: "none", key_type: "SERVICE", organizations: [] };
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body: none }), 400, "VALIDATION_FAILED");
      const spaces = Array.from({ length: 101 }, () => ({ space_id: t.spaceId }));
      const tooMany = { name: "many", key_type: "SERVICE", organizations: [{ org_id: t.organizationId, spaces }] };
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body: tooMany }), 400, "VALIDATION_FAILED");
    });
  });

  describe("permissions", () => {
    it("names SERVICE_KEY_DELETE SERVICE_KEY_REVOKE in 2026-07, and takes either name in either dialect", async () => {
      const created = await t.call("/v2/roles", {
        method: "POST",
        body: { name: "revokers", permissions: ["SERVICE_KEY_REVOKE", "SERVICE_KEY_READ"] },
        headers: PIN_06,
      });
      expect(created.status, created.text).toBe(201);
      expect(created.body.permissions).toContain("SERVICE_KEY_DELETE");
      const read07 = await t.call(`/v2/roles/${created.body.id}`, { headers: PIN_07 });
      expect(read07.body.permissions).toContain("SERVICE_KEY_REVOKE");
      expect(read07.body.permissions).not.toContain("SERVICE_KEY_DELETE");
      const patched = await t.call(`/v2/roles/${created.body.id}`, {
        method: "PATCH",
        body: { permissions: ["SERVICE_KEY_DELETE"] },
        headers: PIN_07,
      });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body.permissions).toEqual(["SERVICE_KEY_REVOKE"]);
      // A value neither dialect knows is still a 400.
      const unknown = await t.call("/v2/roles", {
        method: "POST",
        body: { name: "viewers", permissions: ["DATASET_VIEW_PEEK"] },
        headers: PIN_07,
      });
      expectProblem(unknown, 400, "VALIDATION_FAILED");
    });
  });

  describe("permissions 2026-07 added", () => {
    it("are accepted in either dialect, shown in 2026-07 and left out of 2026-06 bodies", async () => {
      const created = await t.call("/v2/roles", {
        method: "POST",
        body: { name: `viewer-${Date.now()}`, permissions: ["DATASET_VIEW_READ", "PROJECT_READ"] },
        headers: PIN_07,
      });
      expect(created.status, created.text).toBe(201);
      expect(created.body.permissions).toEqual(["DATASET_VIEW_READ", "PROJECT_READ"]);
      const in06 = await t.call(`/v2/roles/${created.body.id}`, { headers: PIN_06 });
      expect(in06.body.permissions).toEqual(["PROJECT_READ"]);
      const listed06 = await t.call("/v2/roles?limit=100", { headers: PIN_06 });
      expect(JSON.stringify(listed06.body)).not.toContain("DATASET_VIEW");
      const patched = await t.call(`/v2/roles/${created.body.id}`, {
        method: "PATCH",
        body: { permissions: ["MANAGED_AGENT_READ", "PROJECT_READ"] },
        headers: PIN_06,
      });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body.permissions).toEqual(["PROJECT_READ"]);
      const in07 = await t.call(`/v2/roles/${created.body.id}`, { headers: PIN_07 });
      expect(in07.body.permissions).toEqual(["MANAGED_AGENT_READ", "PROJECT_READ"]);
      const admin07 = await t.call("/v2/roles?is_predefined=true", { headers: PIN_07 });
      const adminRole = admin07.body.roles.find((r: { name: string }) => r.name.toLowerCase() === "admin");
      expect(adminRole.permissions).toContain("LLM_INTEGRATION_CREATE");
      // The Role schema's permission enum of each dialect's OpenAPI document.
      const roleEnum = async (query: string) => {
        const doc = (await t.call(`/v2/openapi.json${query}`, { key: null })).body;
        return doc.components.schemas.Role.properties.permissions.items.enum as string[];
      };
      expect(await roleEnum("?dialect=2026-07")).toContain("MANAGED_AGENT_READ");
      expect(await roleEnum("?dialect=2026-07")).toContain("SERVICE_KEY_REVOKE");
      expect(await roleEnum("")).not.toContain("MANAGED_AGENT_READ");
      expect(await roleEnum("")).toContain("SERVICE_KEY_DELETE");
    });
  });

  describe("revoking with PUT /v2/api-keys/{id}/revoke", () => {
    it("answers 204 with no body, stops the key at once and is idempotent, beside DELETE", async () => {
      const { id, key } = await createKey(t, { name: "put-revoked" });
      const res = await t.call(`/v2/api-keys/${id}/revoke`, { method: "PUT", headers: PIN_07 });
      expect(res.status).toBe(204);
      expect(res.text).toBe("");
      expectProblem(await t.call("/v2/api-keys", { key }), 401);
      expect((await t.call(`/v2/api-keys/${id}/revoke`, { method: "PUT" })).status).toBe(204);
      expect((await t.call(`/v2/api-keys/${id}`, { method: "DELETE" })).status).toBe(204);
      expectProblem(await t.call("/v2/api-keys/not-an-id/revoke", { method: "PUT" }), 400, "INVALID_ID");
    });
  });

  describe("resource restrictions", () => {
    it("answers the create with the bare ResourceRestriction in 2026-07, wrapped in 2026-06", async () => {
      const project = await t.call("/v2/projects", { method: "POST", body: { name: "dialect-restricted", space_id: t.spaceId } });
      expect(project.status, project.text).toBe(201);
      const bare = await t.call("/v2/resource-restrictions", { method: "POST", body: { resource_id: project.body.id }, headers: PIN_07 });
      expect(bare.status, bare.text).toBe(200);
      expect(Object.keys(bare.body).sort()).toEqual(["created_at", "resource_id", "resource_type"]);
      expect(bare.body).toMatchObject({ resource_type: "PROJECT", resource_id: project.body.id });
      const wrapped = await t.call("/v2/resource-restrictions", {
        method: "POST",
        body: { resource_id: project.body.id },
        headers: PIN_06,
      });
      expect(wrapped.status, wrapped.text).toBe(200);
      expect(wrapped.body.resource_restriction).toEqual(bare.body);
    });
  });

  describe("GET /v2/openapi.json?dialect=2026-07", () => {
    it("is a valid OpenAPI 3.1 document with 2026-07's enum values and shapes; 2026-06 stays the default", async () => {
      const res = await t.call("/v2/openapi.json?dialect=2026-07", { key: null });
      expect(res.status).toBe(200);
      const doc = res.body;
      const result = await validate(structuredClone(doc));
      expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
      expect(doc.components.schemas.ApiKey.properties.status.enum).toEqual(["ACTIVE", "REVOKED"]);
      expect(doc.components.schemas.ApiKey.properties.key_type.enum).toEqual(["USER", "SERVICE"]);
      expect(Object.keys(doc.paths["/v2/api-keys/{api_key_id}/revoke"])).toEqual(["put"]);
      const permissions = doc.components.schemas.Role.properties.permissions.items.enum;
      expect(permissions).toContain("SERVICE_KEY_REVOKE");
      expect(permissions).not.toContain("SERVICE_KEY_DELETE");
      const restriction = doc.paths["/v2/resource-restrictions"].post.responses["200"].content["application/json"].schema;
      expect(restriction.$ref).toBe("#/components/schemas/ResourceRestriction");
      const seed = (await t.call("/v2/openapi.json", { key: null, headers: PIN_07 })).body;
      expect(seed.components.schemas.ApiKey.properties.status.enum).toEqual(["active", "deleted"]);
      expectProblem(await t.call("/v2/openapi.json?dialect=2026-08", { key: null }), 400, "VALIDATION_FAILED");
    });
  });
});
