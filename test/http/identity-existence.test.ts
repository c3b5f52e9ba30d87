import { afterAll, beforeAll, expect, it } from "vitest";
import { encodeId } from "../../src/http/ids.js";
import type { HttpResponse } from "../support/http.js";
import { expectProblem } from "../support/keys.js";
import { addMember, expectStatus, newOrganization, newSpace, newUser, person } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

/**
 * No existence oracles (docs/identity.md, "Who may do what"): an organization or
 * space the caller may not see answers 404 on every route that takes its id,
 * with the same detail as an id of nothing; removing a member answers one 404
 * whether the user is missing or merely not a member.
 */
forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  type Route = [method: string, path: string, body?: unknown];

  /** The problem's detail with the one id it names replaced, so two answers about different ids compare. */
  const detailOf = (res: HttpResponse, id: string) => {
    expectProblem(res, 404, "NOT_FOUND");
    return String(res.body.detail).replaceAll(id, "<id>");
  };

  /** Each route, for the hidden id and for the id of nothing, answers the caller 404 with one wording. */
  async function expectSameNotFound(routes: (id: string) => Route[], hidden: string, missing: string, key: string): Promise<void> {
    const forHidden = routes(hidden);
    const forMissing = routes(missing);
    for (const [i, [method, path, body]] of forHidden.entries()) {
      const [, missingPath, missingBody] = forMissing[i]!;
      const a = await t.call(path, { method, body, key });
      const b = await t.call(missingPath, { method, body: missingBody, key });
      expect(detailOf(a, hidden), `${method} ${path}`).toBe(detailOf(b, missing));
    }
  }

  it("answers a member outside a space 404 on every route taking the space, as for a space that does not exist", async () => {
    const org = await newOrganization(t);
    const space = await newSpace(t, org.id);
    const gone = await newSpace(t, org.id);
    expectStatus(await t.call(`/v2/spaces/${gone.id}`, { method: "DELETE" }), 204);
    const member = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
    // An organization member (developer flag, a key) with no role in the space.
    const outsider = await person(t, { org: { id: org.id, role: "member" } });
    const routes = (id: string): Route[] => [
      ["GET", `/v2/spaces/${id}`],
      ["GET", `/v2/api-keys?space_id=${id}`],
      ["GET", `/v2/api-keys?space_id=${id}&key_type=service&status=deleted`],
      ["POST", "/v2/api-keys", { name: "svc", key_type: "service", space_id: id }],
      ["GET", `/v2/spaces/${id}/users`],
      ["POST", `/v2/spaces/${id}/users`, { user_id: member.id, role: "read-only" }],
      ["DELETE", `/v2/spaces/${id}/users/${member.id}`],
      ["PATCH", `/v2/spaces/${id}`, { description: "x" }],
      ["DELETE", `/v2/spaces/${id}`],
    ];
    await expectSameNotFound(routes, space.id, gone.id, outsider.key);
    // A space the caller sees but may not act in is 403, not 404.
    const reader = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "read-only" } });
    expectStatus(await t.call(`/v2/api-keys?space_id=${space.id}`, { key: reader.key }), 200);
    const create = await t.call("/v2/api-keys", {
      method: "POST",
      body: { name: "svc", key_type: "service", space_id: space.id },
      key: reader.key,
    });
    expectProblem(create, 403, "FORBIDDEN");
    // Nothing was changed by the refused calls.
    const members = expectStatus(await t.call(`/v2/spaces/${space.id}/users`), 200);
    expect(members.memberships.find((m: { user_id: string }) => m.user_id === member.id)?.role.name).toBe("member");
  });

  it("answers a user outside an organization 404 on every route taking the organization, as for one that does not exist", async () => {
    const org = await newOrganization(t);
    const gone = await newOrganization(t);
    expectStatus(await t.call(`/v2/organizations/${gone.id}`, { method: "DELETE" }), 204);
    const member = await person(t, { org: { id: org.id, role: "member" } });
    const home = await newOrganization(t);
    const outsider = await person(t, { org: { id: home.id, role: "admin" } });
    const routes = (id: string): Route[] => [
      ["GET", `/v2/organizations/${id}`],
      ["PATCH", `/v2/organizations/${id}`, { description: "x" }],
      ["GET", `/v2/organizations/${id}/users`],
      ["POST", `/v2/organizations/${id}/users`, { user_id: member.id, role: "read-only" }],
      ["DELETE", `/v2/organizations/${id}/users/${member.id}`],
      ["POST", "/v2/spaces", { name: "s", organization_id: id }],
    ];
    await expectSameNotFound(routes, org.id, gone.id, outsider.key);
  });

  it("words removing a non-member exactly as removing a user that does not exist, or a deleted one", async () => {
    const org = await newOrganization(t);
    const space = await newSpace(t, org.id);
    const stranger = await newUser(t);
    const deleted = await newUser(t);
    await addMember(t, "organizations", org.id, deleted.id, "member");
    expectStatus(await t.call(`/v2/users/${deleted.id}`, { method: "DELETE" }), 204);
    const nobody = encodeId("User", 987_654_321);
    for (const scope of [`organizations/${org.id}`, `spaces/${space.id}`]) {
      const remove = (userId: string) => t.call(`/v2/${scope}/users/${userId}`, { method: "DELETE" });
      const missing = detailOf(await remove(nobody), nobody);
      expect(missing).toContain("is not a member");
      expect(detailOf(await remove(stranger.id), stranger.id)).toBe(missing);
      expect(detailOf(await remove(deleted.id), deleted.id)).toBe(missing);
    }
  });
});
