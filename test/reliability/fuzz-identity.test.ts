import fc from "fast-check";
import { afterAll, beforeAll, describe } from "vitest";
import type { IdType } from "../../src/http/ids.js";
import type { HttpResponse } from "../support/http.js";
import { newOrganization, newSpace, newUser } from "../support/identity.js";
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
  invisibleEmail,
  invisibleName,
  keyOf,
  pickFrom,
  queryString,
  segment,
  timestamp,
  type Fixture,
  type FuzzRequest,
} from "./fuzz-support.js";

const ROLE_NAMES = ["admin", "member", "read-only", "annotator", "owner", "Admin", ""];
const role = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ROLE_NAMES) },
  {
    weight: 3,
    arbitrary: bodyNear(
      {
        type: fc.constantFrom("predefined", "custom", "PREDEFINED"),
        name: fc.constantFrom(...ROLE_NAMES),
        id: fc.string({ maxLength: 8 }),
      },
      ["type"],
    ),
  },
  { weight: 1, arbitrary: hostileString },
);
const METHODS = ["GET", "POST", "PATCH", "DELETE", "PUT"] as const;

/** A method and a path depth: mostly the routes that exist, sometimes any. */
function methodAt(routes: ReadonlyArray<readonly [string, number]>, depths: number): fc.Arbitrary<readonly [string, number]> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...routes) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...METHODS), fc.nat(depths - 1)) },
  );
}

