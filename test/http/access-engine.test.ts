import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../support/keys.js";
import { expectStatus, newOrganization, newSpace, person, unique, type Person } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

/**
 * The permission engine through HTTP (SPEC §8, §12; issue 15's examples): roles
 * bound on a space or a project grant their permissions, a restricted project
 * ignores what is granted above it except space and account admins, and every
 * change is in force on the next request.
 */
forEachStore((store) => {
  let t: TestServer;
  let predefined: Record<string, string>;
  beforeAll(async () => {
    t = await startTestServer({ store });
    const roles = expectStatus(await t.call("/v2/roles?is_predefined=true"), 200).roles;
    predefined = Object.fromEntries(roles.map((r: { name: string; id: string }) => [r.name, r.id]));
  });
  afterAll(async () => t.close());

  async function world() {
    const org = await newOrganization(t);
    const space = await newSpace(t, org.id);
    const project = expectStatus(await t.call("/v2/projects", { method: "POST", body: { name: unique("p"), space_id: space.id } }), 201);
    return { org, space, project };
  }

  async function customRole(permissions: string[]) {
    return expectStatus(await t.call("/v2/roles", { method: "POST", body: { name: unique("role"), permissions } }), 201);
  }

  async function bind(user: Person, roleId: string, resourceType: "SPACE" | "PROJECT", resourceId: string) {
    const body = { role_id: roleId, user_id: user.id, resource_type: resourceType, resource_id: resourceId };
    return expectStatus(await t.call("/v2/role-bindings", { method: "POST", body }), 201);
  }

  const serviceKey = (spaceId: string, key: string) =>
    t.call("/v2/api-keys", {
      method: "POST",
      key,
      body: { name: unique("svc"), key_type: "service", space_id: spaceId, roles: { space_role: "read-only", org_role: "read-only" } },
    });

  describe("a custom role bound on a space", () => {
    it("lets a read-only member create service keys there (403 without the binding, and again once it is deleted)", async () => {
      const { org, space } = await world();
      const grace = await person(t, { org: { id: org.id, role: "read-only" }, space: { id: space.id, role: "read-only" } });
      const refused = await serviceKey(space.id, grace.key);
      expectProblem(refused, 403, "FORBIDDEN");
      const role = await customRole(["SERVICE_KEY_CREATE", "SERVICE_KEY_READ"]);
      const binding = await bind(grace, role.id, "SPACE", space.id);
      const created = expectStatus(await serviceKey(space.id, grace.key), 201);
      expect(created.key_type).toBe("service");
      // Deleting one's own service key: who may create keys there may manage their own (SPEC §8).
      expect((await t.call(`/v2/api-keys/${created.id}/refresh`, { method: "POST", key: grace.key, body: {} })).status).toBe(200);
      expect((await t.call(`/v2/role-bindings/${binding.id}`, { method: "DELETE" })).status).toBe(204);
      expectProblem(await serviceKey(space.id, grace.key), 403, "FORBIDDEN");
    });

    it("stops granting at once when the role loses the permission", async () => {
      const { org, space } = await world();
      const grace = await person(t, { org: { id: org.id, role: "read-only" }, space: { id: space.id, role: "read-only" } });
      const role = await customRole(["SERVICE_KEY_CREATE", "SERVICE_KEY_READ"]);
      await bind(grace, role.id, "SPACE", space.id);
      expect((await serviceKey(space.id, grace.key)).status).toBe(201);
      const patched = await t.call(`/v2/roles/${role.id}`, { method: "PATCH", body: { permissions: ["SERVICE_KEY_READ"] } });
      expectStatus(patched, 200);
      expectProblem(await serviceKey(space.id, grace.key), 403, "FORBIDDEN");
    });

    it("grants SERVICE_KEY_READ to an organization member who holds no role in the space", async () => {
      const { org, space } = await world();
      const lin = await person(t, { org: { id: org.id, role: "member" } });
      expectProblem(await t.call(`/v2/api-keys?space_id=${space.id}`, { key: lin.key }), 404, "NOT_FOUND");
      await bind(lin, (await customRole(["SERVICE_KEY_READ"])).id, "SPACE", space.id);
      expect(expectStatus(await t.call(`/v2/api-keys?space_id=${space.id}`, { key: lin.key }), 200).api_keys).toBeInstanceOf(Array);
      // Reading is not creating.
      expectProblem(await serviceKey(space.id, lin.key), 403, "FORBIDDEN");
    });
  });

  describe("permissions a bound role grants beyond service keys", () => {
    it("SERVICE_KEY_DELETE manages anyone's service key in the space; without it, only one's own", async () => {
      const { org, space } = await world();
      const creator = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
      const other = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
      const key = expectStatus(await serviceKey(space.id, creator.key), 201);
      expectProblem(await t.call(`/v2/api-keys/${key.id}`, { method: "DELETE", key: other.key }), 403, "FORBIDDEN");
      await bind(other, (await customRole(["SERVICE_KEY_DELETE"])).id, "SPACE", space.id);
      expect((await t.call(`/v2/api-keys/${key.id}`, { method: "DELETE", key: other.key })).status).toBe(204);
    });

    it("ROLE_BINDING_READ lets its holder list and get the bindings of the space, and nothing more", async () => {
      const { org, space } = await world();
      const auditor = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "read-only" } });
      const bound = await person(t, { org: { id: org.id, role: "member" } });
      const binding = await bind(bound, predefined["read-only"] ?? "", "SPACE", space.id);
      const listed = async () =>
        expectStatus(await t.call("/v2/role-bindings?limit=100", { key: auditor.key }), 200).role_bindings.map((b: { id: string }) => b.id);
      expect(await listed()).not.toContain(binding.id);
      expectProblem(await t.call(`/v2/role-bindings/${binding.id}`, { key: auditor.key }), 404, "NOT_FOUND");
      await bind(auditor, (await customRole(["ROLE_BINDING_READ"])).id, "SPACE", space.id);
      expect(await listed()).toContain(binding.id);
      expect((await t.call(`/v2/role-bindings/${binding.id}`, { key: auditor.key })).status).toBe(200);
      // Reading is not deleting: still 404 (Arize's delete has no 403).
      expectProblem(await t.call(`/v2/role-bindings/${binding.id}`, { method: "DELETE", key: auditor.key }), 404, "NOT_FOUND");
    });
  });

  describe("a restricted project", () => {
    async function restrictedWorld() {
      const w = await world();
      const member = await person(t, { org: { id: w.org.id, role: "member" }, space: { id: w.space.id, role: "member" } });
      const bound = await person(t, { org: { id: w.org.id, role: "member" }, space: { id: w.space.id, role: "read-only" } });
      await bind(bound, predefined.member ?? "", "PROJECT", w.project.id);
      const spaceAdmin = await person(t, { org: { id: w.org.id, role: "member" }, space: { id: w.space.id, role: "admin" } });
      const orgAdmin = await person(t, { org: { id: w.org.id, role: "admin" } });
      expect((await t.call(`/v2/projects/${w.project.id}`, { key: member.key })).status).toBe(200);
      expectStatus(await t.call("/v2/resource-restrictions", { method: "POST", body: { resource_id: w.project.id } }), 200);
      return { ...w, member, bound, spaceAdmin, orgAdmin };
    }

    const listed = async (key: string, spaceId: string) =>
      expectStatus(await t.call(`/v2/projects?space_id=${spaceId}`, { key }), 200).projects.map((p: { id: string }) => p.id);

    it("ignores a space member's role: hidden from them (404, not listed) and not deletable by them", async () => {
      const { space, project, member } = await restrictedWorld();
      expectProblem(await t.call(`/v2/projects/${project.id}`, { key: member.key }), 404, "NOT_FOUND");
      expect(await listed(member.key, space.id)).not.toContain(project.id);
      expectProblem(await t.call(`/v2/projects/${project.id}`, { method: "DELETE", key: member.key }), 404, "NOT_FOUND");
      // The space itself and its other projects stay theirs.
      const other = expectStatus(
        await t.call("/v2/projects", { method: "POST", key: member.key, body: { name: unique("p"), space_id: space.id } }),
        201,
      );
      expect(await listed(member.key, space.id)).toContain(other.id);
    });

    it("counts a binding on the project itself", async () => {
      const { space, project, bound } = await restrictedWorld();
      expect((await t.call(`/v2/projects/${project.id}`, { key: bound.key })).status).toBe(200);
      expect(await listed(bound.key, space.id)).toContain(project.id);
      const renamed = await t.call(`/v2/projects/${project.id}`, { method: "PATCH", key: bound.key, body: { name: unique("renamed") } });
      expect(renamed.status).toBe(200);
      // The member role bound on the project does not hold PROJECT_RESTRICT.
      const lift = await t.call(`/v2/resource-restrictions/${project.id}`, { method: "DELETE", key: bound.key });
      expectProblem(lift, 403, "FORBIDDEN");
      expect(lift.body.detail).toContain("PROJECT_RESTRICT");
    });

    it("lets a read-only binding on the project read it but not rename it (403 naming PROJECT_UPDATE)", async () => {
      const { org, space, project } = await restrictedWorld();
      const reader = await person(t, { org: { id: org.id, role: "member" } });
      await bind(reader, predefined["read-only"] ?? "", "PROJECT", project.id);
      expect((await t.call(`/v2/projects/${project.id}`, { key: reader.key })).status).toBe(200);
      expect(await listed(reader.key, space.id)).toEqual([project.id]);
      const renamed = await t.call(`/v2/projects/${project.id}`, { method: "PATCH", key: reader.key, body: { name: unique("x") } });
      expectProblem(renamed, 403, "FORBIDDEN");
      expect(renamed.body.detail).toContain("PROJECT_UPDATE");
    });

    it("ignores a custom role bound on its space, which still reaches the space's other projects", async () => {
      const { org, space, project } = await restrictedWorld();
      const open = expectStatus(await t.call("/v2/projects", { method: "POST", body: { name: unique("open"), space_id: space.id } }), 201);
      const editor = await person(t, { org: { id: org.id, role: "member" } });
      await bind(editor, (await customRole(["PROJECT_READ", "PROJECT_UPDATE"])).id, "SPACE", space.id);
      expect((await t.call(`/v2/projects/${open.id}`, { method: "PATCH", key: editor.key, body: { name: unique("o") } })).status).toBe(200);
      expectProblem(await t.call(`/v2/projects/${project.id}`, { key: editor.key }), 404, "NOT_FOUND");
    });

    it("lets in whoever is bound to its space with the predefined admin role (a space admin), not a custom role listing every permission", async () => {
      const { org, space, project } = await restrictedWorld();
      const boundAdmin = await person(t, { org: { id: org.id, role: "member" } });
      await bind(boundAdmin, predefined.admin ?? "", "SPACE", space.id);
      expect((await t.call(`/v2/projects/${project.id}`, { key: boundAdmin.key })).status).toBe(200);
      const everything = expectStatus(await t.call(`/v2/roles/${predefined.admin}`), 200).permissions;
      const lookalike = await person(t, { org: { id: org.id, role: "member" } });
      await bind(lookalike, (await customRole(everything)).id, "SPACE", space.id);
      expectProblem(await t.call(`/v2/projects/${project.id}`, { key: lookalike.key }), 404, "NOT_FOUND");
    });

    it("keeps space admins (organization admins included) and account admins in", async () => {
      const { space, project, spaceAdmin, orgAdmin } = await restrictedWorld();
      for (const key of [spaceAdmin.key, orgAdmin.key, undefined]) {
        expect((await t.call(`/v2/projects/${project.id}`, { key })).status).toBe(200);
        expect(await listed(key ?? t.adminKey, space.id)).toContain(project.id);
      }
      expect((await t.call(`/v2/projects/${project.id}`, { method: "DELETE", key: spaceAdmin.key })).status).toBe(204);
    });

    it("hides the project from a space member at once when restricted, and shows it again at once when lifted", async () => {
      const { project, member } = await restrictedWorld();
      expect((await t.call(`/v2/resource-restrictions/${project.id}`, { method: "DELETE" })).status).toBe(204);
      expect((await t.call(`/v2/projects/${project.id}`, { key: member.key })).status).toBe(200);
    });
  });
});
