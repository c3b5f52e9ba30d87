import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeId } from "../../src/http/ids.js";
import { expectProblem } from "../support/keys.js";
import { audited, expectStatus, newOrganization, newSpace, person, unique } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";
import { expectWire } from "../support/wire.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  async function newProject(spaceId: string, options: { name?: string; key?: string } = {}) {
    const body = { name: options.name ?? unique("proj"), space_id: spaceId };
    return expectStatus(await t.call("/v2/projects", { method: "POST", body, key: options.key }), 201);
  }

  /** An organization and a space in it, with a person of each given space role. */
  async function world() {
    const org = await newOrganization(t);
    const space = await newSpace(t, org.id);
    const as = async (role: string) => person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role } });
    return { org, space, as };
  }

  describe("POST /v2/projects", () => {
    it("creates a project (201) exactly as Arize's Project, with one project.created event", async () => {
      const { space } = await world();
      const name = unique("Checkout");
      const { res, events } = await audited(t, "/v2/projects", { method: "POST", body: { name, space_id: space.id } });
      const project = expectStatus(res, 201);
      expectWire(project, "Project");
      expect(project).toMatchObject({ name, space_id: space.id });
      expect(Buffer.from(project.id, "base64").toString()).toMatch(/^Project:\d+:/);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: "project.created", target_ids: expect.arrayContaining([project.id, space.id]) });
    });

    it("lets space members create projects (PROJECT_CREATE) and refuses read-only members (403) and outsiders (422)", async () => {
      const { space, as } = await world();
      const member = await as("member");
      await newProject(space.id, { key: member.key });
      const reader = await as("read-only");
      const refused = await t.call("/v2/projects", { method: "POST", body: { name: "x", space_id: space.id }, key: reader.key });
      expectProblem(refused, 403, "FORBIDDEN");
      expect(refused.body.detail).toContain("PROJECT_CREATE");
      expectWire(refused.body, "Problem");
      // Arize's create has no 404: an unseen space is 422, worded as for one that does not exist.
      const outsider = await person(t);
      const unseen = await t.call("/v2/projects", { method: "POST", body: { name: "x", space_id: space.id }, key: outsider.key });
      expectProblem(unseen, 422, "INVALID_STATE");
      expectWire(unseen.body, "Problem");
      const missing = await t.call("/v2/projects", { method: "POST", body: { name: "x", space_id: encodeId("Space", 987654321) } });
      expectProblem(missing, 422, "INVALID_STATE");
      expect(unseen.body.detail).toBe('body "space_id" names no space you can see');
      expect(missing.body.detail).toBe(unseen.body.detail);
    });

    it("keeps names unique in a space, case-insensitively (409), and allows the same name in another space", async () => {
      const { org, space } = await world();
      const name = unique("Search");
      await newProject(space.id, { name });
      const { res, events } = await audited(t, "/v2/projects", { method: "POST", body: { name: name.toUpperCase(), space_id: space.id } });
      expectProblem(res, 409, "CONFLICT");
      expect(res.body.detail).toContain("already exists in this space");
      expect(events).toEqual([]);
      await newProject((await newSpace(t, org.id)).id, { name });
    });

    it.each([
      [{ name: "x" }, 'body "space_id" is required'],
      [{ name: "x", space_id: "nope" }, 'body "space_id" is not a valid id'],
      [{ name: "  ", space_id: encodeId("Space", 1) }, "must not be blank"],
      [{ name: "x", space_id: encodeId("Space", 1), extra: 1 }, 'body "extra" is not allowed'],
    ])("answers 400 for %j", async (body, detail) => {
      const res = await t.call("/v2/projects", { method: "POST", body });
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
    });

    it("answers 401 without a key", async () => {
      expectProblem(await t.call("/v2/projects", { method: "POST", body: { name: "x", space_id: t.spaceId }, key: null }), 401);
    });
  });

  describe("races", () => {
    it("eight concurrent creations of one project name in a space: exactly one 201, the others 409", async () => {
      const { space } = await world();
      const body = { name: unique("Racers"), space_id: space.id };
      const statuses = (await Promise.all(Array.from({ length: 8 }, () => t.call("/v2/projects", { method: "POST", body })))).map(
        (res) => res.status,
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    });
  });

  describe("GET /v2/projects", () => {
    it("lists the projects of visible spaces, filtered by space_id, space_name and name, as Arize's ProjectListResponse", async () => {
      const { org, space, as } = await world();
      const other = await newSpace(t, org.id);
      const tag = unique("needle");
      const a = await newProject(space.id, { name: `${tag}-a` });
      const b = await newProject(other.id, { name: `${tag}-b` });
      const member = await as("read-only");

      const mine = expectStatus(await t.call(`/v2/projects?name=${tag.toUpperCase()}`, { key: member.key }), 200);
      expectWire(mine, "ProjectListResponse");
      expect(mine.projects.map((p: { id: string }) => p.id)).toEqual([a.id]);

      const all = expectStatus(await t.call(`/v2/projects?name=${tag}`), 200);
      expect(all.projects.map((p: { id: string }) => p.id)).toEqual([b.id, a.id]);
      const bySpace = expectStatus(await t.call(`/v2/projects?space_id=${other.id}`), 200);
      expect(bySpace.projects.map((p: { id: string }) => p.id)).toEqual([b.id]);
      const byName = expectStatus(await t.call(`/v2/projects?space_name=${encodeURIComponent(other.name.toUpperCase())}`), 200);
      expect(byName.projects.map((p: { id: string }) => p.id)).toEqual([b.id]);
      // A filter: a space the caller cannot see selects nothing (Arize's list has no 404).
      expect(expectStatus(await t.call(`/v2/projects?space_id=${other.id}`, { key: member.key }), 200).projects).toEqual([]);
    });

    it("pages with a signed keyset cursor bound to the filters", async () => {
      const { space } = await world();
      const made = [];
      for (let i = 0; i < 5; i++) made.push((await newProject(space.id)).id);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = expectStatus(await t.call(`/v2/projects?space_id=${space.id}&limit=2${cursor ? `&cursor=${cursor}` : ""}`), 200);
        expectWire(page, "ProjectListResponse");
        seen.push(...page.projects.map((p: { id: string }) => p.id));
        cursor = page.pagination.next_cursor;
        if (cursor) expectProblem(await t.call(`/v2/projects?limit=2&cursor=${cursor}`), 400, "INVALID_CURSOR");
      } while (cursor);
      expect(seen).toEqual(made.reverse());
    });

    it("answers 400 for a malformed space_id and an unknown parameter", async () => {
      expectProblem(await t.call("/v2/projects?space_id=nope"), 400);
      expectProblem(await t.call("/v2/projects?colour=red"), 400);
    });
  });

  describe("GET, PATCH, DELETE /v2/projects/{id}", () => {
    it("gets a project; outsiders get 404 worded as for a missing one", async () => {
      const { space } = await world();
      const project = await newProject(space.id);
      const got = expectStatus(await t.call(`/v2/projects/${project.id}`), 200);
      expectWire(got, "Project");
      expect(got).toEqual(project);
      const outsider = await person(t);
      const hidden = await t.call(`/v2/projects/${project.id}`, { key: outsider.key });
      expectProblem(hidden, 404, "NOT_FOUND");
      expect(hidden.body.detail).toBe(`project ${project.id} does not exist`);
      expectProblem(await t.call(`/v2/projects/${t.spaceId}`), 400, "INVALID_ID");
    });

    it("renames a project (200) with one project.updated event; a name taken in the space is 422", async () => {
      const { space, as } = await world();
      const project = await newProject(space.id);
      const taken = await newProject(space.id);
      const name = unique("renamed");
      const { res, events } = await audited(t, `/v2/projects/${project.id}`, { method: "PATCH", body: { name } });
      expectWire(expectStatus(res, 200), "Project");
      expect(res.body.name).toBe(name);
      expect(events[0]).toMatchObject({ action: "project.updated", details: { before: { name: project.name }, after: { name } } });
      const clash = await t.call(`/v2/projects/${project.id}`, { method: "PATCH", body: { name: taken.name.toUpperCase() } });
      expectProblem(clash, 422);
      expect(clash.body.detail).toContain("already exists in this space");
      const reader = await as("read-only");
      expectProblem(await t.call(`/v2/projects/${project.id}`, { method: "PATCH", body: { name: "y" }, key: reader.key }), 403);
      expectProblem(await t.call(`/v2/projects/${project.id}`, { method: "PATCH", body: {} }), 400);
    });

    it("deletes a project (204): gone from get and list, its name free again, one project.deleted event; again is 404", async () => {
      const { space, as } = await world();
      const project = await newProject(space.id);
      const member = await as("member");
      const reader = await as("read-only");
      expectProblem(await t.call(`/v2/projects/${project.id}`, { method: "DELETE", key: reader.key }), 403);
      const { res, events } = await audited(t, `/v2/projects/${project.id}`, { method: "DELETE", key: member.key });
      expect(res.status, res.text).toBe(204);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: "project.deleted", details: { name: project.name, was_restricted: false } });
      expectProblem(await t.call(`/v2/projects/${project.id}`), 404);
      expectProblem(await t.call(`/v2/projects/${project.id}`, { method: "DELETE" }), 404);
      const list = expectStatus(await t.call(`/v2/projects?space_id=${space.id}`), 200);
      expect(list.projects).toEqual([]);
      await newProject(space.id, { name: project.name });
    });
  });

  describe("no existence oracle", () => {
    it("a project in a space the caller does not see answers 404 on every route taking it, worded as for a deleted one", async () => {
      const { org, space } = await world();
      const hidden = await newProject(space.id);
      const gone = await newProject(space.id);
      expectStatus(await t.call(`/v2/projects/${gone.id}`, { method: "DELETE" }), 204);
      const outsider = await person(t, { org: { id: org.id, role: "admin" } });
      const otherOrg = await newOrganization(t);
      const elsewhere = await newSpace(t, otherOrg.id);
      // An admin of another organization's space: it administers something, just not this.
      const key = (await person(t, { org: { id: otherOrg.id, role: "member" }, space: { id: elsewhere.id, role: "admin" } })).key;
      const routes = (id: string): [string, string, unknown?][] => [
        ["GET", `/v2/projects/${id}`],
        ["PATCH", `/v2/projects/${id}`, { name: "x" }],
        ["DELETE", `/v2/projects/${id}`],
        ["POST", "/v2/resource-restrictions", { resource_id: id }],
        ["DELETE", `/v2/resource-restrictions/${id}`],
        ["POST", "/v2/role-bindings", { role_id: encodeId("Role", 2), user_id: outsider.id, resource_type: "PROJECT", resource_id: id }],
      ];
      const [forHidden, forGone] = [routes(hidden.id), routes(gone.id)];
      for (const [i, [method, path, body]] of forHidden.entries()) {
        const [, gonePath, goneBody] = forGone[i] ?? [];
        const a = await t.call(path, { method, body, key });
        const b = await t.call(gonePath ?? "", { method, body: goneBody, key });
        expectProblem(a, 404, "NOT_FOUND");
        expect(String(a.body.detail).replaceAll(hidden.id, "<id>"), `${method} ${path}`).toBe(
          String(b.body.detail).replaceAll(gone.id, "<id>"),
        );
      }
    });
  });
});
