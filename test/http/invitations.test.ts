import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeId } from "../../src/http/ids.js";
import { fetchLink, historyOf, inspect, redeem } from "../support/claims.js";
import { TestClock } from "../support/clock.js";
import { expectStatus, newUser, person, unique } from "../support/identity.js";
import { createKey, expectProblem } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

const DAY_MS = 24 * 3600 * 1000;
const DEAD_LINK =
  "this link does not work: it was already used, replaced by a newer one, or has expired; ask an account admin of keyhouse for a new one";

forEachStore((store) => {
  let t: TestServer;
  const clock = new TestClock();
  const issuedTokens: string[] = [];
  beforeAll(async () => {
    t = await startTestServer({ store, clock, env: { KEYHOUSE_PUBLIC_URL: "https://keys.example.test/" } });
  });
  afterAll(async () => {
    // No token ever lands in a log line or a stored row (only its keyed hash is stored).
    const logs = t.logs();
    const rows = JSON.stringify(await t.server.store.db.selectFrom("audit_events").select("details").execute());
    for (const token of issuedTokens) {
      expect(logs).not.toContain(token.slice(3));
      expect(rows).not.toContain(token.slice(3));
    }
    await t.close();
  });

  const invite = (options: { role?: "admin" | "member" | "annotator"; is_developer?: boolean } = {}) =>
    newUser(t, { invite_mode: "email_link", ...options });
  const link = async (userId: string) => {
    const fetched = await fetchLink(t, userId);
    issuedTokens.push(fetched.token);
    return fetched;
  };
  const userStatus = async (id: string) => expectStatus(await t.call(`/v2/users/${id}`), 200).status;

  describe("POST /v2/users with invite_mode email_link", () => {
    it("creates an invited user (201 UserCreatedResponse) and records the invitation, never its token", async () => {
      const user = await invite();
      expect(user).toMatchObject({ status: "invited", invite_mode: "email_link" });
      const actions = (await historyOf(t, user.id)).map((e) => e.action);
      expect(actions).toEqual(["user.invitation_issued", "user.created"]);
      const issued = (await historyOf(t, user.id))[0];
      expect(issued.details).toEqual({ kind: "invitation", expires_at: new Date(clock.now() + 7 * DAY_MS).toISOString() });
    });
  });

  describe("POST /v2/users/{user_id}/claim-link (extension)", () => {
    it("gives an account admin a fresh link <public url>/#/claim/kc-…, valid 7 days, shown once (no-store)", async () => {
      const user = await invite();
      const res = await t.call(`/v2/users/${user.id}/claim-link`, { method: "POST" });
      const body = expectStatus(res, 200);
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(Object.keys(body).sort()).toEqual(["expires_at", "kind", "url"]);
      expect(body.url).toMatch(/^https:\/\/keys\.example\.test\/#\/claim\/kc-[0-9A-Za-z]{48}$/);
      expect(body).toMatchObject({ kind: "invitation", expires_at: new Date(clock.now() + 7 * DAY_MS).toISOString() });
      issuedTokens.push(body.url.split("/#/claim/")[1]);
      expect((await historyOf(t, user.id))[0]).toMatchObject({ action: "user.claim_link_issued", details: { kind: "invitation" } });
    });

    it("stores only the token's HMAC with the server secret", async () => {
      const user = await invite();
      const { token } = await link(user.id);
      const rows = await t.server.store.db.selectFrom("claim_links").selectAll().execute();
      const hash = createHmac("sha256", t.secret).update(token).digest();
      expect(rows.filter((row) => Buffer.from(row.token_hash).equals(hash))).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(token.slice(3));
    });

    it("kills the user's previous link of the same kind", async () => {
      const user = await invite();
      const first = await link(user.id);
      const second = await link(user.id);
      expectProblem(await inspect(t, first.token), 404, "NOT_FOUND");
      expectStatus(await inspect(t, second.token), 200);
    });

    it("is for account admins (403 for an organization admin), not with a service key (403), 404 for unknown or deleted users", async () => {
      const user = await invite();
      const orgAdmin = await person(t, { org: { id: t.organizationId, role: "admin" } });
      expectProblem(await t.call(`/v2/users/${user.id}/claim-link`, { method: "POST", key: orgAdmin.key }), 403, "FORBIDDEN");
      const service = await createKey(t, { name: "svc", key_type: "service", space_id: t.spaceId, roles: { account_role: "admin" } });
      const refused = await t.call(`/v2/users/${user.id}/claim-link`, { method: "POST", key: service.key });
      expectProblem(refused, 403, "FORBIDDEN");
      expect(refused.body.detail).toContain("service key");
      const gone = await invite();
      expectStatus(await t.call(`/v2/users/${gone.id}`, { method: "DELETE" }), 204);
      expectProblem(await t.call(`/v2/users/${gone.id}/claim-link`, { method: "POST" }), 404, "NOT_FOUND");
      expectProblem(await t.call(`/v2/users/${t.spaceId}/claim-link`, { method: "POST" }), 400, "INVALID_ID");
      expectProblem(await t.call(`/v2/users/${user.id}/claim-link`, { method: "POST", key: null }), 401);
    });
  });

  describe("POST /v2/claims/inspect and /v2/claims/redeem (no API key)", () => {
    it("shows who an invitation is for, then mints their first key once and makes them active", async () => {
      const user = await invite();
      const { token, expires_at } = await link(user.id);
      const seen = await inspect(t, token);
      expect(expectStatus(seen, 200)).toEqual({
        kind: "invitation",
        expires_at,
        user: { id: user.id, name: user.name, email: user.email },
      });
      expect(seen.headers["cache-control"]).toBe("no-store");

      const res = await redeem(t, token, "laptop");
      const issued = expectStatus(res, 201);
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(issued).toMatchObject({ name: "laptop", key_type: "user", status: "active", created_by_user_id: user.id });
      expect(issued.key).toMatch(/^ak-[0-9A-Za-z]{48}$/);
      expect(await userStatus(user.id)).toBe("active");
      const own = expectStatus(await t.call("/v2/api-keys", { key: issued.key }), 200);
      expect(own.api_keys.map((k: { id: string }) => k.id)).toEqual([issued.id]);

      const history = await historyOf(t, user.id);
      const claimed = history.find((e) => e.action === "user.claimed");
      expect(claimed).toMatchObject({ actor_user_id: user.id, details: { kind: "invitation" } });
      expect(claimed).not.toHaveProperty("actor_key_id");
      expect(history.find((e) => e.action === "api_key.created")).toMatchObject({
        actor_user_id: user.id,
        target_ids: expect.arrayContaining([issued.id, user.id]),
      });
    });

    it("is single use: a second redemption, and inspecting afterwards, get the one uniform 404", async () => {
      const user = await invite();
      const { token } = await link(user.id);
      expectStatus(await redeem(t, token), 201);
      for (const res of [await redeem(t, token), await inspect(t, token)]) {
        expectProblem(res, 404, "NOT_FOUND");
        expect(res.body.detail).toBe(DEAD_LINK);
      }
    });

    it("lets exactly one of concurrent redemptions of one link win", async () => {
      const user = await invite();
      const { token } = await link(user.id);
      const results = await Promise.all([1, 2, 3, 4].map((i) => redeem(t, token, `race ${i}`)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 404, 404, 404]);
      const keys = expectStatus(await t.call(`/v2/api-keys?user_id=${user.id}`), 200);
      expect(keys.api_keys).toHaveLength(1);
    });

    it("answers malformed, unknown, used and replaced tokens alike (no oracle)", async () => {
      const user = await invite();
      const old = await link(user.id);
      const current = await link(user.id);
      const used = await invite().then((u) => link(u.id));
      expectStatus(await redeem(t, used.token), 201);
      const unknown = `kc-${current.token.slice(3, 10)}${"A".repeat(41)}`;
      for (const token of ["kc-short", `ak-${current.token.slice(3)}`, unknown, old.token, used.token]) {
        for (const res of [await inspect(t, token), await redeem(t, token)]) {
          expectProblem(res, 404, "NOT_FOUND");
          expect(res.body.detail).toBe(DEAD_LINK);
          expect(res.text).not.toContain(token);
        }
      }
    });

    it("refuses a user without developer access (422) and leaves the link usable", async () => {
      const user = await invite({ role: "annotator" });
      const { token } = await link(user.id);
      const refused = await redeem(t, token);
      expectProblem(refused, 422, "INVALID_STATE");
      expect(refused.body.detail).toContain("developer access");
      expect(await userStatus(user.id)).toBe("invited");
      expectStatus(await t.call(`/v2/users/${user.id}`, { method: "PATCH", body: { is_developer: true } }), 200);
      expectStatus(await redeem(t, token), 201);
    });

    it("kills a deleted user's links", async () => {
      const user = await invite();
      const { token } = await link(user.id);
      expectStatus(await t.call(`/v2/users/${user.id}`, { method: "DELETE" }), 204);
      expectProblem(await inspect(t, token), 404);
      expectProblem(await redeem(t, token), 404);
    });

    it("answers 400 naming the field for a body without token or name, and takes no API key", async () => {
      const missing = await t.call("/v2/claims/redeem", { method: "POST", body: { token: "kc-x" }, key: null });
      expectProblem(missing, 400);
      expect(missing.body.detail).toContain('"name"');
      expectProblem(await t.call("/v2/claims/inspect", { method: "POST", body: {}, key: null }), 400);
    });
  });

  describe("expiry after 7 days", () => {
    it("turns an invited user expired (list filters follow) and the link dead; resend gives 7 fresh days", async () => {
      const tag = unique("exp").toLowerCase();
      const user = await newUser(t, { invite_mode: "email_link", email: `${tag}@example.test` });
      const { token } = await link(user.id);
      const listed = async (status: string) =>
        expectStatus(await t.call(`/v2/users?email=${tag}&status=${status}`), 200).users.map((u: { id: string }) => u.id);
      expect(await listed("invited")).toEqual([user.id]);
      clock.advance(7 * DAY_MS - 1000);
      expect(await userStatus(user.id)).toBe("invited");
      expectStatus(await inspect(t, token), 200);
      clock.advance(1000);
      expect(await userStatus(user.id)).toBe("expired");
      expect(await listed("expired")).toEqual([user.id]);
      expect(await listed("invited")).toEqual([]);
      expect(await listed("active")).toEqual([]);
      expectProblem(await inspect(t, token), 404);
      expectProblem(await redeem(t, token), 404);

      expectStatus(await t.call(`/v2/users/${user.id}/resend-invitation`, { method: "POST" }), 204);
      expect(await userStatus(user.id)).toBe("invited");
      expect((await historyOf(t, user.id))[0]).toMatchObject({
        action: "user.invitation_resent",
        details: { kind: "invitation", expires_at: new Date(clock.now() + 7 * DAY_MS).toISOString() },
      });
      const fresh = await link(user.id);
      expectStatus(await redeem(t, fresh.token), 201);
      expect(await userStatus(user.id)).toBe("active");
    });
  });

  describe("GET /v2/whoami of an invited user holding a key an admin issued", () => {
    it("shows the same wire status as the User object: invited, then expired", async () => {
      const user = await invite();
      const key = expectStatus(await t.call(`/v2/users/${user.id}/api-keys`, { method: "POST", body: { name: "early" } }), 201).key;
      expect(expectStatus(await t.call("/v2/whoami", { key }), 200).user.status).toBe("invited");
      clock.advance(7 * DAY_MS);
      expect(expectStatus(await t.call("/v2/whoami", { key }), 200).user.status).toBe("expired");
      expect(await userStatus(user.id)).toBe("expired");
    });
  });

  describe("POST /v2/users/{user_id}/resend-invitation", () => {
    it("answers 204 and kills the old link", async () => {
      const user = await invite();
      const { token } = await link(user.id);
      const res = await t.call(`/v2/users/${user.id}/resend-invitation`, { method: "POST" });
      expect(res.status, res.text).toBe(204);
      expect(res.text).toBe("");
      expectProblem(await inspect(t, token), 404);
    });

    it("refuses an active user with 422 pointing to reset-password", async () => {
      const user = await newUser(t);
      const res = await t.call(`/v2/users/${user.id}/resend-invitation`, { method: "POST" });
      expectProblem(res, 422, "INVALID_STATE");
      expect(res.body.detail).toContain("is active");
      expect(res.body.detail).toContain("reset-password");
    });

    it("is for account admins only (403), 404 for a deleted user, 401 without a key", async () => {
      const user = await invite();
      const orgAdmin = await person(t, { org: { id: t.organizationId, role: "admin" } });
      expectProblem(await t.call(`/v2/users/${user.id}/resend-invitation`, { method: "POST", key: orgAdmin.key }), 403);
      expectProblem(await t.call(`/v2/users/${user.id}/resend-invitation`, { method: "POST", key: null }), 401);
      expectStatus(await t.call(`/v2/users/${user.id}`, { method: "DELETE" }), 204);
      expectProblem(await t.call(`/v2/users/${user.id}/resend-invitation`, { method: "POST" }), 404, "NOT_FOUND");
    });
  });

  describe("POST /v2/users/{user_id}/reset-password", () => {
    it("answers 204 for an active user; the recovery link (24 hours) mints a new key and the old keys keep working", async () => {
      const member = await person(t, { org: { id: t.organizationId, role: "member" } });
      const res = await t.call(`/v2/users/${member.id}/reset-password`, { method: "POST" });
      expect(res.status, res.text).toBe(204);
      expect((await historyOf(t, member.id))[0]).toMatchObject({ action: "user.recovery_issued", details: { kind: "recovery" } });
      const recovery = await link(member.id);
      expect(recovery).toMatchObject({ kind: "recovery", expires_at: new Date(clock.now() + DAY_MS).toISOString() });
      expect(expectStatus(await inspect(t, recovery.token), 200).kind).toBe("recovery");
      const minted = expectStatus(await redeem(t, recovery.token, "recovered"), 201);
      expectStatus(await t.call("/v2/whoami", { key: minted.key }), 200);
      expectStatus(await t.call("/v2/whoami", { key: member.key }), 200);
      expect(await userStatus(member.id)).toBe("active");
      expectProblem(await redeem(t, recovery.token), 404);
    });

    it("lets a recovery link expire after 24 hours", async () => {
      const member = await person(t);
      const recovery = await link(member.id);
      clock.advance(DAY_MS);
      expectProblem(await redeem(t, recovery.token), 404);
      expect(await userStatus(member.id)).toBe("active");
    });

    it("refuses an invited or expired user with 422 pointing to resend-invitation", async () => {
      const user = await invite();
      const res = await t.call(`/v2/users/${user.id}/reset-password`, { method: "POST" });
      expectProblem(res, 422, "INVALID_STATE");
      expect(res.body.detail).toContain("is invited");
      expect(res.body.detail).toContain("resend-invitation");
      clock.advance(7 * DAY_MS);
      expect((await t.call(`/v2/users/${user.id}/reset-password`, { method: "POST" })).body.detail).toContain("is expired");
    });

    it("is for account admins only (403) and 404 for a user that does not exist", async () => {
      const member = await person(t, { org: { id: t.organizationId, role: "admin" } });
      expectProblem(await t.call(`/v2/users/${t.adminUserId}/reset-password`, { method: "POST", key: member.key }), 403);
      const res = await t.call(`/v2/users/${member.id}/reset-password`, { method: "POST" });
      expect(res.status).toBe(204);
      expectProblem(await t.call(`/v2/users/${encodeId("User", 987_654_321)}/reset-password`, { method: "POST" }), 404, "NOT_FOUND");
    });
  });
});

describe("failed claims and the authentication throttle", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { KEYHOUSE_AUTH_FAILURE_LIMIT: "3", KEYHOUSE_AUTH_FAILURE_WINDOW_SECONDS: "600" } });
  });
  afterAll(async () => t.close());

  it("counts wrong tokens like bad API keys (429 with Retry-After past the budget), and never refuses a working link", async () => {
    const address = "127.0.0.77";
    const user = await newUser(t, { invite_mode: "email_link" });
    const { token } = await fetchLink(t, user.id);
    const wrong = `kc-${"B".repeat(48)}`;
    for (let i = 0; i < 3; i++) expectProblem(await inspect(t, wrong, address), 404);
    const blocked = await redeem(t, wrong, "x", address);
    expectProblem(blocked, 429, "TOO_MANY_REQUESTS");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    // Bad API keys from the address share the budget.
    expectProblem(await t.call("/v2/whoami", { key: `ak-${"C".repeat(48)}`, localAddress: address }), 429);
    expectStatus(await inspect(t, token, address), 200);
    expectStatus(await redeem(t, token, "mine", address), 201);
    // Another address is not affected.
    expectProblem(await inspect(t, wrong, "127.0.0.78"), 404);
  });
});
