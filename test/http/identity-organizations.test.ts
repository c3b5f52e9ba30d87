import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Organization } from "../../src/features/identity/index.js";
import { expectProblem } from "../support/keys.js";
import { addMember, audited, expectStatus, newOrganization, newSpace, person, unique } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  describe("POST /v2/organizations", () => {
    it("creates an organization (201) and records exactly one organization.created event", async () => {
      const name = unique("Acme");
      const { res, events } = await audited(t, "/v2/organizations", { method: "POST", body: { name, description: "the A team" } });
      const org = expectStatus(res, 201);
      expect(Object.keys(org).sort()).toEqual(["created_at", "description", "id", "name"]);
      expect(org).toMatchObject({ name, description: "the A team" });
      expect(Buffer.from(org.id, "base64").toString()).toMatch(/^Organization:\d+:/);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: "organization.created", target_ids: [org.id], actor_user_id: t.adminUserId });
    });

    it("defaults the description to an empty string", async () => {
      const org = await newOrganization(t);
      expect(org.description).toBe("");
    });

    it("refuses a duplicate name, compared case-insensitively, with 409 and no audit event", async () => {
      const name = unique("Dup");
      await newOrganization(t, { name });
      const { res, events } = await audited(t, "/v2/organizations", { method: "POST", body: { name: name.toUpperCase() } });
      expectProblem(res, 409, "CONFLICT");
      expect(res.body.detail).toContain("already exists");
      expect(events).toEqual([]);
    });

    it.each([
      [{}, 'body "name" is required'],
      [{ name: "" }, 'body "name" must not be empty'],
      [{ name: "   " }, 'body "name" must not be blank'],
      [{ name: "x".repeat(257) }, 'body "name" must be at most 256 characters'],
      [{ name: "a\nb" }, 'body "name" must not contain control characters (U+000A)'],
      [{ name: "ok", description: 5 }, 'body "description" must be a string'],
      [{ name: "ok", owner: "me" }, 'body "owner" is not allowed'],
    ])("answers 400 naming the field for %j", async (body, detail) => {
      const res = await t.call("/v2/organizations", { method: "POST", body });
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
    });

    it("is for account admins only: an organization admin gets 403", async () => {
      const org = await newOrganization(t);
      const orgAdmin = await person(t, { org: { id: org.id, role: "admin" } });
      const { res, events } = await audited(t, "/v2/organizations", { method: "POST", body: { name: unique("x") }, key: orgAdmin.key });
      expectProblem(res, 403, "FORBIDDEN");
      expect(events).toEqual([]);
    });

    it("answers 401 without a key", async () => {
      expectProblem(await t.call("/v2/organizations", { method: "POST", body: { name: "x" }, key: null }), 401);
    });

    it("answers 403 to a user without the developer flag", async () => {
      const org = await newOrganization(t);
      const viewer = await person(t, { is_developer: false, org: { id: org.id, role: "member" } });
      expectProblem(await t.call("/v2/organizations", { key: viewer.key }), 403, "DEVELOPER_ACCESS_REQUIRED");
    });
  });

  describe("GET /v2/organizations", () => {
    it("lists every organization to an account admin, newest first", async () => {
      const a = await newOrganization(t);
      const b = await newOrganization(t);
      const body = expectStatus(await t.call("/v2/organizations?limit=100"), 200);
      const ids = body.organizations.map((o: Organization) => o.id);
      expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
      expect(ids).toContain(t.organizationId);
      expect(body.pagination).toEqual({ has_more: false });
    });

    it("lists only the organizations a member belongs to", async () => {
      const mine = await newOrganization(t);
      const other = await newOrganization(t);
      const member = await person(t, { org: { id: mine.id, role: "read-only" } });
      const body = expectStatus(await t.call("/v2/organizations", { key: member.key }), 200);
      expect(body.organizations.map((o: Organization) => o.id)).toEqual([mine.id]);
      expect(body.organizations.map((o: Organization) => o.id)).not.toContain(other.id);
    });

    it("pages with signed cursors that are bound to the caller", async () => {
      const orgs = [await newOrganization(t), await newOrganization(t), await newOrganization(t)];
      const member = await person(t, { org: { id: orgs[0].id, role: "member" } });
      for (const org of orgs.slice(1)) await addMember(t, "organizations", org.id, member.id, "member");
      const first = expectStatus(await t.call("/v2/organizations?limit=2", { key: member.key }), 200);
      expect(first.organizations).toHaveLength(2);
      expect(first.pagination.has_more).toBe(true);
      const second = expectStatus(
        await t.call(`/v2/organizations?limit=2&cursor=${first.pagination.next_cursor}`, { key: member.key }),
        200,
      );
      expect(second.organizations).toHaveLength(1);
      expect(second.pagination).toEqual({ has_more: false });
      const all = [...first.organizations, ...second.organizations].map((o: Organization) => o.id);
      expect(all.sort()).toEqual(orgs.map((o) => o.id).sort());
      expectProblem(await t.call(`/v2/organizations?limit=2&cursor=${first.pagination.next_cursor}`), 400, "INVALID_CURSOR");
    });

    it("filters by a case-insensitive substring of the name, with % and _ taken literally", async () => {
      const tag = unique("orgf").toLowerCase();
      await newOrganization(t, { name: `Alpha-${tag}-PROD` });
      await newOrganization(t, { name: `beta-${tag}-prod` });
      await newOrganization(t, { name: `Gamma-${tag}-dev` });
      await newOrganization(t, { name: `50%_off-${tag}` });
      const names = (body: { organizations: Organization[] }) => body.organizations.map((o) => o.name);
      const prod = expectStatus(await t.call(`/v2/organizations?name=${encodeURIComponent(`${tag.toUpperCase()}-Prod`)}`), 200);
      expect(names(prod).sort()).toEqual([`Alpha-${tag}-PROD`, `beta-${tag}-prod`]);
      const literal = expectStatus(await t.call(`/v2/organizations?name=${encodeURIComponent(`%_off-${tag}`)}`), 200);
      expect(names(literal)).toEqual([`50%_off-${tag}`]);
      const underscore = expectStatus(await t.call(`/v2/organizations?name=${encodeURIComponent(`a_pha-${tag}`)}`), 200);
      expect(underscore.organizations).toEqual([]);
    });

    it("filters only what the caller sees, and binds a cursor to the name filter", async () => {
      const tag = unique("orgc").toLowerCase();
      const orgs = [];
      for (let i = 0; i < 3; i++) orgs.push(await newOrganization(t, { name: `${tag}-${i}` }));
      const hidden = await newOrganization(t, { name: `${tag}-hidden` });
      const member = await person(t, { org: { id: orgs[0].id, role: "member" } });
      for (const org of orgs.slice(1)) await addMember(t, "organizations", org.id, member.id, "member");
      const seen: string[] = [];
      let cursor: string | undefined;
      let cursorUsed: string | undefined;
      do {
        const path = `/v2/organizations?name=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
        const body = expectStatus(await t.call(path, { key: member.key }), 200);
        seen.push(...body.organizations.map((o: Organization) => o.id));
        cursorUsed = cursor ?? body.pagination.next_cursor;
        cursor = body.pagination.next_cursor;
      } while (cursor);
      expect(seen).toEqual(orgs.map((o) => o.id).reverse());
      expect(seen).not.toContain(hidden.id);
      // The same cursor with another filter, or none, is refused.
      expectProblem(await t.call(`/v2/organizations?limit=2&cursor=${cursorUsed}`, { key: member.key }), 400, "INVALID_CURSOR");
      expectProblem(await t.call(`/v2/organizations?name=x&limit=2&cursor=${cursorUsed}`, { key: member.key }), 400, "INVALID_CURSOR");
    });

    it.each([
      "limit=0",
      "limit=101",
      "limit=x",
      "cursor=",
      "colour=red",
      "limit=1&limit=2",
      "name=",
      "name=a&name=b",
      `name=${"x".repeat(257)}`,
      "name=%E2%80%AE",
    ])("answers 400 for %s", async (query) => {
      expectProblem(await t.call(`/v2/organizations?${query}`), 400, "VALIDATION_FAILED");
    });
  });

  describe("GET /v2/organizations/{org_id}", () => {
    it("returns an organization to its members", async () => {
      const org = await newOrganization(t, { name: unique("Visible") });
      const member = await person(t, { org: { id: org.id, role: "member" } });
      expect(expectStatus(await t.call(`/v2/organizations/${org.id}`, { key: member.key }), 200)).toEqual(org);
    });

    it("answers 404 to a user who does not belong to it, as for a missing one", async () => {
      const org = await newOrganization(t);
      const outsider = await person(t, { org: { id: t.organizationId, role: "member" } });
      const res = await t.call(`/v2/organizations/${org.id}`, { key: outsider.key });
      expectProblem(res, 404, "NOT_FOUND");
    });

    it("answers 400 for an id of another type or a hand-edited one, and 404 for a deleted one", async () => {
      expectProblem(await t.call(`/v2/organizations/${t.spaceId}`), 400, "INVALID_ID");
      expectProblem(await t.call(`/v2/organizations/${Buffer.from("Organization:1:abcd").toString("base64")}`), 400, "INVALID_ID");
      const org = await newOrganization(t);
      expectStatus(await t.call(`/v2/organizations/${org.id}`, { method: "DELETE" }), 204);
      expectProblem(await t.call(`/v2/organizations/${org.id}`), 404, "NOT_FOUND");
    });
  });

  describe("PATCH /v2/organizations/{org_id}", () => {
    it("lets an organization admin rename their organization, with one audit event", async () => {
      const org = await newOrganization(t);
      const orgAdmin = await person(t, { org: { id: org.id, role: "admin" } });
      const name = unique("Renamed");
      const { res, events } = await audited(t, `/v2/organizations/${org.id}`, { method: "PATCH", body: { name }, key: orgAdmin.key });
      expect(expectStatus(res, 200)).toMatchObject({ id: org.id, name, description: org.description });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: "organization.updated", actor_user_id: orgAdmin.id, target_ids: [org.id] });
      expect(events[0].details).toEqual({ before: { name: org.name }, after: { name } });
    });

    it("refuses an organization member (403) and leaves no audit event", async () => {
      const org = await newOrganization(t);
      const member = await person(t, { org: { id: org.id, role: "member" } });
      const { res, events } = await audited(t, `/v2/organizations/${org.id}`, {
        method: "PATCH",
        body: { description: "x" },
        key: member.key,
      });
      expectProblem(res, 403, "FORBIDDEN");
      expect(events).toEqual([]);
    });

    it("refuses an organization admin for another organization with 404", async () => {
      const org = await newOrganization(t);
      const other = await newOrganization(t);
      const orgAdmin = await person(t, { org: { id: org.id, role: "admin" } });
      expectProblem(await t.call(`/v2/organizations/${other.id}`, { method: "PATCH", body: { name: "x" }, key: orgAdmin.key }), 404);
    });

    it("answers 409 when the new name is taken, but allows changing the case of its own name", async () => {
      const taken = await newOrganization(t);
      const org = await newOrganization(t);
      expectProblem(
        await t.call(`/v2/organizations/${org.id}`, { method: "PATCH", body: { name: taken.name.toUpperCase() } }),
        409,
        "CONFLICT",
      );
      const res = await t.call(`/v2/organizations/${org.id}`, { method: "PATCH", body: { name: org.name.toUpperCase() } });
      expect(expectStatus(res, 200).name).toBe(org.name.toUpperCase());
    });

    it.each([
      [{}, "at least one of"],
      [{ name: " " }, "must not be blank"],
      [{ id: "x" }, 'body "id" is not allowed'],
    ])("answers 400 for %j", async (body, detail) => {
      const org = await newOrganization(t);
      const res = await t.call(`/v2/organizations/${org.id}`, { method: "PATCH", body });
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
    });
  });

  describe("DELETE /v2/organizations/{org_id}", () => {
    it("deletes an empty organization (204), frees its name and records one event", async () => {
      const org = await newOrganization(t);
      const member = await person(t, { org: { id: org.id, role: "member" } });
      const { res, events } = await audited(t, `/v2/organizations/${org.id}`, { method: "DELETE" });
      expect(res.status, res.text).toBe(204);
      expect(res.text).toBe("");
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: "organization.deleted", target_ids: [org.id], details: { removed_memberships: 1 } });
      expectProblem(await t.call(`/v2/organizations/${org.id}`, { key: member.key }), 404);
      const list = expectStatus(await t.call("/v2/organizations?limit=100"), 200);
      expect(list.organizations.map((o: Organization) => o.id)).not.toContain(org.id);
      await newOrganization(t, { name: org.name });
      expectProblem(await t.call(`/v2/organizations/${org.id}`, { method: "DELETE" }), 404);
    });

    it("refuses with 422 while the organization holds spaces, changing nothing", async () => {
      const org = await newOrganization(t);
      await newSpace(t, org.id);
      const { res, events } = await audited(t, `/v2/organizations/${org.id}`, { method: "DELETE" });
      expectProblem(res, 422, "INVALID_STATE");
      expect(res.body.detail).toBe(`the organization "${org.name}" still holds 1 space; delete them first`);
      expect(events).toEqual([]);
      expectStatus(await t.call(`/v2/organizations/${org.id}`), 200);
    });

    it("is for account admins only: the organization's own admin gets 403", async () => {
      const org = await newOrganization(t);
      const orgAdmin = await person(t, { org: { id: org.id, role: "admin" } });
      expectProblem(await t.call(`/v2/organizations/${org.id}`, { method: "DELETE", key: orgAdmin.key }), 403, "FORBIDDEN");
    });
  });
});
