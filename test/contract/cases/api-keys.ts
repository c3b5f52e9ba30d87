import { expect } from "vitest";
import { idOfNothing, type ContractSuite } from "../suite.js";

const CREATE = "POST /v2/api-keys";
const LIST = "GET /v2/api-keys";
const DELETE = "DELETE /v2/api-keys/{api_key_id}";
const REFRESH = "POST /v2/api-keys/{api_key_id}/refresh";

const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

/** The API keys resource (SPEC §6) as sdk-8.31.0.json defines it. */
export function apiKeyCases(s: ContractSuite): void {
  s.case(CREATE, "201 ApiKeyCreated for a user key, with the raw key once", async () => {
    const body = { name: "contract user key", description: "made by the contract suite", expires_at: inHours(24) };
    const created = await s.call(CREATE, { body }, 201);
    expect(created).toMatchObject({ name: body.name, key_type: "user", status: "active", created_by_user_id: s.t.adminUserId });
    expect(created.key).toMatch(/^ak-[A-Za-z0-9]{48}$/);
  });

  s.case(CREATE, "201 ApiKeyCreated for a service key with roles (no space_id on the wire)", async () => {
    const roles = { space_role: "member", org_role: "read-only", account_role: "member" };
    const body = { name: "contract service key", key_type: "service", space_id: s.fx.spaceId, roles };
    expect(await s.call(CREATE, { body, key: s.fx.member.key }, 201)).toMatchObject({
      key_type: "service",
      created_by_user_id: s.fx.member.id,
    });
  });

  s.case(CREATE, "400 for a body the client cannot send, and for a user key given a space", async () => {
    await s.call(CREATE, { badBody: { description: "no name" } }, 400);
    await s.call(CREATE, { badBody: { name: "x", colour: "red" } }, 400);
    await s.call(CREATE, { badBody: { name: "x", key_type: "robot" } }, 400);
    await s.call(CREATE, { body: { name: "x", key_type: "user", space_id: s.fx.spaceId } }, 400);
    await s.call(CREATE, { body: { name: "x", key_type: "service" } }, 400);
  });

  s.case(CREATE, "403 for a caller without developer access, and for a read-only member's service key", async () => {
    await s.call(CREATE, { body: { name: "x" }, key: s.fx.nonDeveloper.key }, 403);
    await s.call(CREATE, { body: { name: "x", key_type: "service", space_id: s.fx.spaceId }, key: s.fx.reader.key }, 403);
  });

  s.case(CREATE, "404 for a service key in a space of nothing", async () => {
    await s.call(CREATE, { body: { name: "x", key_type: "service", space_id: idOfNothing("Space") } }, 404);
  });

  s.case(LIST, "200 ApiKeyListResponse: own user keys, a space's service keys, deleted keys, pages", async () => {
    const own = await s.call(LIST, {}, 200);
    expect(own.api_keys.length).toBeGreaterThan(0);
    const service = await s.call(LIST, { query: { space_id: s.fx.spaceId, key_type: "service" } }, 200);
    expect(service.api_keys.map((k: { id: string }) => k.id)).toContain(s.fx.serviceKey.id);
    await s.call(LIST, { query: { status: "deleted" } }, 200);
    await s.call(LIST, { query: { user_id: s.fx.member.id } }, 200);
    const first = await s.call(LIST, { query: { space_id: s.fx.spaceId, limit: "1" } }, 200);
    expect(first.pagination).toMatchObject({ has_more: true });
    const second = await s.call(LIST, { query: { space_id: s.fx.spaceId, limit: "1", cursor: first.pagination.next_cursor } }, 200);
    expect(second.api_keys[0].id).not.toBe(first.api_keys[0].id);
  });

  s.case(LIST, "400 for values outside the client's query, a repeated parameter, a forged cursor", async () => {
    for (const query of [{ limit: "0" }, { limit: "101" }, { key_type: "robot" }, { status: "gone" }, { cursor: "forged" }]) {
      await s.call(LIST, { query }, 400);
    }
    await s.call(LIST, { query: { key_type: "user", space_id: s.fx.spaceId } }, 400);
    await s.call(
      LIST,
      {
        query: [
          ["limit", "5"],
          ["limit", "6"],
        ],
      },
      400,
    );
  });

  s.case(LIST, "403 for another user's keys without being an account admin", async () => {
    await s.call(LIST, { query: { user_id: s.t.adminUserId }, key: s.fx.member.key }, 403);
  });

  s.case(LIST, "404 for a space of nothing", async () => {
    await s.call(LIST, { query: { space_id: idOfNothing("Space") } }, 404);
  });

  s.case(DELETE, "204 with an empty body, and 204 again for a deleted key", async () => {
    const { id } = await s.call(CREATE, { body: { name: "to delete" } }, 201);
    await s.call(DELETE, { params: { api_key_id: id } }, 204);
    await s.call(DELETE, { params: { api_key_id: id } }, 204);
  });

  s.case(DELETE, "403 for a space member deleting a service key someone else made", async () => {
    await s.call(DELETE, { params: { api_key_id: s.fx.serviceKey.id }, key: s.fx.member.key }, 403);
  });

  s.case(REFRESH, "200 ApiKeyCreated with a new key; the old one keeps its grace period", async () => {
    const old = await s.call(CREATE, { body: { name: "to refresh" } }, 201);
    const body = { expires_at: inHours(48), grace_period_seconds: 60 };
    const fresh = await s.call(REFRESH, { params: { api_key_id: old.id }, body }, 200);
    expect(fresh).toMatchObject({ name: "to refresh", key_type: "user", status: "active" });
    expect(fresh.id).not.toBe(old.id);
    await s.call(REFRESH, { params: { api_key_id: fresh.id }, body: {} }, 200);
  });

  s.case(REFRESH, "400 for a grace period beyond a day", async () => {
    await s.call(REFRESH, { params: { api_key_id: s.fx.serviceKey.id }, badBody: { grace_period_seconds: 86_401 } }, 400);
  });

  s.case(REFRESH, "403 for a space member refreshing a service key someone else made", async () => {
    await s.call(REFRESH, { params: { api_key_id: s.fx.serviceKey.id }, body: {}, key: s.fx.member.key }, 403);
  });

  s.case(REFRESH, "422 for a deleted key", async () => {
    const { id } = await s.call(CREATE, { body: { name: "deleted, then refreshed" } }, 201);
    await s.call(DELETE, { params: { api_key_id: id } }, 204);
    await s.call(REFRESH, { params: { api_key_id: id }, body: {} }, 422);
  });
}