describe("fuzzing the identity and audit routes through HTTP", () => {
  forEachStore((store) => {
    let f: Fixture;
    let target: FuzzTarget;
    /** What the fuzz may change or delete: never the fixture's own organization, space or users. */
    const pools: Record<"Organization" | "Space" | "User" | "Membership", string[]> = {
      Organization: [],
      Space: [],
      User: [],
      Membership: [],
    };
    const cursors: string[] = [];

    beforeAll(async () => {
      f = await fixture(store);
      target = new FuzzTarget(f.t);
      for (let i = 0; i < 4; i++) {
        const org = await newOrganization(f.t);
        pools.Organization.push(org.id);
        pools.Space.push((await newSpace(f.t, org.id)).id);
      }
      for (const userRole of ["member", "member", "admin", "annotator"] as const)
        pools.User.push((await newUser(f.t, { role: userRole })).id);
    });
    afterAll(async () => {
      target.close(`fuzz-identity-${store}`);
      await f.t.close();
    });

    function learn(res: HttpResponse): void {
      const next = res.body?.pagination?.next_cursor;
      if (typeof next === "string" && cursors.length < 50) cursors.push(next);
      const id = res.status < 300 ? res.body?.id : undefined;
      if (typeof id !== "string") return;
      const type = Buffer.from(id, "base64").toString("latin1").split(":")[0] as keyof typeof pools;
      if (pools[type] !== undefined && !pools[type].includes(id) && pools[type].length < 200) pools[type].push(id);
    }

    const caller = fc.constantFrom(...CALLERS);
    const id = (type: IdType) => idLike(type, () => (type in pools ? pools[type as keyof typeof pools] : []));
    const page = {
      limit: fc.constantFrom("1", "2", "50", "100", "0", "101", "x"),
      cursor: fc.nat().map((i) => pickFrom(cursors, i) ?? "x"),
    };
    const queryValue = fc.oneof(
      ...Object.values(page),
      hostileString,
      fc.constantFrom("active", "invited", "inactive", "expired", "@", "example", "api_key.created", "user.deleted"),
    );

    /** A request on `/v2/<collection>` or `/v2/<collection>/{id}[/users[/{user}]]`, any method, near-valid body. */
    function scoped(
      collection: "organizations" | "spaces",
      type: "Organization" | "Space",
      create: fc.Arbitrary<unknown>,
      patch: fc.Arbitrary<unknown>,
    ) {
      const member = bodyNear({ user_id: id("User"), role }, ["user_id", "role"]);
      const query = queryString(["limit", "cursor", "org_id", "name"], fc.oneof(queryValue, id("Organization")));
      return fc
        .tuple(
          caller,
          methodAt(
            [
              ["GET", 0],
              ["POST", 0],
              ["GET", 1],
              ["PATCH", 1],
              ["DELETE", 1],
              ["GET", 2],
              ["POST", 2],
              ["DELETE", 3],
            ],
            4,
          ),
          id(type),
          id("User"),
          query,
          create,
          patch,
          member,
        )
        .map(([who, [method, depth], scopeId, userId, q, createBody, patchBody, memberBody]): FuzzRequest => {
          const base = `/v2/${collection}`;
          const path =
            [
              base,
              `${base}/${segment(scopeId)}`,
              `${base}/${segment(scopeId)}/users`,
              `${base}/${segment(scopeId)}/users/${segment(userId)}`,
            ][depth] ?? base;
          const body = depth === 0 ? createBody : depth === 1 ? patchBody : memberBody;
          return {
            method,
            path: method === "GET" ? `${path}${q}` : path,
            key: keyOf(f, who),
            body: method === "POST" || method === "PATCH" || method === "PUT" ? body : undefined,
          };
        });
    }

    const named = bodyNear(
      {
        name: fc.oneof(
          { weight: 4, arbitrary: freshName },
          { weight: 1, arbitrary: hostileString },
          { weight: 1, arbitrary: invisibleName },
        ),
        description: fc.oneof(fc.string({ maxLength: 30 }), hostileString, invisibleName),
      },
      ["name"],
      fc.record({ name: freshName, description: fc.string({ maxLength: 30 }) }, { requiredKeys: ["name"] }),
    );
    const organizations = () => scoped("organizations", "Organization", named, bodyNear({ name: freshName, description: hostileString }));
    const spaces = () =>
      scoped(
        "spaces",
        "Space",
        bodyNear(
          { name: freshName, organization_id: id("Organization"), description: fc.oneof(fc.string({ maxLength: 30 }), hostileString) },
          ["name", "organization_id"],
          fc.record({ name: freshName, organization_id: fc.nat().map((i) => pickFrom(pools.Organization, i) ?? f.t.organizationId) }),
        ),
        bodyNear({ name: freshName, description: hostileString }),
      );

    const users = () => {
      const create = bodyNear(
        {
          name: fc.oneof(
            { weight: 4, arbitrary: freshName },
            { weight: 1, arbitrary: hostileString },
            { weight: 1, arbitrary: invisibleName },
          ),
          email: fc.oneof(
            { weight: 4, arbitrary: freshName.map((n) => `${segment(n)}@example.test`) },
            { weight: 1, arbitrary: hostileString },
            { weight: 1, arbitrary: invisibleEmail },
          ),
          role,
          invite_mode: fc.constantFrom("none", "email_link", "temporary_password", "sms"),
          is_developer: fc.oneof(fc.boolean(), fc.constantFrom<unknown>("true", 1, null)),
        },
        ["name", "email", "role"],
        fc.record({
          name: freshName,
          email: freshName.map((n) => `${segment(n)}@example.test`),
          role: fc.constantFrom("member", "admin", "annotator"),
        }),
      );
      const patch = bodyNear({
        name: fc.oneof({ weight: 3, arbitrary: freshName }, { weight: 1, arbitrary: invisibleName }),
        role,
        is_developer: fc.oneof(fc.boolean(), fc.constant<unknown>("yes")),
      });
      const issue = bodyNear(
        { name: freshName, description: hostileString, expires_at: timestamp, key_type: fc.constantFrom("user", "service") },
        ["name"],
      );
      const query = queryString(["limit", "cursor", "email", "status"], queryValue);
      return fc
        .tuple(
          caller,
          methodAt(
            [
              ["GET", 0],
              ["POST", 0],
              ["GET", 1],
              ["PATCH", 1],
              ["DELETE", 1],
              ["POST", 2],
            ],
            3,
          ),
          id("User"),
          query,
          create,
          patch,
          issue,
        )
        .map(([who, [method, depth], userId, q, createBody, patchBody, issueBody]): FuzzRequest => {
          const path = ["/v2/users", `/v2/users/${segment(userId)}`, `/v2/users/${segment(userId)}/api-keys`][depth] ?? "/v2/users";
          const body = depth === 0 ? createBody : depth === 1 ? patchBody : issueBody;
          return {
            method,
            path: method === "GET" ? `${path}${q}` : path,
            key: keyOf(f, who),
            body: method === "GET" || method === "DELETE" ? undefined : body,
          };
        });
    };

    const audit = () => {
      const value = fc.oneof(
        queryValue,
        id("User"),
        id("ApiKey"),
        timestamp.map(String),
        fc.constantFrom("api_key.created", "API_KEY", "a.b_c", ""),
      );
      return fc
        .tuple(caller, queryString(["action", "actor_user_id", "target_id", "since", "until", "limit", "cursor"], value))
        .map(([who, q]): FuzzRequest => ({ method: "GET", path: `/v2/audit-events${q}`, key: keyOf(f, who) }));
    };

    fuzzEach(
      "keeps every invariant on",
      {
        "organizations and their members": organizations,
        "spaces and their members": spaces,
        "users and the keys issued for them": users,
        "the audit trail": audit,
      },
      () => target,
      learn,
    );
  });
});
