import fc from "fast-check";
import { afterAll, beforeAll, describe } from "vitest";
import type { HttpResponse } from "../support/http.js";
import { createKey } from "../support/keys.js";
import { forEachStore } from "../support/stores.js";
import {
  bodyNear,
  CALLERS,
  fixture,
  freshName,
  FuzzTarget,
  fuzzEach,
  hostileString,
  idLike,
  invisibleName,
  keyOf,
  pickFrom,
  queryString,
  segment,
  futureTime,
  timestamp,
  type Fixture,
  type FuzzRequest,
} from "./fuzz-support.js";

describe("fuzzing /v2/api-keys and /v2/whoami through HTTP", () => {
  forEachStore((store) => {
    let f: Fixture;
    let target: FuzzTarget;
    /** Keys the fuzz may delete and refresh: never the fixture's own. */
    const keyIds: string[] = [];
    const userIds: string[] = [];
    const cursors: string[] = [];

    beforeAll(async () => {
      f = await fixture(store);
      target = new FuzzTarget(f.t);
      for (let i = 0; i < 12; i++) {
        const body = i % 3 === 0 ? { name: `pool ${i}`, key_type: "service", space_id: f.t.spaceId } : { name: `pool ${i}` };
        keyIds.push((await createKey(f.t, body, i % 2 === 0 ? f.t.adminKey : f.member.key)).id);
      }
      userIds.push(f.t.adminUserId, f.member.id, f.nondeveloper.id);
      const page = await f.t.call("/v2/api-keys?limit=2");
      cursors.push(page.body.pagination.next_cursor);
    });
    afterAll(async () => {
      target.close(`fuzz-api-keys-${store}`);
      await f.t.close();
    });

    /** Remembers what a successful case made, so later cases can aim at it. */
    function learn(res: HttpResponse): void {
      if (res.status < 300 && typeof res.body?.id === "string" && typeof res.body?.key === "string") keyIds.push(res.body.id);
      const next = res.body?.pagination?.next_cursor;
      if (typeof next === "string" && cursors.length < 50) cursors.push(next);
    }

    const caller = fc.constantFrom(...CALLERS);
    const spaceId = () => idLike("Space", () => [f.t.spaceId]);
    const queryValue = () =>
      fc.oneof(
        fc.constantFrom("user", "service", "active", "deleted", "expired", "1", "50", "100", "0", "101", "-1", "2.5", "1e2", "abc", ""),
        idLike("Space", () => [f.t.spaceId]),
        idLike("User", () => userIds),
        fc.nat().map((i) => pickFrom(cursors, i) ?? "x"),
        hostileString,
      );

    const listCase = () =>
      fc
        .tuple(
          caller,
          fc.constantFrom("/v2/api-keys", "/v2/whoami"),
          queryString(["key_type", "status", "space_id", "user_id", "limit", "cursor"], queryValue()),
        )
        .map(([who, path, query]): FuzzRequest => ({ method: "GET", path: `${path}${query}`, key: keyOf(f, who) }));

    const createBody = () =>
      bodyNear(
        {
          name: fc.oneof(
            { weight: 5, arbitrary: freshName },
            { weight: 1, arbitrary: hostileString },
            { weight: 1, arbitrary: invisibleName },
          ),
          description: fc.oneof(fc.string({ maxLength: 30 }), hostileString, invisibleName),
          key_type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("user", "service") }, { weight: 1, arbitrary: hostileString }),
          expires_at: timestamp,
          space_id: spaceId(),
          roles: bodyNear({
            space_role: fc.constantFrom("admin", "member", "read-only", "annotator", "owner"),
            org_role: fc.constantFrom("admin", "member", "read-only", "annotator"),
            account_role: fc.constantFrom("admin", "member", "annotator"),
          }),
        },
        ["name"],
        fc.oneof(
          fc.record({ name: freshName, description: fc.string({ maxLength: 30 }), expires_at: futureTime }, { requiredKeys: ["name"] }),
          fc.record(
            {
              name: freshName,
              key_type: fc.constant("service"),
              space_id: fc.constant(f.t.spaceId),
              roles: fc.record(
                { space_role: fc.constantFrom("member", "read-only"), org_role: fc.constant("read-only") },
                { requiredKeys: [] },
              ),
            },
            { requiredKeys: ["name", "key_type", "space_id"] },
          ),
        ),
      );

    const createCase = () =>
      fc
        .tuple(caller, createBody())
        .map(([who, body]): FuzzRequest => ({ method: "POST", path: "/v2/api-keys", key: keyOf(f, who), body }));

    const refreshBody = () =>
      fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        {
          weight: 4,
          arbitrary: bodyNear({
            expires_at: timestamp,
            grace_period_seconds: fc.oneof(
              fc.integer({ min: -10, max: 90_000 }),
              fc.constantFrom<unknown>(0, 86_400, 86_401, 1.5, "10", 1e308, null),
            ),
          }),
        },
      );

    const keyRouteCase = () =>
      fc
        .tuple(
          caller,
          fc.constantFrom("GET", "DELETE", "POST", "PATCH", "PUT"),
          idLike("ApiKey", () => keyIds),
          fc.boolean(),
          refreshBody(),
        )
        .map(([who, method, id, refresh, body]): FuzzRequest => {
          const path = `/v2/api-keys/${segment(id)}${method === "POST" || refresh ? "/refresh" : ""}`;
          return { method, path, key: keyOf(f, who), body: method === "POST" || method === "PATCH" ? body : undefined };
        });

    fuzzEach(
      "keeps every invariant on",
      {
        "hostile query strings of lists and whoami": listCase,
        "create bodies near and far from valid": createCase,
        "hostile key ids to get, delete and refresh": keyRouteCase,
      },
      () => target,
      learn,
    );
  });
});
