import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../support/keys.js";
import { addMember, audited, expectStatus, newOrganization, newSpace, newUser, person, unique } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";
import { expectWire } from "../support/wire.js";

const ids = (body: { role_bindings: { id: string }[] }) => body.role_bindings.map((b) => b.id);

forEachStore((store) => {
  let t: TestServer;
  let predefined: Record<string, string>;
  beforeAll(async () => {
    t = await startTestServer({ store });
    const roles = expectStatus(await t.call("/v2/roles?is_predefined=true"), 200).roles;
    predefined = Object.fromEntries(roles.map((r: { name: string; id: string }) => [r.name, r.id]));
  });
  afterAll(async () => t.close());

  /** An organization, a space and a project in it, and a user who belongs to the organization. */
  async function world() {
    const org = await newOrganization(t);
    const space = await newSpace(t, org.id);
    const project = expectStatus(await t.call("/v2/projects", { method: "POST", body: { name: unique("p"), space_id: space.id } }), 201);
    const user = await newUser(t);
    await addMember(t, "organizations", org.id, user.id, "member");
    return { org, space, project, user };
  }

  async function newRole() {
    const body = { name: unique("role"), permissions: ["SERVICE_KEY_CREATE", "SERVICE_KEY_READ"] };
    return expectStatus(await t.call("/v2/roles", { method: "POST", body }), 201);
  }

  async function bind(body: Record<string, string>, key?: string) {
    return t.call("/v2/role-bindings", { method: "POST", body, key });
  }

  describe("POST /v2/role-bindings", () => {
    it("binds a custom role on a space and a predefined one on a project (201), exactly as Arize's RoleBinding, audited", async () => {
      const { space, project, user } = await world();
      const role = await newRole();
      const body = { role_id: role.id, user_id: user.id, resource_type: "SPACE", resource_id: space.id };
      const { res, events } = await audited(t, "/v2/role-bindings", { method: "POST", body });
      const binding = expectStatus(res, 201);
      expectWire(binding, "RoleBinding");
      expect(binding).toMatchObject(body);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: "role_binding.created",
        target_ids: expect.arrayContaining([binding.id, user.id, role.id, space.id]),
      });
      const onProject = expectStatus(
        await bind({ role_id: predefined["read-only"] ?? "", user_id: user.id, resource_type: "PROJECT", resource_id: project.id }),
        201,
      );
      expect(onProject).toMatchObject({ resource_type: "PROJECT", resource_id: project.id, role_id: predefined["read-only"] });
    });

    it("allows one binding per user per resource (409)", async () => {
      const { space, user } = await world();
      expectStatus(await bind({ role_id: predefined.member ?? "", user_id: user.id, resource_type: "SPACE", resource_id: space.id }), 201);
      const again = await bind({ role_id: predefined.admin ?? "", user_id: user.id, resource_type: "SPACE", resource_id: space.id });
      expectProblem(again, 409, "CONFLICT");
      expect(again.body.detail).toContain("one binding per user per resource");
    });

    it("refuses a user outside the resource's organization (422), naming the organization", async () => {
      const { org, space } = await world();
      const stranger = await newUser(t);
      const { res, events } = await audited(t, "/v2/role-bindings", {
        method: "POST",
        body: { role_id: predefined.member, user_id: stranger.id, resource_type: "SPACE", resource_id: space.id },
      });
      expectProblem(res, 422, "INVALID_STATE");
      expectWire(res.body, "Problem");
      expect(res.body.detail).toContain(`is not a member of the organization "${org.name}"`);
      expect(events).toEqual([]);
    });

    it("answers 404 for an unknown role or user, and 400 for a resource id of the wrong type", async () => {
      const { space, project, user } = await world();
      const role = await newRole();
      expectStatus(await t.call(`/v2/roles/${role.id}`, { method: "DELETE" }), 204);
      expectProblem(await bind({ role_id: role.id, user_id: user.id, resource_type: "SPACE", resource_id: space.id }), 404);
      const gone = await newUser(t);
      expectStatus(await t.call(`/v2/users/${gone.id}`, { method: "DELETE" }), 204);
      expectProblem(await bind({ role_id: predefined.member ?? "", user_id: gone.id, resource_type: "SPACE", resource_id: space.id }), 404);
      const wrong = await bind({ role_id: predefined.member ?? "", user_id: user.id, resource_type: "SPACE", resource_id: project.id });
      expectProblem(wrong, 400, "INVALID_ID");
      expect(wrong.body.detail).toContain('body "resource_id" (resource_type SPACE) is not a space id');
      expectProblem(await bind({ role_id: predefined.member ?? "", user_id: user.id, resource_type: "ORG", resource_id: space.id }), 400);
    });

    it("needs an admin of the resource's space: a member gets 403, an outsider 404", async () => {
      const { org, space, user } = await world();
      const member = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
      const body = { role_id: predefined.member ?? "", user_id: user.id, resource_type: "SPACE", resource_id: space.id };
      expectProblem(await bind(body, member.key), 403, "FORBIDDEN");
      const outsider = await person(t);
      expectProblem(await bind(body, outsider.key), 404);
      const spaceAdmin = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "admin" } });
      expectStatus(await bind(body, spaceAdmin.key), 201);
    });
  });

  describe("GET, PATCH, DELETE /v2/role-bindings", () => {
    it("lists the bindings the caller administers, filtered by user_id and resource_type, as Arize's list", async () => {
      const { org, space, project, user } = await world();
      const a = expectStatus(
        await bind({ role_id: predefined.member ?? "", user_id: user.id, resource_type: "SPACE", resource_id: space.id }),
        201,
      );
      const b = expectStatus(
        await bind({ role_id: predefined.member ?? "", user_id: user.id, resource_type: "PROJECT", resource_id: project.id }),
        201,
      );
      const mine = expectStatus(await t.call(`/v2/role-bindings?user_id=${user.id}`), 200);
      expectWire(mine, "RoleBindingListResponse");
      expect(ids(mine)).toEqual([b.id, a.id]);
      expect(ids(expectStatus(await t.call(`/v2/role-bindings?user_id=${user.id}&resource_type=SPACE`), 200))).toEqual([a.id]);
      const page = expectStatus(await t.call(`/v2/role-bindings?user_id=${user.id}&limit=1`), 200);
      expect(ids(page)).toEqual([b.id]);
      const next = expectStatus(await t.call(`/v2/role-bindings?user_id=${user.id}&limit=1&cursor=${page.pagination.next_cursor}`), 200);
      expect(ids(next)).toEqual([a.id]);
      // The bound user is no admin of the space: it sees none of them, and 404 for each.
      const member = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
      expect(ids(expectStatus(await t.call(`/v2/role-bindings?user_id=${user.id}`, { key: member.key }), 200))).toEqual([]);
      expectProblem(await t.call(`/v2/role-bindings/${a.id}`, { key: member.key }), 404);
      expectProblem(await t.call(`/v2/role-bindings/${a.id}`, { method: "DELETE", key: member.key }), 404);
      expectProblem(await t.call("/v2/role-bindings?user_id=nope"), 400);
    });

    it("changes the role of a binding (200, role_binding.updated) and deletes it (204, role_binding.deleted), then 404", async () => {
      const { space, user } = await world();
      const role = await newRole();
      const binding = expectStatus(
        await bind({ role_id: predefined.member ?? "", user_id: user.id, resource_type: "SPACE", resource_id: space.id }),
        201,
      );
      const got = expectStatus(await t.call(`/v2/role-bindings/${binding.id}`), 200);
      expectWire(got, "RoleBinding");
      const { res, events } = await audited(t, `/v2/role-bindings/${binding.id}`, { method: "PATCH", body: { role_id: role.id } });
      const updated = expectStatus(res, 200);
      expectWire(updated, "RoleBinding");
      expect(updated).toMatchObject({ id: binding.id, role_id: role.id, created_at: binding.created_at });
      expect(events[0]).toMatchObject({
        action: "role_binding.updated",
        details: { before: { role: "member" }, after: { role: role.name } },
      });
      expectProblem(await t.call(`/v2/role-bindings/${binding.id}`, { method: "PATCH", body: { role_id: t.spaceId } }), 400);
      const deleted = await audited(t, `/v2/role-bindings/${binding.id}`, { method: "DELETE" });
      expect(deleted.res.status).toBe(204);
      expect(deleted.events[0]).toMatchObject({ action: "role_binding.deleted" });
      expectProblem(await t.call(`/v2/role-bindings/${binding.id}`), 404);
      expectProblem(await t.call(`/v2/role-bindings/${binding.id}`, { method: "DELETE" }), 404);
    });

    it("a role still bound cannot be deleted (422); once unbound it can", async () => {
      const { space, user } = await world();
      const role = await newRole();
      const binding = expectStatus(await bind({ role_id: role.id, user_id: user.id, resource_type: "SPACE", resource_id: space.id }), 201);
      const refused = await t.call(`/v2/roles/${role.id}`, { method: "DELETE" });
      expectProblem(refused, 422, "INVALID_STATE");
      expect(refused.body.detail).toContain(`the role "${role.name}" is still granted by 1 role binding;`);
      expectStatus(await t.call(`/v2/role-bindings/${binding.id}`, { method: "DELETE" }), 204);
      expectStatus(await t.call(`/v2/roles/${role.id}`, { method: "DELETE" }), 204);
    });
  });

  describe("races", () => {
    it("eight concurrent bindings of one user on one space: exactly one 201, the others 409", async () => {
      const { space, user } = await world();
      const body = { role_id: predefined.member ?? "", user_id: user.id, resource_type: "SPACE", resource_id: space.id };
      const statuses = (await Promise.all(Array.from({ length: 8 }, () => bind(body)))).map((res) => res.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    });

    it("deleting a role while it is being bound: never both (a binding to a deleted role)", async () => {
      for (let round = 0; round < 5; round++) {
        const { space, user } = await world();
        const role = await newRole();
        const [bound, deleted] = await Promise.all([
          bind({ role_id: role.id, user_id: user.id, resource_type: "SPACE", resource_id: space.id }),
          t.call(`/v2/roles/${role.id}`, { method: "DELETE" }),
        ]);
        expect([`${bound.status}/${deleted.status}`]).toContainEqual(expect.stringMatching(/^(201\/422|404\/204)$/));
      }
    });
  });

  describe("resource restrictions", () => {
    it("restrict a project (200, exactly Arize's body), idempotently, and lift it (204); lifting again is 404", async () => {
      const { project } = await world();
      const { res, events } = await audited(t, "/v2/resource-restrictions", { method: "POST", body: { resource_id: project.id } });
      const body = expectStatus(res, 200);
      expectWire(body, "ResourceRestrictionResponseBody");
      expect(body.resource_restriction).toMatchObject({ resource_type: "PROJECT", resource_id: project.id });
      expect(events[0]).toMatchObject({ action: "resource_restriction.created", target_ids: expect.arrayContaining([project.id]) });
      const again = await audited(t, "/v2/resource-restrictions", { method: "POST", body: { resource_id: project.id } });
      expect(expectStatus(again.res, 200)).toEqual(body);
      expect(again.events).toEqual([]);
      const lifted = await audited(t, `/v2/resource-restrictions/${project.id}`, { method: "DELETE" });
      expect(lifted.res.status).toBe(204);
      expect(lifted.events[0]).toMatchObject({ action: "resource_restriction.deleted" });
      const missing = await t.call(`/v2/resource-restrictions/${project.id}`, { method: "DELETE" });
      expectProblem(missing, 404);
      expect(missing.body.detail).toContain("is not restricted");
    });

    it("need an admin of the project's space (403 for members, 404 for outsiders) and a project id (400)", async () => {
      const { org, space, project } = await world();
      const member = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
      expectProblem(await t.call("/v2/resource-restrictions", { method: "POST", body: { resource_id: project.id }, key: member.key }), 403);
      expectProblem(await t.call(`/v2/resource-restrictions/${project.id}`, { method: "DELETE", key: member.key }), 403);
      const outsider = await person(t);
      expectProblem(
        await t.call("/v2/resource-restrictions", { method: "POST", body: { resource_id: project.id }, key: outsider.key }),
        404,
      );
      expectProblem(await t.call("/v2/resource-restrictions", { method: "POST", body: { resource_id: space.id } }), 400, "INVALID_ID");
      expectProblem(await t.call("/v2/resource-restrictions", { method: "POST", body: {} }), 400);
    });
  });

  describe("what removing things removes", () => {
    it("deleting a project removes its bindings and its restriction", async () => {
      const { project, user } = await world();
      const binding = expectStatus(
        await bind({ role_id: predefined.member ?? "", user_id: user.id, resource_type: "PROJECT", resource_id: project.id }),
        201,
      );
      expectStatus(await t.call("/v2/resource-restrictions", { method: "POST", body: { resource_id: project.id } }), 200);
      const { res, events } = await audited(t, `/v2/projects/${project.id}`, { method: "DELETE" });
      expect(res.status).toBe(204);
      expect(events[0]).toMatchObject({ details: { removed_role_binding_ids: [binding.id], was_restricted: true } });
      expectProblem(await t.call(`/v2/role-bindings/${binding.id}`), 404);
      expectProblem(await t.call(`/v2/resource-restrictions/${project.id}`, { method: "DELETE" }), 404);
    });

    it("deleting a space removes its projects and every binding in it", async () => {
      const { space, project, user } = await world();
      const a = expectStatus(
        await bind({ role_id: predefined.member ?? "", user_id: user.id, resource_type: "SPACE", resource_id: space.id }),
        201,
      );
      const b = expectStatus(
        await bind({ role_id: predefined.member ?? "", user_id: user.id, resource_type: "PROJECT", resource_id: project.id }),
        201,
      );
      const { res, events } = await audited(t, `/v2/spaces/${space.id}`, { method: "DELETE" });
      expect(res.status, res.text).toBe(204);
      expect(events[0]).toMatchObject({ details: { deleted_project_ids: [project.id] } });
      expect([...events[0].details.removed_role_binding_ids].sort()).toEqual([a.id, b.id].sort());
      expectProblem(await t.call(`/v2/projects/${project.id}`), 404);
      expect(ids(expectStatus(await t.call(`/v2/role-bindings?user_id=${user.id}`), 200))).toEqual([]);
    });

    it("deleting a user, or removing them from the organization, removes their bindings", async () => {
      const { org, space, user } = await world();
      const binding = expectStatus(
        await bind({ role_id: predefined.member ?? "", user_id: user.id, resource_type: "SPACE", resource_id: space.id }),
        201,
      );
      const removed = await audited(t, `/v2/organizations/${org.id}/users/${user.id}`, { method: "DELETE" });
      expect(removed.res.status, removed.res.text).toBe(204);
      expect(removed.events[0]).toMatchObject({ details: { removed_role_binding_ids: [binding.id] } });
      expectProblem(await t.call(`/v2/role-bindings/${binding.id}`), 404);

      const other = await world();
      const kept = expectStatus(
        await bind({ role_id: predefined.member ?? "", user_id: other.user.id, resource_type: "SPACE", resource_id: other.space.id }),
        201,
      );
      const deleted = await audited(t, `/v2/users/${other.user.id}`, { method: "DELETE" });
      expect(deleted.res.status).toBe(204);
      expect(deleted.events.find((e) => e.action === "user.deleted")).toMatchObject({ details: { removed_role_binding_ids: [kept.id] } });
      expectProblem(await t.call(`/v2/role-bindings/${kept.id}`), 404);
    });
  });
});
