import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { encodeId } from "../../src/http/ids.js";
import { TestClock } from "../support/clock.js";
import type { HttpResponse, Json } from "../support/http.js";
import { expectStatus, newOrganization, newSpace, person, unique } from "../support/identity.js";
import { createKey, expectProblem } from "../support/keys.js";
import { seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

/** Issue 17, SPEC §13: POST /v2/api-keys/verify answers what a customer's key stands for. */

const from = () => `127.0.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;

forEachStore((store) => {
  describe("POST /v2/api-keys/verify", () => {
    let t: TestServer;
    const clock = new TestClock();
    beforeAll(async () => {
      t = await startTestServer({ store, clock, env: { KEYHOUSE_AUTH_FAILURE_LIMIT: "3" } });
    });
    afterAll(async () => t?.close());

    const verify = (body: unknown, options: { key?: string; headers?: Record<string, string>; localAddress?: string } = {}) =>
      t.call("/v2/api-keys/verify", { method: "POST", body, ...options });
    const answer = async (body: unknown): Promise<Json> => expectStatus(await verify(body), 200);

    it("VALID: the key, its subject, and no permissions member when none were asked", async () => {
      const user = await seedUser(t, { spaceRole: "member" });
      const res = await verify({ key: user.key });
      expect(res.headers["cache-control"]).toBe("no-store");
      const body = expectStatus(res, 200);
      expect(body).toEqual({
        valid: true,
        code: "VALID",
        key: { id: expect.any(String), name: expect.any(String), key_type: "user", expires_at: null },
        subject: { id: user.wireId, kind: "human", name: expect.any(String) },
      });
    });

    it("NOT_FOUND: an unknown key, a malformed one, and nothing else said", async () => {
      expect(await answer({ key: generateRawKey() })).toEqual({ valid: false, code: "NOT_FOUND" });
      expect(await answer({ key: "not-a-key" })).toEqual({ valid: false, code: "NOT_FOUND" });
    });

    it("REVOKED: a deleted key", async () => {
      const created = await createKey(t, { name: unique("revoked") });
      expect((await t.call(`/v2/api-keys/${created.id}`, { method: "DELETE" })).status).toBe(204);
      const body = await answer({ key: created.key });
      expect(body).toMatchObject({ valid: false, code: "REVOKED", key: { id: created.id } });
      expect(body.permissions).toBeUndefined();
    });

    it("EXPIRED: a key past its expiry (and VALID the moment before)", async () => {
      const created = await createKey(t, { name: unique("expiring"), expires_at: clock.inSeconds(10) });
      expect(await answer({ key: created.key })).toMatchObject({ valid: true, code: "VALID", key: { expires_at: expect.any(String) } });
      clock.advance(10_000);
      expect(await answer({ key: created.key })).toMatchObject({ valid: false, code: "EXPIRED", key: { id: created.id } });
    });

    it("FORBIDDEN: a deleted user's key and a key of a user without developer access", async () => {
      const gone = await seedUser(t);
      expect((await answer({ key: gone.key })).code).toBe("VALID");
      expect((await t.call(`/v2/users/${gone.wireId}`, { method: "DELETE" })).status).toBe(204);
      expect(await answer({ key: gone.key })).toMatchObject({ valid: false, code: "FORBIDDEN", subject: { id: gone.wireId } });
      const annotator = await seedUser(t, { role: "annotator", isDeveloper: false });
      expect(await answer({ key: annotator.key })).toMatchObject({ valid: false, code: "FORBIDDEN", subject: { id: annotator.wireId } });
    });

    describe("the permission answer, from the engine, on each resource type", () => {
      let org: Json;
      let space: Json;
      let project: Json;
      let member: { id: string; key: string };
      let reader: { id: string; key: string };
      beforeAll(async () => {
        org = await newOrganization(t);
        space = await newSpace(t, org.id);
        project = expectStatus(await t.call("/v2/projects", { method: "POST", body: { name: unique("p"), space_id: space.id } }), 201);
        member = await person(t, { org: { id: org.id, role: "member" }, space: { id: space.id, role: "member" } });
        reader = await person(t, { org: { id: org.id, role: "read-only" }, space: { id: space.id, role: "read-only" } });
      });

      it("ORGANIZATION: held ones listed, INSUFFICIENT_PERMISSIONS when one is missing", async () => {
        const resource = { type: "ORGANIZATION", id: org.id };
        expect(await answer({ key: member.key, permissions: ["PROJECT_READ"], resource })).toMatchObject({
          valid: true,
          code: "VALID",
          permissions: ["PROJECT_READ"],
        });
        expect(await answer({ key: member.key, permissions: ["PROJECT_READ", "SPACE_CREATE"], resource })).toMatchObject({
          valid: false,
          code: "INSUFFICIENT_PERMISSIONS",
          permissions: ["PROJECT_READ"],
          subject: { id: member.id },
        });
      });

      it("SPACE: a read-only member holds the reads only", async () => {
        const resource = { type: "SPACE", id: space.id };
        expect(await answer({ key: reader.key, permissions: ["PROJECT_READ", "PROJECT_CREATE"], resource })).toMatchObject({
          code: "INSUFFICIENT_PERMISSIONS",
          permissions: ["PROJECT_READ"],
        });
        expect(await answer({ key: member.key, permissions: ["PROJECT_READ", "PROJECT_CREATE"], resource })).toMatchObject({
          code: "VALID",
          permissions: ["PROJECT_READ", "PROJECT_CREATE"],
        });
      });

      it("PROJECT: through the space's roles; a stranger to the space holds nothing there", async () => {
        const resource = { type: "PROJECT", id: project.id };
        expect(await answer({ key: member.key, permissions: ["PROJECT_UPDATE"], resource })).toMatchObject({ code: "VALID" });
        expect(await answer({ key: reader.key, permissions: ["PROJECT_UPDATE"], resource })).toMatchObject({
          code: "INSUFFICIENT_PERMISSIONS",
          permissions: [],
        });
        const stranger = await seedUser(t, { spaceRole: "member" });
        expect(await answer({ key: stranger.key, permissions: ["PROJECT_READ"], resource })).toMatchObject({
          code: "INSUFFICIENT_PERMISSIONS",
          permissions: [],
        });
      });

      it("a resource alone asks whether the key sees it at all; one that does not exist is seen by nobody", async () => {
        const stranger = await seedUser(t, { spaceRole: "member" });
        expect((await answer({ key: member.key, resource: { type: "SPACE", id: space.id } })).code).toBe("VALID");
        expect((await answer({ key: stranger.key, resource: { type: "SPACE", id: space.id } })).code).toBe("INSUFFICIENT_PERMISSIONS");
        const missing = { type: "PROJECT", id: encodeId("Project", 987_654_321) };
        expect(await answer({ key: t.adminKey, permissions: ["PROJECT_READ"], resource: missing })).toMatchObject({
          code: "INSUFFICIENT_PERMISSIONS",
          permissions: [],
        });
      });

      it("permissions without a resource are asked of the account", async () => {
        expect(await answer({ key: member.key, permissions: ["API_KEY_VERIFY"] })).toMatchObject({
          code: "INSUFFICIENT_PERMISSIONS",
          permissions: [],
        });
        expect(await answer({ key: t.adminKey, permissions: ["API_KEY_VERIFY"] })).toMatchObject({
          code: "VALID",
          permissions: ["API_KEY_VERIFY"],
        });
      });

      it("answers in the 2026-07 casing and takes its permission names", async () => {
        const res = await verify(
          { key: member.key, permissions: ["SERVICE_KEY_REVOKE"], resource: { type: "SPACE", id: space.id } },
          { headers: { "keyhouse-dialect": "2026-07" } },
        );
        const body = expectStatus(res, 200);
        expect(body.key.key_type).toBe("USER");
        expect(body.code).toBe("INSUFFICIENT_PERMISSIONS");
      });
    });

    it("a verified key's failures do not count against the caller's address", async () => {
      const address = from();
      for (let i = 0; i < 8; i++) {
        expect((await verify({ key: generateRawKey() }, { localAddress: address })).status).toBe(200);
      }
      // The budget of 3 is untouched: the caller's own bad key is 401, not 429.
      expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: address }), 401, "UNAUTHENTICATED");
    });

    it("403 for a caller without API_KEY_VERIFY, 401 without a key", async () => {
      const user = await seedUser(t, { spaceRole: "admin", orgRole: "admin" });
      const res = await verify({ key: user.key }, { key: user.key });
      expectProblem(res, 403, "FORBIDDEN");
      expect(res.body.detail).toContain("API_KEY_VERIFY");
      expectProblem(await verify({ key: user.key }, { key: null } as never), 401);
    });

    it("400 for a malformed request, naming what is wrong", async () => {
      const key = generateRawKey();
      const bad: Array<[unknown, string]> = [
        [{}, "key"],
        [{ key, extra: 1 }, "extra"],
        [{ key: 42 }, "key"],
        [{ key, permissions: ["NOT_A_PERMISSION"] }, "permissions"],
        [{ key, permissions: ["PROJECT_READ", "PROJECT_READ"] }, "permissions"],
        [{ key, resource: { type: "ACCOUNT", id: "x" } }, "type"],
        [{ key, resource: { type: "SPACE" } }, "id"],
        [{ key, resource: { type: "SPACE", id: "!!" } }, "resource.id"],
        [{ key, resource: { type: "SPACE", id: encodeId("Project", 1) } }, "resource.id"],
        [{ key: "x".repeat(513) }, "key"],
      ];
      for (const [body, named] of bad) {
        const res: HttpResponse = await verify(body);
        expectProblem(res, 400);
        expect(res.body.detail, JSON.stringify(body)).toContain(named);
      }
    });

    it("never writes the verified raw key to the log", async () => {
      const user = await seedUser(t);
      await answer({ key: user.key });
      const unknown = generateRawKey();
      await answer({ key: unknown });
      expectProblem(await verify({ key: unknown, extra: true }), 400);
      const logs = t.logs();
      expect(logs).not.toContain(user.key);
      expect(logs).not.toContain(unknown);
    });
  });
});
