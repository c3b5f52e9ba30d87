import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../support/keys.js";
import { audited, expectStatus, person, unique } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";
import { expectWire } from "../support/wire.js";

const ids = (body: { roles: { id: string }[] }) => body.roles.map((r) => r.id);

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  async function newRole(body: Record<string, unknown> = {}) {
    const full = { name: unique("role"), permissions: ["PROJECT_READ"], ...body };
    return expectStatus(await t.call("/v2/roles", { method: "POST", body: full }), 201);
  }

  describe("predefined roles", () => {
    it("are listed with is_predefined true, their permissions, and stable ids, exactly as Arize's RoleListResponse", async () => {
      const body = expectStatus(await t.call("/v2/roles?is_predefined=true"), 200);
      expectWire(body, "RoleListResponse");
      expect(body.roles.map((r: { name: string }) => r.name)).toEqual(["annotator", "read-only", "member", "admin"]);
      expect(body.roles.every((r: { is_predefined: boolean }) => r.is_predefined)).toBe(true);
      expect(body.roles.map((r: { id: string }) => Buffer.from(r.id, "base64").toString().split(":")[1])).toEqual(["4", "3", "2", "1"]);
      const [annotator, readOnly, member, admin] = body.roles;
      // SPEC §8's service key rows.
      for (const [role, read, create, del] of [
        [admin, true, true, true],
        [member, true, true, false],
        [readOnly, true, false, false],
        [annotator, false, false, false],
      ]) {
        expect(role.permissions.includes("SERVICE_KEY_READ"), role.name).toBe(read);
        expect(role.permissions.includes("SERVICE_KEY_CREATE"), role.name).toBe(create);
        expect(role.permissions.includes("SERVICE_KEY_DELETE"), role.name).toBe(del);
      }
      // Arize's client knows no API_KEY_VERIFY: it is held, not shown.
      expect(admin.permissions).not.toContain("API_KEY_VERIFY");
    });

    it("cannot be changed or deleted, even by an account admin (403)", async () => {
      const member = expectStatus(await t.call("/v2/roles?is_predefined=true"), 200).roles[2];
      const patched = await t.call(`/v2/roles/${member.id}`, { method: "PATCH", body: { name: "boss" } });
      expectProblem(patched, 403, "FORBIDDEN");
      expect(patched.body.detail).toContain('"member" is a predefined role');
      expectProblem(await t.call(`/v2/roles/${member.id}`, { method: "DELETE" }), 403, "FORBIDDEN");
      expect(expectStatus(await t.call(`/v2/roles/${member.id}`), 200)).toEqual(member);
    });
  });

  describe("custom roles", () => {
    it("are created by account admins (201) with one role.created event, and read back by anyone with developer access", async () => {
      const name = unique("Auditors");
      const body = { name, description: "Reads spans", permissions: ["PROJECT_SPAN_READ", "PROJECT_READ", "PROJECT_READ"] };
      const { res, events } = await audited(t, "/v2/roles", { method: "POST", body });
      const role = expectStatus(res, 201);
      expectWire(role, "Role");
      expect(role).toMatchObject({
        name,
        description: "Reads spans",
        permissions: ["PROJECT_READ", "PROJECT_SPAN_READ"],
        is_predefined: false,
      });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: "role.created", target_ids: [role.id] });
      const member = await person(t);
      const got = expectStatus(await t.call(`/v2/roles/${role.id}`, { key: member.key }), 200);
      expectWire(got, "Role");
      expect(got).toEqual(role);
      const custom = expectStatus(await t.call("/v2/roles?is_predefined=false&limit=100"), 200);
      expect(ids(custom)).toContain(role.id);
      expect(custom.roles.every((r: { is_predefined: boolean }) => !r.is_predefined)).toBe(true);
    });

    it("omit an empty description, as Arize's Role does", async () => {
      const role = await newRole({ description: "" });
      expect(role).not.toHaveProperty("description");
      expectWire(role, "Role");
    });

    it("refuse non-admins (403)", async () => {
      const member = await person(t);
      expectProblem(
        await t.call("/v2/roles", { method: "POST", body: { name: "x", permissions: ["PROJECT_READ"] }, key: member.key }),
        403,
      );
      const role = await newRole();
      expectProblem(await t.call(`/v2/roles/${role.id}`, { method: "PATCH", body: { name: "y" }, key: member.key }), 403);
      expectProblem(await t.call(`/v2/roles/${role.id}`, { method: "DELETE", key: member.key }), 403);
    });

    it("have a name unique in the account, case-insensitively, predefined names included (409)", async () => {
      const role = await newRole();
      const again = await t.call("/v2/roles", { method: "POST", body: { name: role.name.toUpperCase(), permissions: ["PROJECT_READ"] } });
      expectProblem(again, 409, "CONFLICT");
      const predefined = await t.call("/v2/roles", { method: "POST", body: { name: "Admin", permissions: ["PROJECT_READ"] } });
      expectProblem(predefined, 409, "CONFLICT");
      expect(predefined.body.detail).toContain("predefined role");
      const other = await newRole();
      expectProblem(await t.call(`/v2/roles/${other.id}`, { method: "PATCH", body: { name: role.name } }), 409);
    });

    it.each([
      [{ name: "x", permissions: [] }, 'body "permissions" must'],
      [{ name: "x", permissions: ["PROJECT_READ", "TIME_TRAVEL"] }, '"TIME_TRAVEL", which is not a permission keyhouse knows'],
      [{ name: "x" }, 'body "permissions" is required'],
      [{ name: " ", permissions: ["PROJECT_READ"] }, "must not be blank"],
      [{ name: "x", permissions: ["PROJECT_READ"], colour: 1 }, 'body "colour" is not allowed'],
    ])("refuse %j with 400", async (body, detail) => {
      const res = await t.call("/v2/roles", { method: "POST", body });
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
    });

    it("are updated (200): permissions replaced, null leaves a field as it is, one role.updated event", async () => {
      const role = await newRole({ description: "before" });
      const { res, events } = await audited(t, `/v2/roles/${role.id}`, {
        method: "PATCH",
        body: { name: null, permissions: ["DATASET_READ", "DATASET_CREATE"] },
      });
      const updated = expectStatus(res, 200);
      expectWire(updated, "Role");
      expect(updated).toMatchObject({
        id: role.id,
        name: role.name,
        description: "before",
        permissions: ["DATASET_CREATE", "DATASET_READ"],
      });
      expect(events[0]).toMatchObject({ action: "role.updated", details: { before: { permissions: ["PROJECT_READ"] } } });
      expectProblem(await t.call(`/v2/roles/${role.id}`, { method: "PATCH", body: {} }), 400);
      expectProblem(await t.call(`/v2/roles/${role.id}`, { method: "PATCH", body: { permissions: ["NOPE"] } }), 400);
      expectProblem(await t.call(`/v2/roles/${role.id}`, { method: "PATCH", body: { permissions: [] } }), 400);
    });

    it("are deleted (204) with one role.deleted event; then 404", async () => {
      const role = await newRole();
      const { res, events } = await audited(t, `/v2/roles/${role.id}`, { method: "DELETE" });
      expect(res.status, res.text).toBe(204);
      expect(events[0]).toMatchObject({ action: "role.deleted", target_ids: [role.id] });
      expectProblem(await t.call(`/v2/roles/${role.id}`), 404, "NOT_FOUND");
      expectProblem(await t.call(`/v2/roles/${role.id}`, { method: "DELETE" }), 404);
      expectProblem(await t.call(`/v2/roles/${role.id}`, { method: "PATCH", body: { name: "z" } }), 404);
    });

    it("answer 400 for an id that is not a role id, and 401 without a key", async () => {
      expectProblem(await t.call(`/v2/roles/${t.spaceId}`), 400, "INVALID_ID");
      expectProblem(await t.call("/v2/roles", { key: null }), 401);
      expectProblem(await t.call("/v2/roles?is_predefined=maybe"), 400);
    });
  });

  describe("races", () => {
    it("eight concurrent creations of one role name: exactly one 201, the others 409", async () => {
      const name = unique("Racers");
      const body = { name, permissions: ["PROJECT_READ"] };
      const statuses = (await Promise.all(Array.from({ length: 8 }, () => t.call("/v2/roles", { method: "POST", body })))).map(
        (res) => res.status,
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    });
  });

  describe("GET /v2/roles paging", () => {
    it("walks custom and predefined roles once each, newest first, with cursors bound to the filter", async () => {
      for (let i = 0; i < 3; i++) await newRole();
      const everything = ids(expectStatus(await t.call("/v2/roles?limit=100"), 200));
      const walked: string[] = [];
      let cursor: string | undefined;
      do {
        const page = expectStatus(await t.call(`/v2/roles?limit=2${cursor ? `&cursor=${cursor}` : ""}`), 200);
        expectWire(page, "RoleListResponse");
        walked.push(...ids(page));
        cursor = page.pagination.next_cursor;
        if (cursor) expectProblem(await t.call(`/v2/roles?is_predefined=false&cursor=${cursor}`), 400, "INVALID_CURSOR");
      } while (cursor);
      expect(walked).toEqual(everything);
      expect(walked.slice(-4).map((id) => Buffer.from(id, "base64").toString().split(":")[1])).toEqual(["4", "3", "2", "1"]);
    });
  });
});
