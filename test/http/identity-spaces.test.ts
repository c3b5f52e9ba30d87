import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Space } from "../../src/features/identity/index.js";
import { createKey, expectProblem } from "../support/keys.js";
import { audited, expectStatus, newOrganization, newSpace, person, unique } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  const names = (body: { spaces: Space[] }) => body.spaces.map((s) => s.name);

  describe("POST /v2/spaces", () => {
    it("creates a space (201) in an organization, with one space.created event", async () => {
      const org = await newOrganization(t);
      const name = unique("Prod");
      const { res, events } = await audited(t, "/v2/spaces", { method: "POST", body: { name, organization_id: org.id } });
      const space = expectStatus(res, 201);
      // Exactly Arize's Space: the organization is found through the org_id filter.
      expect(Object.keys(space).sort()).toEqual(["created_at", "description", "id", "name"]);
      expect(space).toMatchObject({ name, description: "" });
      const inOrg = await t.call(`/v2/spaces?org_id=${encodeURIComponent(org.id)}`);
      expect(inOrg.body.spaces.map((s: Space) => s.id)).toEqual([space.id]);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: "space.created", target_ids: expect.arrayContaining([space.id, org.id]) });
    });

    it("lets an organization admin create spaces in their organization, not in another (404)", async () => {
      const org = await newOrganization(t);
      const other = await newOrganization(t);
      const orgAdmin = await person(t, { org: { id: org.id, role: "admin" } });
      await newSpace(t, org.id, { key: orgAdmin.key });
      const { res, events } = await audited(t, "/v2/spaces", {
        method: "POST",
        body: { name: "x", organization_id: other.id },
        key: orgAdmin.key,
      });
      expectProblem(res, 404);
      expect(events).toEqual([]);
    });

    it("refuses an organization member with 403 and no audit event", async () => {
      const org = await newOrganization(t);
      const member = await person(t, { org: { id: org.id, role: "member" } });
      const { res, events } = await audited(t, "/v2/spaces", {
        method: "POST",
        body: { name: "x", organization_id: org.id },
        key: member.key,
      });
      expectProblem(res, 403, "FORBIDDEN");
      expect(events).toEqual([]);
    });

    it("keeps names unique per organization, case-insensitively (409), and allows the same name elsewhere", async () => {
      const org = await newOrganization(t);
      const other = await newOrganization(t);
      const name = unique("Staging");
      await newSpace(t, org.id, { name });
      const { res, events } = await audited(t, "/v2/spaces", {
        method: "POST",
        body: { name: name.toLowerCase(), organization_id: org.id },
      });
      expectProblem(res, 409, "CONFLICT");
      expect(res.body.detail).toContain("already exists in this organization");
      expect(events).toEqual([]);
      await newSpace(t, other.id, { name });
    });

    it.each([
      [{ name: "x" }, 'body "organization_id" is required'],
      [{ organization_id: "T3JnYW5pemF0aW9uOjE6eGd1Zw==" }, 'body "name" is required'],
      [{ name: "x", organization_id: "nope" }, 'body "organization_id" is not a valid id'],
      [{ name: "   ", organization_id: "T3JnYW5pemF0aW9uOjE6eGd1Zw==" }, "must not be blank"],
    ])("answers 400 for %j", async (body, detail) => {
      const res = await t.call("/v2/spaces", { method: "POST", body });
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
    });

    it("answers 404 for a deleted organization", async () => {
      const org = await newOrganization(t);
      expectStatus(await t.call(`/v2/organizations/${org.id}`, { method: "DELETE" }), 204);
      expectProblem(await t.call("/v2/spaces", { method: "POST", body: { name: "x", organization_id: org.id } }), 404);
    });
  });

  describe("GET /v2/spaces", () => {
    it("filters by a case-insensitive substring of the name, with LIKE wildcards taken literally", async () => {
      const org = await newOrganization(t);
      const tag = unique("zz").toLowerCase();
      await newSpace(t, org.id, { name: `Alpha-${tag}-PROD` });
      await newSpace(t, org.id, { name: `beta-${tag}-prod` });
      await newSpace(t, org.id, { name: `Gamma-${tag}-dev` });
      await newSpace(t, org.id, { name: `50%_off-${tag}` });
      const prod = expectStatus(await t.call(`/v2/spaces?name=${encodeURIComponent(`${tag.toUpperCase()}-Prod`)}`), 200);
      expect(names(prod).sort()).toEqual([`Alpha-${tag}-PROD`, `beta-${tag}-prod`]);
      const literal = expectStatus(await t.call(`/v2/spaces?name=${encodeURIComponent("%_off")}`), 200);
      expect(names(literal)).toEqual([`50%_off-${tag}`]);
      const underscore = expectStatus(await t.call(`/v2/spaces?name=${encodeURIComponent(`a_pha-${tag}`)}`), 200);
      expect(underscore.spaces).toEqual([]);
    });

    it("filters by organization with org_id", async () => {
      const a = await newOrganization(t);
      const b = await newOrganization(t);
      const inA = await newSpace(t, a.id);
      await newSpace(t, b.id);
      const body = expectStatus(await t.call(`/v2/spaces?org_id=${a.id}`), 200);
      expect(body.spaces.map((s: Space) => s.id)).toEqual([inA.id]);
      expectProblem(await t.call(`/v2/spaces?org_id=${t.spaceId}`), 400, "INVALID_ID");
    });

    it("shows a member only their own spaces, and an organization admin every space of the organization", async () => {
      const org = await newOrganization(t);
      const [s1, s2] = [await newSpace(t, org.id), await newSpace(t, org.id)];
      const member = await person(t, { org: { id: org.id, role: "member" }, space: { id: s1.id, role: "read-only" } });
      const orgAdmin = await person(t, { org: { id: org.id, role: "admin" } });
      const seenByMember = expectStatus(await t.call("/v2/spaces?limit=100", { key: member.key }), 200);
      expect(seenByMember.spaces.map((s: Space) => s.id)).toEqual([s1.id]);
      const seenByAdmin = expectStatus(await t.call(`/v2/spaces?org_id=${org.id}`, { key: orgAdmin.key }), 200);
      expect(seenByAdmin.spaces.map((s: Space) => s.id).sort()).toEqual([s1.id, s2.id].sort());
    });

    it("walks every page exactly once, and a cursor is bound to its filters", async () => {
      const org = await newOrganization(t);
      const created = [];
      for (let i = 0; i < 5; i++) created.push((await newSpace(t, org.id)).id);
      const seen: string[] = [];
      let cursor: string | undefined;
      let cursorUsed: string | undefined;
      do {
        const body = expectStatus(await t.call(`/v2/spaces?org_id=${org.id}&limit=2${cursor ? `&cursor=${cursor}` : ""}`), 200);
        seen.push(...body.spaces.map((s: Space) => s.id));
        cursorUsed = cursor ?? body.pagination.next_cursor;
        cursor = body.pagination.next_cursor;
      } while (cursor);
      expect(seen).toEqual([...created].reverse());
      expectProblem(await t.call(`/v2/spaces?limit=2&cursor=${cursorUsed}`), 400, "INVALID_CURSOR");
    });

    it.each(["name=", "org_id=", "limit=0", "size=3"])("answers 400 for %s", async (query) => {
      expectProblem(await t.call(`/v2/spaces?${query}`), 400);
    });
  });

  describe("GET /v2/spaces/{space_id}", () => {
    it("returns a space to its members and 404 to others", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const member = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
      const outsider = await person(t, { org: { id: org.id, role: "member" } });
      expect(expectStatus(await t.call(`/v2/spaces/${space.id}`, { key: member.key }), 200)).toEqual(space);
      expectProblem(await t.call(`/v2/spaces/${space.id}`, { key: outsider.key }), 404, "NOT_FOUND");
      expectProblem(await t.call(`/v2/spaces/${org.id}`), 400, "INVALID_ID");
    });
  });

  describe("PATCH /v2/spaces/{space_id}", () => {
    it("lets an organization admin rename a space, with one space.updated event", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const orgAdmin = await person(t, { org: { id: org.id, role: "admin" } });
      const { res, events } = await audited(t, `/v2/spaces/${space.id}`, {
        method: "PATCH",
        body: { description: "new" },
        key: orgAdmin.key,
      });
      expect(expectStatus(res, 200)).toMatchObject({ id: space.id, name: space.name, description: "new" });
      expect(events.map((e) => e.action)).toEqual(["space.updated"]);
      expect(events[0].details).toEqual({ before: { description: "" }, after: { description: "new" } });
    });

    it("refuses a space admin who is not an organization admin (403), leaving no event", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const spaceAdmin = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "admin" } });
      const { res, events } = await audited(t, `/v2/spaces/${space.id}`, { method: "PATCH", body: { name: "x" }, key: spaceAdmin.key });
      expectProblem(res, 403, "FORBIDDEN");
      expect(events).toEqual([]);
    });

    it("answers 409 when another space of the organization has the name", async () => {
      const org = await newOrganization(t);
      const a = await newSpace(t, org.id);
      const b = await newSpace(t, org.id);
      expectProblem(await t.call(`/v2/spaces/${b.id}`, { method: "PATCH", body: { name: a.name.toUpperCase() } }), 409, "CONFLICT");
    });
  });

  describe("DELETE /v2/spaces/{space_id}", () => {
    it("deletes a space without working keys: 204, memberships gone, name free, one event", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const member = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
      const { res, events } = await audited(t, `/v2/spaces/${space.id}`, { method: "DELETE" });
      expect(res.status, res.text).toBe(204);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: "space.deleted", details: { removed_memberships: 1 } });
      expectProblem(await t.call(`/v2/spaces/${space.id}`), 404);
      const listed = expectStatus(await t.call("/v2/spaces?limit=100", { key: member.key }), 200);
      expect(listed.spaces).toEqual([]);
      await newSpace(t, org.id, { name: space.name });
      expectProblem(await t.call(`/v2/spaces/${space.id}`, { method: "DELETE" }), 404);
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body: { name: "k", key_type: "service", space_id: space.id } }), 404);
    });

    it("refuses with 422 while a service key of the space works, and succeeds once it is deleted", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const key = await createKey(t, { name: "svc", key_type: "service", space_id: space.id });
      const { res, events } = await audited(t, `/v2/spaces/${space.id}`, { method: "DELETE" });
      expectProblem(res, 422, "INVALID_STATE");
      expect(res.body.detail).toBe(`the space "${space.name}" still has 1 working service key; delete them (or let them expire) first`);
      expect(events).toEqual([]);
      expectStatus(await t.call("/v2/whoami", { key: key.key }), 200);
      expectStatus(await t.call(`/v2/api-keys/${key.id}`, { method: "DELETE" }), 204);
      expectStatus(await t.call(`/v2/spaces/${space.id}`, { method: "DELETE" }), 204);
    });

    it("lets an organization admin delete, and refuses a space admin (403)", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const spaceAdmin = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "admin" } });
      const orgAdmin = await person(t, { org: { id: org.id, role: "admin" } });
      expectProblem(await t.call(`/v2/spaces/${space.id}`, { method: "DELETE", key: spaceAdmin.key }), 403);
      expectStatus(await t.call(`/v2/spaces/${space.id}`, { method: "DELETE", key: orgAdmin.key }), 204);
    });
  });
});
