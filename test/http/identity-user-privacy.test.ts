import { afterAll, beforeAll, expect, it } from "vitest";
import type { User } from "../../src/features/identity/index.js";
import { encodeId } from "../../src/http/ids.js";
import type { HttpResponse } from "../support/http.js";
import { expectProblem } from "../support/keys.js";
import { addMember, expectStatus, newOrganization, newSpace, newUser, person } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

/**
 * Users are private across organizations (docs/identity.md, "Users across
 * organizations"): a caller who is not an account admin sees only itself and the
 * members of its organizations, cannot learn whether another user id exists,
 * and cannot pull a user into its organization from outside the organizations
 * it administers.
 */
forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  const nobody = encodeId("User", 987_654_321);
  /** The 404 detail with the user id replaced, so answers about different ids compare. */
  const notFound = (res: HttpResponse, id: string) => {
    expectProblem(res, 404, "NOT_FOUND");
    return String(res.body.detail).replaceAll(id, "<id>");
  };
  const add = (scope: string, userId: string, key: string) =>
    t.call(`/v2/${scope}/users`, { method: "POST", body: { user_id: userId, role: "member" }, key });
  const ids = (body: { users: User[] }) => body.users.map((u) => u.id);

  it("keeps an organization admin from adding, seeing or probing users outside the organizations it administers", async () => {
    const mine = await newOrganization(t);
    const theirs = await newOrganization(t);
    const space = await newSpace(t, mine.id);
    const orgAdmin = await person(t, { org: { id: mine.id, role: "admin" } });
    const spaceAdmin = await person(t, { org: { id: mine.id, role: "member" }, space: { id: space.id, role: "admin" } });
    const stranger = await newUser(t); // in no organization
    const elsewhere = await newUser(t);
    await addMember(t, "organizations", theirs.id, elsewhere.id, "member");
    const deleted = await newUser(t);
    expectStatus(await t.call(`/v2/users/${deleted.id}`, { method: "DELETE" }), 204);

    const missingAdd = notFound(await add(`organizations/${mine.id}`, nobody, orgAdmin.key), nobody);
    const missingGet = notFound(await t.call(`/v2/users/${nobody}`, { key: orgAdmin.key }), nobody);
    for (const hidden of [stranger, elsewhere, deleted]) {
      // Adding them is "not found", worded exactly as for an id of nothing; nothing is created.
      expect(notFound(await add(`organizations/${mine.id}`, hidden.id, orgAdmin.key), hidden.id)).toBe(missingAdd);
      expect(notFound(await add(`spaces/${space.id}`, hidden.id, orgAdmin.key), hidden.id)).toBe(missingAdd);
      expect(notFound(await add(`spaces/${space.id}`, hidden.id, spaceAdmin.key), hidden.id)).toBe(missingAdd);
      // Reading them is "not found" too, and no list shows them.
      for (const key of [orgAdmin.key, spaceAdmin.key]) {
        expect(notFound(await t.call(`/v2/users/${hidden.id}`, { key }), hidden.id)).toBe(missingGet);
        expect(ids(expectStatus(await t.call("/v2/users?limit=100", { key }), 200))).not.toContain(hidden.id);
        for (const status of ["active", "invited", "expired"]) {
          expect(ids(expectStatus(await t.call(`/v2/users?status=${status}&limit=100`, { key }), 200))).not.toContain(hidden.id);
        }
        expect(ids(expectStatus(await t.call(`/v2/users?email=${encodeURIComponent(hidden.email ?? "")}`, { key }), 200))).toEqual([]);
      }
    }
    const members = expectStatus(await t.call(`/v2/organizations/${mine.id}/users`), 200);
    expect(members.memberships.map((m: { user_id: string }) => m.user_id).sort()).toEqual([orgAdmin.id, spaceAdmin.id].sort());

    // A user the caller sees through an organization it only belongs to: visible, but not its to add (403).
    await addMember(t, "organizations", theirs.id, orgAdmin.id, "read-only");
    expectStatus(await t.call(`/v2/users/${elsewhere.id}`, { key: orgAdmin.key }), 200);
    const notYours = await add(`organizations/${mine.id}`, elsewhere.id, orgAdmin.key);
    expectProblem(notYours, 403, "FORBIDDEN");
    expect(notYours.body.detail).toBe(
      `the user "${elsewhere.name}" belongs to none of the organizations you administer; only account admins may add them`,
    );

    // A user of an organization it administers may be added to another one it administers.
    const second = await newOrganization(t);
    await addMember(t, "organizations", second.id, orgAdmin.id, "admin");
    expectStatus(await add(`organizations/${second.id}`, spaceAdmin.id, orgAdmin.key), 200);

    // Account admins may add anyone; then the organization's admin sees them.
    expectStatus(await add(`organizations/${mine.id}`, stranger.id, t.adminKey), 200);
    expectStatus(await t.call(`/v2/users/${stranger.id}`, { key: orgAdmin.key }), 200);
    expect(ids(expectStatus(await t.call("/v2/users?limit=100", { key: orgAdmin.key }), 200))).toContain(stranger.id);
    // A deleted user is gone from the API for an account admin too: 404, worded as for an id of nothing.
    expect(notFound(await add(`organizations/${mine.id}`, deleted.id, t.adminKey), deleted.id)).toBe(missingAdd);
  });
});
