import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKey } from "../../src/features/apikeys/index.js";
import type { OrganizationMembership } from "../../src/features/identity/index.js";
import { createKey, expectProblem } from "../support/keys.js";
import { audited, expectStatus, keyFor, newOrganization, newSpace, newUser, person } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  describe("DELETE /v2/users/{user_id}", () => {
    it("removes the user from the API, removes every membership and kills their user keys before it answers", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const doomed = await person(t, { org: { id: org.id, role: "admin" }, space: { id: space.id, role: "admin" } });
      const second = (await createKey(t, { name: "second" }, doomed.key)).key;
      expectStatus(await t.call("/v2/whoami", { key: doomed.key }), 200);

      const { res, events } = await audited(t, `/v2/users/${doomed.id}`, { method: "DELETE" });
      expect(res.status, res.text).toBe(204);
      expect(res.text).toBe("");
      for (const key of [doomed.key, second]) expectProblem(await t.call("/v2/whoami", { key }), 401, "UNAUTHENTICATED");

      expectProblem(await t.call(`/v2/users/${doomed.id}`), 404, "NOT_FOUND");
      const orgMembers = expectStatus(await t.call(`/v2/organizations/${org.id}/users`), 200);
      expect(orgMembers.memberships.map((m: OrganizationMembership) => m.user_id)).not.toContain(doomed.id);
      const spaceMembers = expectStatus(await t.call(`/v2/spaces/${space.id}/users`), 200);
      expect(spaceMembers.memberships).toEqual([]);
      const keys = expectStatus(await t.call(`/v2/api-keys?user_id=${doomed.id}&status=deleted`), 200);
      expect(keys.api_keys).toHaveLength(2);

      const byAction = (action: string) => events.filter((e) => e.action === action);
      expect(events).toHaveLength(3);
      expect(byAction("user.deleted")).toHaveLength(1);
      expect(byAction("user.deleted")[0]).toMatchObject({ target_ids: [doomed.id], actor_user_id: t.adminUserId });
      expect(byAction("user.deleted")[0].details.removed_memberships).toHaveLength(2);
      const keyEvents = byAction("api_key.deleted_by_user_removal");
      expect(keyEvents.map((e) => e.target_ids.find((id: string) => id !== doomed.id)).sort()).toEqual(
        keys.api_keys.map((k: ApiKey) => k.id).sort(),
      );
    });

    it("leaves the service keys the user created working", async () => {
      const org = await newOrganization(t);
      const space = await newSpace(t, org.id);
      const creator = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
      const service = await createKey(t, { name: "svc", key_type: "service", space_id: space.id }, creator.key);
      expectStatus(await t.call(`/v2/users/${creator.id}`, { method: "DELETE" }), 204);
      expectProblem(await t.call("/v2/whoami", { key: creator.key }), 401);
      expectStatus(await t.call("/v2/whoami", { key: service.key }), 200);
      expect(expectStatus(await t.call(`/v2/api-keys/${service.id}`), 200).status).toBe("active");
    });

    it("answers 404 when deleting a deleted user again and records nothing more; the audit trail keeps the history", async () => {
      const user = await newUser(t);
      expectStatus(await t.call(`/v2/users/${user.id}`, { method: "DELETE" }), 204);
      const { res, events } = await audited(t, `/v2/users/${user.id}`, { method: "DELETE" });
      expectProblem(res, 404, "NOT_FOUND");
      expect(events).toEqual([]);
      const history = expectStatus(await t.call(`/v2/audit-events?target_id=${encodeURIComponent(user.id)}`), 200);
      expect(history.audit_events.map((e: { action: string }) => e.action)).toEqual(["user.deleted", "user.created"]);
    });

    it("refuses to delete yourself with a clear 422, changing nothing", async () => {
      const admin = await person(t, { role: "admin" });
      const { res, events } = await audited(t, `/v2/users/${admin.id}`, { method: "DELETE", key: admin.key });
      expectProblem(res, 422, "INVALID_STATE");
      expect(res.body.detail).toBe("you cannot delete yourself; ask another account admin");
      expect(events).toEqual([]);
      expectStatus(await t.call("/v2/whoami", { key: admin.key }), 200);
    });

    it("is for account admins only: an organization admin gets 403 and the user keeps working", async () => {
      const orgAdmin = await person(t, { org: { id: t.organizationId, role: "admin" } });
      const target = await person(t, { org: { id: t.organizationId, role: "member" } });
      const { res, events } = await audited(t, `/v2/users/${target.id}`, { method: "DELETE", key: orgAdmin.key });
      expectProblem(res, 403, "FORBIDDEN");
      expect(events).toEqual([]);
      expectStatus(await t.call("/v2/whoami", { key: target.key }), 200);
    });

    it("answers 404 for a user that does not exist and for a bot user, 400 for a malformed id", async () => {
      const service = await createKey(t, { name: "svc", key_type: "service", space_id: t.spaceId });
      const bot = expectStatus(await t.call("/v2/whoami", { key: service.key }), 200).user.id;
      expectProblem(await t.call(`/v2/users/${bot}`, { method: "DELETE" }), 404, "NOT_FOUND");
      expectStatus(await t.call("/v2/whoami", { key: service.key }), 200);
      expectProblem(await t.call("/v2/users/not-an-id", { method: "DELETE" }), 400, "INVALID_ID");
    });

    it("lets exactly one of concurrent deletes succeed and record the deletion; the others find no user (404)", async () => {
      const user = await newUser(t);
      await keyFor(t, user.id);
      const results = await Promise.all([1, 2, 3, 4].map(() => audited(t, `/v2/users/${user.id}`, { method: "DELETE" })));
      expect(results.map((r) => r.res.status).sort()).toEqual([204, 404, 404, 404]);
      const deleted = results.flatMap((r) => r.events).filter((e) => e.action === "user.deleted");
      expect(deleted).toHaveLength(1);
    });
  });
});
