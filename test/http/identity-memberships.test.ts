import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrganizationMembership } from "../../src/features/identity/index.js";
import { createKey, expectProblem } from "../support/keys.js";
import { addMember, audited, expectStatus, newOrganization, newSpace, newUser, person } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  const role = (name: string) => ({ type: "predefined", name });
  const post = (path: string, body: unknown, key?: string) => audited(t, path, { method: "POST", body, key });

  describe("POST /v2/organizations/{org_id}/users", () => {
    it("adds a user (200), then sets their role (200 again): an upsert, one membership.upserted event each", async () => {
      const org = await newOrganization(t);
      const user = await newUser(t);
      const added = await post(`/v2/organizations/${org.id}/users`, { user_id: user.id, role: role("member") });
      const membership = expectStatus(added.res, 200);
      expect(Object.keys(membership).sort()).toEqual(["id", "organization_id", "role", "user_id"]);
      expect(membership).toMatchObject({ user_id: user.id, organization_id: org.id, role: role("member") });
      expect(Buffer.from(membership.id, "base64").toString()).toMatch(/^Membership:\d+:/);
      expect(added.events).toHaveLength(1);
      expect(added.events[0]).toMatchObject({
        action: "membership.upserted",
        target_ids: expect.arrayContaining([membership.id, user.id, org.id]),
        details: { scope: "organization", role: "member", previous_role: null },
      });
      const changed = await post(`/v2/organizations/${org.id}/users`, { user_id: user.id, role: "admin" });
      expect(expectStatus(changed.res, 200)).toEqual({ ...membership, role: role("admin") });
      expect(changed.events.map((e) => e.details)).toEqual([{ scope: "organization", role: "admin", previous_role: "member" }]);
    });

    it("gives the new role effect on the member's next request", async () => {
      const org = await newOrganization(t);
      const member = await person(t, { org: { id: org.id, role: "member" } });
      expectProblem(await t.call(`/v2/organizations/${org.id}`, { method: "PATCH", body: { description: "x" }, key: member.key }), 403);
      await addMember(t, "organizations", org.id, member.id, "admin");
      expectStatus(await t.call(`/v2/organizations/${org.id}`, { method: "PATCH", body: { description: "x" }, key: member.key }), 200);
    });

    it("lets an organization admin manage members, and refuses a member (403) without an event", async () => {
      const org = await newOrganization(t);
      const orgAdmin = await person(t, { org: { id: org.id, role: "admin" } });
      const member = await person(t, { org: { id: org.id, role: "member" } });
      // The organization admin may add a user of another organization it administers (docs/identity.md).
      const user = await newUser(t);
      const other = await newOrganization(t);
      await addMember(t, "organizations", other.id, orgAdmin.id, "admin");
      await addMember(t, "organizations", other.id, user.id, "member");
      expectStatus((await post(`/v2/organizations/${org.id}/users`, { user_id: user.id, role: "read-only" }, orgAdmin.key)).res, 200);
      const refused = await post(`/v2/organizations/${org.id}/users`, { user_id: user.id, role: "admin" }, member.key);
      expectProblem(refused.res, 403, "FORBIDDEN");
      expect(refused.events).toEqual([]);
      const outsider = await person(t, { org: { id: t.organizationId, role: "admin" } });
      expectProblem((await post(`/v2/organizations/${org.id}/users`, { user_id: user.id, role: "member" }, outsider.key)).res, 404);
    });

    it("applies the annotator rules with 422: annotators hold only annotator, and only annotators do", async () => {
      const org = await newOrganization(t);
      const annotator = await newUser(t, { role: "annotator" });
      const member = await newUser(t);
      for (const [user, wrong] of [
        [annotator, "member"],
        [member, "annotator"],
      ] as const) {
        const { res, events } = await post(`/v2/organizations/${org.id}/users`, { user_id: user.id, role: role(wrong) });
        expectProblem(res, 422, "INVALID_STATE");
        expect(res.body.detail).toContain("annotator");
        expect(events).toEqual([]);
      }
      expectStatus((await post(`/v2/organizations/${org.id}/users`, { user_id: annotator.id, role: "annotator" })).res, 200);
    });

    it("answers 404 for a deleted user (gone from the API), a bot user and an unknown organization", async () => {
      const org = await newOrganization(t);
      const gone = await newUser(t);
      expectStatus(await t.call(`/v2/users/${gone.id}`, { method: "DELETE" }), 204);
      expectProblem((await post(`/v2/organizations/${org.id}/users`, { user_id: gone.id, role: "member" })).res, 404, "NOT_FOUND");
      const service = await createKey(t, { name: "svc", key_type: "service", space_id: t.spaceId });
      const bot = expectStatus(await t.call("/v2/whoami", { key: service.key }), 200).user.id;
      expectProblem((await post(`/v2/organizations/${org.id}/users`, { user_id: bot, role: "member" })).res, 404);
      expectStatus(await t.call(`/v2/organizations/${org.id}`, { method: "DELETE" }), 204);
      const user = await newUser(t);
      expectProblem((await post(`/v2/organizations/${org.id}/users`, { user_id: user.id, role: "member" })).res, 404);
    });

    it.each([
      [{ role: "member" }, 'body "user_id" is required'],
      [{ user_id: "x" }, 'body "role" is required'],
      [{ user_id: "nope!", role: "member" }, 'body "user_id" is not a valid id'],
      [{ user_id: "T3JnYW5pemF0aW9uOjE6eGd1Zw==", role: "member" }, 'body "user_id" is not a user id'],
      [{ user_id: "VXNlcjoxOk9ZQTA=", role: "owner" }, 'body "role" must be one of'],
      [{ user_id: "VXNlcjoxOk9ZQTA=", role: { type: "custom", id: "abc" } }, "custom role assignments are not accepted here"],
      [
        { user_id: "VXNlcjoxOk9ZQTA=", role: { type: "predefined", name: "owner" } },
        "must name one of the roles: admin, member, read-only, annotator",
      ],
      [{ user_id: "VXNlcjoxOk9ZQTA=", role: { type: "predefined", name: "member", colour: "red" } }, 'body "role"'],
    ])("answers 400 for %j", async (body, detail) => {
      const { res, events } = await post(`/v2/organizations/${t.organizationId}/users`, body);
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
      expect(events).toEqual([]);
    });
  });

  describe("POST /v2/spaces/{space_id}/users", () => {
    it("needs the user to belong to the space's organization first (422), then upserts", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const user = await newUser(t);
      const early = await post(`/v2/spaces/${space.id}/users`, { user_id: user.id, role: "member" });
      expectProblem(early.res, 422, "INVALID_STATE");
      // Written for a person: the organization by its name, no raw ids.
      expect(early.res.body.detail).toBe(`the space's organization (${org.name}) does not include this user; add them to it first`);
      expect(early.events).toEqual([]);
      await addMember(t, "organizations", org.id, user.id, "read-only");
      const added = await post(`/v2/spaces/${space.id}/users`, { user_id: user.id, role: role("admin") });
      expect(expectStatus(added.res, 200)).toMatchObject({ user_id: user.id, space_id: space.id, role: role("admin") });
      expect(added.events.map((e) => e.details)).toEqual([{ scope: "space", role: "admin", previous_role: null }]);
    });

    it("lets a space admin manage the space's members, but not the organization's (403)", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const spaceAdmin = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "admin" } });
      const user = await newUser(t);
      await addMember(t, "organizations", org.id, user.id, "member");
      expectStatus((await post(`/v2/spaces/${space.id}/users`, { user_id: user.id, role: "member" }, spaceAdmin.key)).res, 200);
      expectStatus(await t.call(`/v2/spaces/${space.id}/users/${user.id}`, { method: "DELETE", key: spaceAdmin.key }), 204);
      expectProblem((await post(`/v2/organizations/${org.id}/users`, { user_id: user.id, role: "admin" }, spaceAdmin.key)).res, 403);
      const other = await newSpace(t, org.id);
      expectProblem((await post(`/v2/spaces/${other.id}/users`, { user_id: user.id, role: "member" }, spaceAdmin.key)).res, 404);
    });

    it("lets an organization admin manage every space's members; refuses a space member (403)", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const orgAdmin = await person(t, { org: { id: org.id, role: "admin" } });
      const spaceMember = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
      const user = await newUser(t);
      await addMember(t, "organizations", org.id, user.id, "member");
      const refused = await post(`/v2/spaces/${space.id}/users`, { user_id: user.id, role: "member" }, spaceMember.key);
      expectProblem(refused.res, 403, "FORBIDDEN");
      expect(refused.events).toEqual([]);
      expectStatus((await post(`/v2/spaces/${space.id}/users`, { user_id: user.id, role: "read-only" }, orgAdmin.key)).res, 200);
    });

    it("applies the annotator rules in spaces too (422)", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const annotator = await newUser(t, { role: "annotator" });
      await addMember(t, "organizations", org.id, annotator.id, "annotator");
      expectProblem((await post(`/v2/spaces/${space.id}/users`, { user_id: annotator.id, role: "read-only" })).res, 422);
      expectStatus((await post(`/v2/spaces/${space.id}/users`, { user_id: annotator.id, role: "annotator" })).res, 200);
    });
  });

  describe("DELETE /v2/{organizations|spaces}/{id}/users/{user_id}", () => {
    it("removes a space membership (204) with one membership.removed event; again is 404", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const member = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
      expectStatus(await t.call(`/v2/spaces/${space.id}`, { key: member.key }), 200);
      const { res, events } = await audited(t, `/v2/spaces/${space.id}/users/${member.id}`, { method: "DELETE" });
      expect(res.status, res.text).toBe(204);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: "membership.removed", details: { scope: "space", role: "member" } });
      expectProblem(await t.call(`/v2/spaces/${space.id}`, { key: member.key }), 404);
      const again = await audited(t, `/v2/spaces/${space.id}/users/${member.id}`, { method: "DELETE" });
      expectProblem(again.res, 404, "NOT_FOUND");
      expect(again.res.body.detail).toContain("is not a member");
      expect(again.events).toEqual([]);
    });

    it("removing a user from an organization also ends their memberships of its spaces", async () => {
      const org = await newOrganization(t);
      const [s1, s2] = [await newSpace(t, org.id), await newSpace(t, org.id)];
      const member = await person(t, { org: { id: org.id, role: "member" }, space: { id: s1.id, role: "member" } });
      await addMember(t, "spaces", s2.id, member.id, "read-only");
      const { res, events } = await audited(t, `/v2/organizations/${org.id}/users/${member.id}`, { method: "DELETE" });
      expect(res.status, res.text).toBe(204);
      expect(events).toHaveLength(1);
      expect(events[0].details.removed_space_ids.sort()).toEqual([s1.id, s2.id].sort());
      for (const space of [s1, s2]) {
        expect(expectStatus(await t.call(`/v2/spaces/${space.id}/users`), 200).memberships).toEqual([]);
      }
      expect(expectStatus(await t.call("/v2/spaces?limit=100", { key: member.key }), 200).spaces).toEqual([]);
    });

    it("refuses a member who is not an admin (403) and leaves the membership", async () => {
      const org = await newOrganization(t);
      const a = await person(t, { org: { id: org.id, role: "member" } });
      const b = await person(t, { org: { id: org.id, role: "member" } });
      const { res, events } = await audited(t, `/v2/organizations/${org.id}/users/${b.id}`, { method: "DELETE", key: a.key });
      expectProblem(res, 403, "FORBIDDEN");
      expect(events).toEqual([]);
      expectStatus(await t.call(`/v2/organizations/${org.id}`, { key: b.key }), 200);
    });

    it("answers 400 for malformed ids and 404 for an unknown user", async () => {
      expectProblem(await t.call(`/v2/organizations/${t.organizationId}/users/${t.spaceId}`, { method: "DELETE" }), 400, "INVALID_ID");
      expectProblem(await t.call(`/v2/spaces/${t.organizationId}/users/${t.adminUserId}`, { method: "DELETE" }), 400, "INVALID_ID");
      const user = await newUser(t);
      expectProblem(await t.call(`/v2/spaces/${t.spaceId}/users/${user.id}`, { method: "DELETE" }), 404);
    });
  });

  describe("GET /v2/{organizations|spaces}/{id}/users (extension)", () => {
    it("lists human members with their roles to anyone who sees the space, never bot users", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const member = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "read-only" } });
      await createKey(t, { name: "svc", key_type: "service", space_id: space.id });
      const body = expectStatus(await t.call(`/v2/spaces/${space.id}/users`, { key: member.key }), 200);
      expect(body.memberships).toEqual([expect.objectContaining({ user_id: member.id, space_id: space.id, role: role("read-only") })]);
      const outsider = await person(t, { org: { id: org.id, role: "member" } });
      expectProblem(await t.call(`/v2/spaces/${space.id}/users`, { key: outsider.key }), 404);
      const orgMembers = expectStatus(await t.call(`/v2/organizations/${org.id}/users?limit=1`, { key: member.key }), 200);
      expect(orgMembers.memberships).toHaveLength(1);
      expect(orgMembers.pagination.has_more).toBe(true);
      const rest = expectStatus(
        await t.call(`/v2/organizations/${org.id}/users?limit=1&cursor=${orgMembers.pagination.next_cursor}`, { key: member.key }),
        200,
      );
      expect([...orgMembers.memberships, ...rest.memberships].map((m: OrganizationMembership) => m.user_id).sort()).toEqual(
        [member.id, outsider.id].sort(),
      );
    });
  });
});
