import { afterEach, expect, it } from "vitest";
import { createKey, expectProblem } from "../support/keys.js";
import { audited, expectStatus, newUser, person } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

/**
 * SPEC §7: the account always keeps an active human admin with the developer
 * flag (docs/identity.md, "The last admin"). Each test starts its own server,
 * so the bootstrap admin is the account's only admin when it begins.
 */
forEachStore((store) => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const start = async () => (t = await startTestServer({ store }));

  const role = (name: string) => ({ type: "predefined", name });
  const patch = (s: TestServer, userId: string, body: unknown, key?: string) =>
    s.call(`/v2/users/${userId}`, { method: "PATCH", body, key });
  const remove = (s: TestServer, userId: string, key?: string) => s.call(`/v2/users/${userId}`, { method: "DELETE", key });

  /** A service key whose bot user is an account admin: it may manage users, but not lock the account out. */
  const adminServiceKey = async (s: TestServer) =>
    (
      await createKey(s, {
        name: "automation",
        key_type: "service",
        space_id: s.spaceId,
        roles: { account_role: "admin", org_role: "admin", space_role: "admin" },
      })
    ).key;

  /** The user as an admin sees it. */
  const user = async (s: TestServer, id: string) => expectStatus(await s.call(`/v2/users/${id}`), 200);

  it("refuses (422) a service key demoting, un-flagging or deleting the last admin, and records nothing", async () => {
    const s = await start();
    const service = await adminServiceKey(s);
    const demote = await audited(s, `/v2/users/${s.adminUserId}`, { method: "PATCH", body: { role: role("member") }, key: service });
    expectProblem(demote.res, 422, "INVALID_STATE");
    expect(demote.res.body.detail).toContain('"role"');
    expect(demote.res.body.detail).toContain("last active admin with developer access");
    expect(demote.events).toEqual([]);
    const unflag = await patch(s, s.adminUserId, { is_developer: false }, service);
    expectProblem(unflag, 422, "INVALID_STATE");
    expect(unflag.body.detail).toContain('"is_developer"');
    const deleted = await audited(s, `/v2/users/${s.adminUserId}`, { method: "DELETE", key: service });
    expectProblem(deleted.res, 422, "INVALID_STATE");
    expect(deleted.events).toEqual([]);
    // The admin removing their own flag is refused too, whoever asks.
    expectProblem(await patch(s, s.adminUserId, { is_developer: false }), 422, "INVALID_STATE");
    expect(await user(s, s.adminUserId)).toMatchObject({ role: role("admin"), is_developer: true, status: "active" });
    // A change that keeps them an admin with the flag is fine.
    expectStatus(await patch(s, s.adminUserId, { name: "Still Admin", is_developer: true }, service), 200);
    expectStatus(await s.call("/v2/whoami"), 200);
  });

  it("allows demoting one admin while another remains, then guards the remaining one", async () => {
    const s = await start();
    const service = await adminServiceKey(s);
    const other = await person(s, { role: "admin" });
    expectStatus(await patch(s, s.adminUserId, { role: role("member") }, service), 200);
    expectProblem(await patch(s, other.id, { role: role("member") }, service), 422, "INVALID_STATE");
    expectProblem(await remove(s, other.id, service), 422, "INVALID_STATE");
    expectProblem(await patch(s, other.id, { is_developer: false }, other.key), 422, "INVALID_STATE");
    // Promoting someone else first makes the change possible.
    expectStatus(await patch(s, s.adminUserId, { role: role("admin") }, other.key), 200);
    expectStatus(await remove(s, other.id, service), 204);
    expect(await user(s, s.adminUserId)).toMatchObject({ role: role("admin"), is_developer: true });
  });

  it("counts neither an admin without the developer flag nor an invited admin", async () => {
    const s = await start();
    const service = await adminServiceKey(s);
    const unflagged = await newUser(s, { role: "admin", is_developer: false });
    const invited = await newUser(s, { role: "admin", invite_mode: "email_link" });
    expect(unflagged).toMatchObject({ is_developer: false, status: "active" });
    expect(invited).toMatchObject({ is_developer: true, status: "invited" });
    expectProblem(await patch(s, s.adminUserId, { role: role("member") }, service), 422, "INVALID_STATE");
    expectProblem(await remove(s, s.adminUserId, service), 422, "INVALID_STATE");
    // Those two may change freely: they do not keep the account administrable.
    expectStatus(await patch(s, unflagged.id, { role: role("member") }, service), 200);
    expectStatus(await remove(s, invited.id, service), 204);
  });

  it("lets exactly one of two admins demoting, un-flagging or deleting each other at once succeed", async () => {
    const s = await start();
    const a = { id: s.adminUserId, key: s.adminKey };
    const b = await person(s, { role: "admin" });
    const isAdmin = async (id: string, key = s.adminKey) => {
      const u = expectStatus(await s.call(`/v2/users/${id}`, { key }), 200);
      return u.status === "active" && u.role.name === "admin" && u.is_developer === true;
    };
    for (let round = 0; round < 6; round += 1) {
      const body = round % 2 === 0 ? { role: role("member") } : { is_developer: false };
      const [ab, ba] = await Promise.all([patch(s, b.id, body, a.key), patch(s, a.id, body, b.key)]);
      // The loser is refused by the guard (422), or, when the winner committed before
      // the loser's request was authorised, because it is no longer an admin (403).
      expect(
        [ab.status, ba.status].filter((status) => status === 200),
        `${ab.text} ${ba.text}`,
      ).toHaveLength(1);
      expect([ab.status, ba.status].filter((status) => status !== 200)[0]).toBeOneOf([403, 422]);
      const [winner, loser] = ab.status === 200 ? [a, b] : [b, a];
      expect(await isAdmin(winner.id, winner.key)).toBe(true);
      expect(await isAdmin(loser.id, winner.key)).toBe(false);
      expectStatus(await patch(s, loser.id, { role: role("admin"), is_developer: true }, winner.key), 200);
    }
    const [ab, ba] = await Promise.all([remove(s, b.id, a.key), remove(s, a.id, b.key)]);
    expect(
      [ab.status, ba.status].filter((status) => status === 204),
      `${ab.text} ${ba.text}`,
    ).toHaveLength(1);
    expect([ab.status, ba.status].filter((status) => status !== 204)[0]).toBeOneOf([401, 422]);
    const survivor = ab.status === 204 ? a : b;
    expect(await isAdmin(survivor.id, survivor.key)).toBe(true);
    expectStatus(await s.call("/v2/whoami", { key: survivor.key }), 200);
  });
});
