import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "../../src/features/identity/index.js";
import { expectProblem } from "../support/keys.js";
import { addMember, audited, expectStatus, newOrganization, newSpace, newUser, person, unique } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  const email = () => `${unique("mail")}@example.test`;
  const ids = (body: { users: User[] }) => body.users.map((u) => u.id);

  describe("POST /v2/users", () => {
    it("creates an active user for invite_mode none: 201 with exactly Arize's UserCreatedResponse, one user.created event", async () => {
      const address = email();
      const body = { name: "Jane Smith", email: address, role: { type: "predefined", name: "member" }, invite_mode: "none" };
      const { res, events } = await audited(t, "/v2/users", { method: "POST", body });
      const user = expectStatus(res, 201);
      expect(Object.keys(user).sort()).toEqual(["created_at", "email", "id", "invite_mode", "is_developer", "name", "role", "status"]);
      expect(user).toMatchObject({
        invite_mode: "none",
        name: "Jane Smith",
        email: address,
        status: "active",
        is_developer: true,
        role: { type: "predefined", name: "member" },
      });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: "user.created",
        target_ids: [user.id],
        details: { email: address, role: "member", invite_mode: "none" },
      });
    });

    it.each([
      ["email_link", "invited", "email_link"],
      [undefined, "active", "none"],
    ])("invite_mode %s makes the user %s (omitted means none)", async (inviteMode, status, echoed) => {
      const user = await newUser(t, { invite_mode: inviteMode });
      expect(user).toMatchObject({ status, invite_mode: echoed });
      expect(user).not.toHaveProperty("temporary_password");
    });

    it("refuses invite_mode temporary_password (422, worded for a person: keyhouse has no passwords), creating nothing", async () => {
      const address = email();
      const { res, events } = await audited(t, "/v2/users", {
        method: "POST",
        body: { name: "Pat", email: address, role: "member", invite_mode: "temporary_password" },
      });
      expectProblem(res, 422, "INVALID_STATE");
      expect(res.body.detail).toContain("keyhouse has no passwords");
      expect(res.body.detail).toContain("email_link");
      expect(events).toEqual([]);
      expect(expectStatus(await t.call(`/v2/users?email=${encodeURIComponent(address)}`), 200).users).toEqual([]);
    });

    it("defaults is_developer by role: true for admin and member, false for annotator; an explicit value wins", async () => {
      expect((await newUser(t, { role: "admin" })).is_developer).toBe(true);
      expect((await newUser(t, { role: "annotator" })).is_developer).toBe(false);
      expect((await newUser(t, { role: "member", is_developer: false })).is_developer).toBe(false);
      expect((await newUser(t, { role: "annotator" })).role).toEqual({ type: "predefined", name: "annotator" });
    });

    it("refuses an email already taken, compared case-insensitively (409), and leaves no event", async () => {
      const address = email();
      await newUser(t, { email: address });
      const { res, events } = await audited(t, "/v2/users", {
        method: "POST",
        body: { name: "Again", email: address.toUpperCase(), role: "member" },
      });
      expectProblem(res, 409, "CONFLICT");
      expect(res.body.detail).toContain(address.toUpperCase());
      expect(events).toEqual([]);
    });

    it("keeps a deleted user's email taken (409)", async () => {
      const user = await newUser(t);
      expectStatus(await t.call(`/v2/users/${user.id}`, { method: "DELETE" }), 204);
      expectProblem(await t.call("/v2/users", { method: "POST", body: { name: "Back", email: user.email, role: "member" } }), 409);
    });

    it.each([
      [{ email: "a@b.c", role: "member" }, 'body "name" is required'],
      [{ name: "x", role: "member" }, 'body "email" is required'],
      [{ name: "x", email: "not-an-email", role: "member" }, 'body "email" must be an email address'],
      [{ name: "x", email: "a@b.c" }, 'body "role" is required'],
      [{ name: "x", email: "a@b.c", role: "owner" }, 'body "role" must be one of'],
      [{ name: "x", email: "a@b.c", role: "read-only" }, 'body "role" must be one of'],
      [
        { name: "x", email: "a@b.c", role: { type: "predefined", name: "owner" } },
        'body "role" must name one of the roles: admin, member, annotator',
      ],
      [{ name: "x", email: "a@b.c", role: { type: "predefined" } }, 'body "role".name is required'],
      [{ name: "x", email: "a@b.c", role: { type: "custom", id: "Um9sZToxOmFiY2Q=" } }, "account roles are predefined only"],
      [{ name: "x", email: "a@b.c", role: { type: "builtin", name: "member" } }, 'body "role".type must be "predefined"'],
      [{ name: "x", email: "a@b.c", role: "member", invite_mode: "carrier_pigeon" }, 'body "invite_mode" must be one of'],
      [{ name: "x", email: "a@b.c", role: "member", is_developer: "yes" }, 'body "is_developer" must be a boolean'],
      [{ name: "x", email: "a@b.c", role: "member", password: "x" }, 'body "password" is not allowed'],
    ])("answers 400 for %j", async (body, detail) => {
      const { res, events } = await audited(t, "/v2/users", { method: "POST", body });
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
      expect(events).toEqual([]);
    });

    it("is for account admins only: an organization admin gets 403", async () => {
      const orgAdmin = await person(t, { org: { id: t.organizationId, role: "admin" } });
      const { res, events } = await audited(t, "/v2/users", {
        method: "POST",
        body: { name: "x", email: email(), role: "member" },
        key: orgAdmin.key,
      });
      expectProblem(res, 403, "FORBIDDEN");
      expect(events).toEqual([]);
    });

    it("answers 401 without a key", async () => {
      expectProblem(await t.call("/v2/users", { key: null }), 401);
    });
  });

  describe("GET /v2/users", () => {
    it("lists human users to an account admin, never bot users, and never deleted users, whatever the status filter", async () => {
      const keep = await newUser(t);
      const gone = await newUser(t);
      expectStatus(await t.call(`/v2/users/${gone.id}`, { method: "DELETE" }), 204);
      const service = expectStatus(
        await t.call("/v2/api-keys", { method: "POST", body: { name: "svc", key_type: "service", space_id: t.spaceId } }),
        201,
      );
      const bot = expectStatus(await t.call("/v2/whoami", { key: service.key }), 200).user.id;
      const all = await walk(t, "/v2/users?limit=100");
      expect(all).toContain(keep.id);
      expect(all).toContain(t.adminUserId);
      expect(all).not.toContain(gone.id);
      expect(all).not.toContain(bot);
      for (const status of ["active", "invited", "expired"]) {
        expect(await walk(t, `/v2/users?status=${status}&limit=100`)).not.toContain(gone.id);
      }
      expectProblem(await t.call(`/v2/users/${bot}`), 404);
    });

    it("filters by a case-insensitive substring of the email and by status", async () => {
      const tag = unique("Find").toLowerCase();
      const a = await newUser(t, { email: `alice.${tag}@Example.test` });
      const b = await newUser(t, { email: `bob.${tag}@example.test`, invite_mode: "email_link" });
      await newUser(t, { email: `carol.${unique("other")}@example.test` });
      const found = expectStatus(await t.call(`/v2/users?email=${encodeURIComponent(tag.toUpperCase())}`), 200);
      expect(ids(found).sort()).toEqual([a.id, b.id].sort());
      const invited = expectStatus(await t.call(`/v2/users?email=${tag}&status=invited`), 200);
      expect(ids(invited)).toEqual([b.id]);
      const none = expectStatus(await t.call(`/v2/users?email=${encodeURIComponent("_")}${tag}`), 200);
      expect(none.users).toEqual([]);
    });

    it("shows other users themselves and the members of their organizations only", async () => {
      const org = await newOrganization(t);
      const colleague = await newUser(t);
      await addMember(t, "organizations", org.id, colleague.id, "member");
      const stranger = await newUser(t);
      const member = await person(t, { org: { id: org.id, role: "read-only" } });
      const seen = expectStatus(await t.call("/v2/users?limit=100", { key: member.key }), 200);
      expect(ids(seen).sort()).toEqual([colleague.id, member.id].sort());
      expectStatus(await t.call(`/v2/users/${colleague.id}`, { key: member.key }), 200);
      expectStatus(await t.call(`/v2/users/${member.id}`, { key: member.key }), 200);
      expectProblem(await t.call(`/v2/users/${stranger.id}`, { key: member.key }), 404, "NOT_FOUND");
    });

    it("pages newest first with cursors bound to the filters", async () => {
      const tag = unique("page").toLowerCase();
      const created = [];
      for (let i = 0; i < 3; i++) created.push((await newUser(t, { email: `${tag}.${i}@example.test` })).id);
      const first = expectStatus(await t.call(`/v2/users?email=${tag}&limit=2`), 200);
      const second = expectStatus(await t.call(`/v2/users?email=${tag}&limit=2&cursor=${first.pagination.next_cursor}`), 200);
      expect([...ids(first), ...ids(second)]).toEqual([...created].reverse());
      expect(second.pagination).toEqual({ has_more: false });
      expectProblem(await t.call(`/v2/users?limit=2&cursor=${first.pagination.next_cursor}`), 400, "INVALID_CURSOR");
    });

    it.each(["status=gone", "status=inactive", "status=Active", "email=", "limit=500", "user_id=1"])(
      "answers 400 for %s",
      async (query) => {
        expectProblem(await t.call(`/v2/users?${query}`), 400);
      },
    );

    it("takes status=ACTIVE, 2026-07's spelling (SPEC §11), and answers in that dialect", async () => {
      const res = await t.call("/v2/users?status=ACTIVE");
      expect(res.status, res.text).toBe(200);
      expect(res.headers["keyhouse-dialect"]).toBe("2026-07");
      expect(res.body.users.length).toBeGreaterThan(0);
      expect(res.body.users.every((u: { status: string }) => u.status === "ACTIVE")).toBe(true);
    });
  });

  describe("GET /v2/users/{user_id}", () => {
    it("answers 404 for a deleted user, worded as for an id of nothing", async () => {
      const user = await newUser(t);
      expectStatus(await t.call(`/v2/users/${user.id}`, { method: "DELETE" }), 204);
      const res = await t.call(`/v2/users/${user.id}`);
      expectProblem(res, 404, "NOT_FOUND");
      expect(res.body.detail).toBe(`user ${user.id} does not exist`);
    });

    it("answers 400 for an id of another type", async () => {
      expectProblem(await t.call(`/v2/users/${t.organizationId}`), 400, "INVALID_ID");
    });
  });

  describe("PATCH /v2/users/{user_id}", () => {
    it("changes name, account role and developer flag, with one user.updated event", async () => {
      const user = await newUser(t);
      const body = { name: "Renamed", role: { type: "predefined", name: "admin" }, is_developer: false };
      const { res, events } = await audited(t, `/v2/users/${user.id}`, { method: "PATCH", body });
      expect(expectStatus(res, 200)).toMatchObject({
        id: user.id,
        name: "Renamed",
        role: { type: "predefined", name: "admin" },
        is_developer: false,
      });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: "user.updated",
        target_ids: [user.id],
        details: {
          before: { name: "Test User", role: "member", is_developer: true },
          after: { name: "Renamed", role: "admin", is_developer: false },
        },
      });
      expect(expectStatus(await t.call(`/v2/users/${user.id}`), 200).name).toBe("Renamed");
    });

    it("takes effect on the user's next request: a user made non-developer is refused at once", async () => {
      const target = await person(t, { org: { id: t.organizationId, role: "member" } });
      expectStatus(await t.call("/v2/users", { key: target.key }), 200);
      expectStatus(await t.call(`/v2/users/${target.id}`, { method: "PATCH", body: { is_developer: false } }), 200);
      expectProblem(await t.call("/v2/users", { key: target.key }), 403, "DEVELOPER_ACCESS_REQUIRED");
    });

    it("refuses to change your own account role (422), but lets you rename yourself", async () => {
      const admin = await person(t, { role: "admin" });
      const { res, events } = await audited(t, `/v2/users/${admin.id}`, { method: "PATCH", body: { role: "member" }, key: admin.key });
      expectProblem(res, 422, "INVALID_STATE");
      expect(res.body.detail).toContain("your own account role");
      expect(events).toEqual([]);
      expectStatus(await t.call(`/v2/users/${admin.id}`, { method: "PATCH", body: { name: "Me" }, key: admin.key }), 200);
    });

    it("applies the annotator rules to account role changes (422)", async () => {
      const member = await newUser(t);
      await addMember(t, "organizations", t.organizationId, member.id, "member");
      const toAnnotator = await t.call(`/v2/users/${member.id}`, { method: "PATCH", body: { role: "annotator" } });
      expectProblem(toAnnotator, 422, "INVALID_STATE");
      expect(toAnnotator.body.detail).toContain("annotator");
      const annotator = await newUser(t, { role: "annotator" });
      await addMember(t, "organizations", t.organizationId, annotator.id, "annotator");
      expectProblem(await t.call(`/v2/users/${annotator.id}`, { method: "PATCH", body: { role: "member" } }), 422, "INVALID_STATE");
      const free = await newUser(t);
      expectStatus(await t.call(`/v2/users/${free.id}`, { method: "PATCH", body: { role: "annotator" } }), 200);
    });

    it("answers 404 to a change of a deleted user", async () => {
      const user = await newUser(t);
      expectStatus(await t.call(`/v2/users/${user.id}`, { method: "DELETE" }), 204);
      expectProblem(await t.call(`/v2/users/${user.id}`, { method: "PATCH", body: { name: "x" } }), 404, "NOT_FOUND");
    });

    it("is for account admins only (403), answers 404 for an unknown user and 400 for an empty body", async () => {
      const user = await newUser(t);
      const orgAdmin = await person(t, { org: { id: t.organizationId, role: "admin" } });
      const refused = await audited(t, `/v2/users/${user.id}`, { method: "PATCH", body: { name: "x" }, key: orgAdmin.key });
      expectProblem(refused.res, 403, "FORBIDDEN");
      expect(refused.events).toEqual([]);
      const space = await newSpace(t, t.organizationId);
      expectProblem(await t.call(`/v2/users/${space.id}`, { method: "PATCH", body: { name: "x" } }), 400, "INVALID_ID");
      const empty = await t.call(`/v2/users/${user.id}`, { method: "PATCH", body: {} });
      expectProblem(empty, 400);
      expect(empty.body.detail).toContain("at least one of");
      expectProblem(await t.call(`/v2/users/${user.id}`, { method: "PATCH", body: { email: "x@y.z" } }), 400);
    });
  });
});

/** Every id of a paginated user list. */
async function walk(t: TestServer, path: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const body = expectStatus(await t.call(`${path}${cursor ? `&cursor=${cursor}` : ""}`), 200);
    out.push(...body.users.map((u: User) => u.id));
    cursor = body.pagination.next_cursor;
  } while (cursor);
  return out;
}
