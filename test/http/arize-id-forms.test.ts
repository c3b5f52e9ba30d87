import { afterAll, beforeAll, expect, it } from "vitest";
import { expectProblem } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

/**
 * Arize's own ids are base64 of `Type:number` with no suffix (its client's
 * integration tests probe `RoleBinding:99999999999` for a 404). keyhouse never
 * issues that form; it reads it as a well-formed id of nothing (SPEC §2): 404 on
 * every route taking it, an empty list as a filter, never another row.
 */
forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  const bare = (type: string, n: number) => Buffer.from(`${type}:${n}`).toString("base64");

  it.each([
    ["/v2/api-keys/", "ApiKey"],
    ["/v2/users/", "User"],
    ["/v2/organizations/", "Organization"],
    ["/v2/spaces/", "Space"],
    ["/v2/projects/", "Project"],
    ["/v2/roles/", "Role"],
    ["/v2/role-bindings/", "RoleBinding"],
  ])("GET %s<%s:number> answers 404, for row 1 (which exists for some) as for a number of nothing", async (route, type) => {
    for (const n of [1, 99_999_999_999]) {
      const res = await t.call(`${route}${bare(type, n)}`);
      expectProblem(res, 404, "NOT_FOUND");
    }
  });

  it("a suffix-less id never names an existing row: the admin (User:1) is not found by it, and as a filter it matches nothing", async () => {
    const adminRow = Buffer.from(t.adminUserId, "base64").toString("utf8").split(":")[1];
    expect(adminRow).toBe("1");
    expectProblem(await t.call(`/v2/users/${bare("User", 1)}`), 404, "NOT_FOUND");
    const keys = await t.call(`/v2/api-keys?user_id=${encodeURIComponent(bare("User", 1))}`);
    expect(keys.status).toBe(200);
    expect(keys.body.api_keys).toEqual([]);
    const own = await t.call("/v2/api-keys");
    expect(own.body.api_keys.length).toBeGreaterThan(0);
  });

  it("a wrong type or a leading zero stays 400", async () => {
    expectProblem(await t.call(`/v2/users/${bare("ApiKey", 1)}`), 400, "INVALID_ID");
    expectProblem(await t.call(`/v2/users/${Buffer.from("User:01").toString("base64")}`), 400, "INVALID_ID");
  });
});
