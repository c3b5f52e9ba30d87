import fc from "fast-check";
import { afterAll, beforeAll, describe } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { createKey } from "../support/keys.js";
import { forEachStore } from "../support/stores.js";
import {
  CALLERS,
  fixture,
  freshName,
  FuzzTarget,
  fuzzEach,
  hostileString,
  keyOf,
  keyShaped,
  type Fixture,
  type FuzzRequest,
} from "./fuzz-support.js";

/**
 * The transport layer of every route: hostile Authorization and other headers,
 * content types and raw bodies (not JSON, invalid UTF-8, duplicate keys, deep
 * nesting, oversized), and raw paths and methods; JSON bodies with a member
 * twice (which must be 400 naming it), headers sent twice (Authorization,
 * X-Request-Id), and X-Request-Id values shaped like raw keys.
 */

/** Header values Node will put on the wire: tab, printable ASCII and latin1 bytes. */
const headerText = fc.string({ unit: fc.constantFrom(..."\t abcXYZ019-_.:;,=/+~!\"'()[]{}<>@\\%\u0080\u00ff\u00e9"), maxLength: 80 });

describe("fuzzing headers, bodies, paths and methods of every route through HTTP", () => {
  forEachStore((store) => {
    let f: Fixture;
    let target: FuzzTarget;
    /** Every route, with ids that exist (the fuzz may delete or rotate only the spare key). */
    let routes: Array<{ method: string; path: string; body?: () => unknown }>;

    beforeAll(async () => {
      f = await fixture(store);
      target = new FuzzTarget(f.t);
      const spare = await createKey(f.t, { name: "spare" });
      const { t } = f;
      const org = encodeURIComponent(t.organizationId);
      const space = encodeURIComponent(t.spaceId);
      const member = encodeURIComponent(f.member.id);
      const fresh = () => fc.sample(freshName, 1)[0];
      const made = async (path: string, body: unknown) => (await t.call(path, { method: "POST", body })).body.id as string;
      const project = await made("/v2/projects", { name: "fuzzed project", space_id: t.spaceId });
      const role = await made("/v2/roles", { name: "fuzzed role", permissions: ["PROJECT_READ"] });
      const binding = await made("/v2/role-bindings", {
        role_id: role,
        user_id: f.member.id,
        resource_type: "PROJECT",
        resource_id: project,
      });
      const [projectPath, rolePath, bindingPath] = [project, role, binding].map(encodeURIComponent);
      routes = [
        { method: "GET", path: "/v2/api-keys" },
        { method: "POST", path: "/v2/api-keys", body: () => ({ name: fresh() }) },
        { method: "GET", path: `/v2/api-keys/${encodeURIComponent(spare.id)}` },
        { method: "DELETE", path: `/v2/api-keys/${encodeURIComponent(spare.id)}` },
        { method: "POST", path: `/v2/api-keys/${encodeURIComponent(spare.id)}/refresh`, body: () => ({ grace_period_seconds: 60 }) },
        { method: "GET", path: "/v2/whoami" },
        { method: "GET", path: "/v2/organizations" },
        { method: "POST", path: "/v2/organizations", body: () => ({ name: fresh() }) },
        { method: "GET", path: `/v2/organizations/${org}` },
        { method: "PATCH", path: `/v2/organizations/${org}`, body: () => ({ description: "fuzzed" }) },
        { method: "GET", path: `/v2/organizations/${org}/users` },
        { method: "POST", path: `/v2/organizations/${org}/users`, body: () => ({ user_id: f.member.id, role: "member" }) },
        { method: "GET", path: "/v2/spaces" },
        { method: "POST", path: "/v2/spaces", body: () => ({ name: fresh(), organization_id: t.organizationId }) },
        { method: "GET", path: `/v2/spaces/${space}` },
        { method: "GET", path: `/v2/spaces/${space}/users` },
        { method: "POST", path: `/v2/spaces/${space}/users`, body: () => ({ user_id: f.member.id, role: "member" }) },
        { method: "GET", path: "/v2/users" },
        {
          method: "POST",
          path: "/v2/users",
          body: () => ({ name: "Fuzz", email: `${fresh()}@example.test`.replace(/[^\x21-\x7e]/g, "x"), role: "member" }),
        },
        { method: "GET", path: `/v2/users/${member}` },
        { method: "PATCH", path: `/v2/users/${member}`, body: () => ({ name: "Member" }) },
        { method: "POST", path: `/v2/users/${member}/api-keys`, body: () => ({ name: fresh() }) },
        { method: "GET", path: "/v2/projects" },
        { method: "POST", path: "/v2/projects", body: () => ({ name: fresh(), space_id: t.spaceId }) },
        { method: "GET", path: `/v2/projects/${projectPath}` },
        { method: "PATCH", path: `/v2/projects/${projectPath}`, body: () => ({ name: fresh() }) },
        { method: "GET", path: "/v2/roles" },
        { method: "POST", path: "/v2/roles", body: () => ({ name: fresh(), permissions: ["DATASET_READ"] }) },
        { method: "GET", path: `/v2/roles/${rolePath}` },
        { method: "PATCH", path: `/v2/roles/${rolePath}`, body: () => ({ description: "fuzzed" }) },
        { method: "GET", path: "/v2/role-bindings" },
        { method: "GET", path: `/v2/role-bindings/${bindingPath}` },
        { method: "PATCH", path: `/v2/role-bindings/${bindingPath}`, body: () => ({ role_id: role }) },
        { method: "POST", path: "/v2/resource-restrictions", body: () => ({ resource_id: project }) },
        { method: "GET", path: "/v2/audit-events" },
        { method: "GET", path: "/v2/openapi.json" },
        { method: "GET", path: "/healthz" },
        { method: "GET", path: "/readyz" },
        { method: "GET", path: "/" },
      ];
    });
    afterAll(async () => {
      target.close(`fuzz-http-${store}`);
      await f.t.close();
    });

    const route = () => fc.nat().map((i) => routes[i % routes.length] ?? { method: "GET", path: "/healthz" });
    const bodyRoutes = () => routes.filter((r) => r.body !== undefined);

    /** Authorization forms: right and wrong schemes, spacing, truncated, extended, doubled, and binary keys. */
    const authorization = () =>
      fc.oneof(
        fc.constantFrom(...CALLERS).map((who) => {
          const key = keyOf(f, who);
          return key === null ? undefined : `Bearer ${key}`;
        }),
        fc
          .tuple(
            fc.constantFrom("Bearer", "bearer", "BEARER", "Basic", "Token", "Bearer:", "", "Bearer\t"),
            fc.constantFrom(" ", "  ", "\t", ""),
            fc.constantFrom("admin", "truncated", "extended", "flipped", "doubled", "unknown", "garbage"),
          )
          .map(([scheme, gap, shape]) => `${scheme}${gap}${shapeKey(f.t.adminKey, shape)}`),
        headerText,
        fc.integer({ min: 500, max: 8000 }).map((n) => `Bearer ${"A".repeat(n)}`),
      );
    const extraHeaders = fc.dictionary(
      fc.constantFrom(
        "x-request-id",
        "accept",
        "accept-encoding",
        "content-encoding",
        "transfer-encoding-x",
        "x-forwarded-for",
        "origin",
        "cookie",
        "if-none-match",
        "range",
        "expect-x",
      ),
      headerText,
      { maxKeys: 3 },
    );

    const headerCase = () =>
      fc.tuple(route(), authorization(), extraHeaders).map(([r, auth, extra]): FuzzRequest => ({
        method: r.method,
        path: r.path,
        headers: { ...extra, ...(auth === undefined ? {} : { authorization: auth }) },
        body: r.body?.(),
      }));

    const contentType = fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin1",
        "application/json; charset=utf-16",
        "APPLICATION/JSON",
        "application/json, text/plain",
        "application/vnd.api+json",
        "application/merge-patch+json",
        "text/plain",
        "text/html",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/octet-stream",
        "",
        ";",
        "application/",
      ),
      headerText,
    );
    const rawBody = () =>
      fc.oneof(
        { weight: 2, arbitrary: fc.constant("valid") },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '{"name":"a","name":"b"}',
            '{"name":"dup","name":"dup"}',
            "{",
            "}",
            "[]",
            "null",
            "0",
            '""',
            "NaN",
            '{"name":"x"} trailing',
            "\ufeff{}",
            '{"__proto__":{"admin":true}}',
            '{"constructor":{"prototype":{"admin":true}}}',
            '{"name":"\\ud800"}',
            '{"name":"\\u0000"}',
            "{'name':'single'}",
            '{"name":1e999}',
          ),
        },
        {
          weight: 1,
          arbitrary: fc
            .uint8Array({ maxLength: 64 })
            .map((bytes) => Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('"}')])),
        },
        { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 128 }).map((bytes) => Buffer.from(bytes)) },
        { weight: 1, arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`) },
        { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`) },
        { weight: 1, arbitrary: fc.integer({ min: 65_000, max: 300_000 }).map((n) => `{"name":"${"x".repeat(n)}"}`) },
        { weight: 1, arbitrary: hostileString },
      );

    const bodyCase = () =>
      fc
        .tuple(route(), fc.option(contentType, { nil: undefined }), rawBody(), fc.constantFrom(...CALLERS))
        .map(([r, type, body, who]): FuzzRequest => {
          const payload = body === "valid" ? JSON.stringify(r.body?.() ?? {}) : body;
          return {
            method: r.method === "GET" || r.method === "DELETE" ? (body === "valid" ? r.method : "POST") : r.method,
            path: r.path,
            key: keyOf(f, who),
            headers: type === undefined ? {} : { "content-type": type },
            body: payload,
          };
        });

    /** Paths as bytes (latin1 above 0x7f is invalid UTF-8 on the wire), traversal, case, doubled slashes, absolute forms. */
    const rawPath = () =>
      fc.oneof(
        route().map((r) => r.path),
        fc
          .tuple(
            route(),
            fc.constantFrom("/", "//", "/.", "/..", "/%2e%2e", "%2F", "?", "#", ";x=1", "%00", "%", "%zz", "%C0%AF", "\u00ff", "/\u00e9"),
          )
          .map(([r, tail]) => `${r.path}${tail}`),
        route().map((r) => r.path.toUpperCase()),
        route().map((r) => r.path.replaceAll("/", "//")),
        fc.constantFrom(
          "*",
          "/v2",
          "/v2/",
          "/v2/../v2/api-keys",
          "/./v2/api-keys",
          "/v2/api-keys/",
          "http://evil.test/v2/api-keys",
          "/assets/",
          "/assets/../../package.json",
          "/assets/%2e%2e/%2e%2e/package.json",
          "/index.html",
          "/.env",
        ),
        fc.string({ unit: fc.constantFrom(..."/%.aA0-_~:@!$&'()*+,;=?#[]\u0080\u00ff"), maxLength: 60 }).map((p) => `/${p}`),
      );
    const methodCase = () =>
      fc
        .tuple(
          fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "get"),
          rawPath(),
          fc.constantFrom(...CALLERS),
          fc.boolean(),
        )
        .map(([method, path, who, withBody]): FuzzRequest => ({
          method,
          path,
          rawPath: true,
          key: keyOf(f, who),
          body: withBody && method !== "GET" && method !== "HEAD" ? { name: "x" } : undefined,
        }));

    /**
     * A route's valid body with one member twice: a top-level member again (another
     * value, the same value, or its name spelled with a \u escape), or a duplicate
     * inside a nested object or an array element. A caller who gets past
     * authentication (the admin) must get 400 MALFORMED_BODY naming the member.
     */
    const duplicateCase = () =>
      fc
        .tuple(
          fc.nat().map((i) => bodyRoutes()[i % bodyRoutes().length] ?? routes[1]),
          fc.constantFrom("again", "same", "escaped", "nested", "in an array"),
          fc.jsonValue({ maxDepth: 2 }),
          fc.constantFrom(...CALLERS),
          fc.constantFrom("application/json", "application/json; charset=utf-8"),
        )
        .map(([r, shape, value, who, type]): FuzzRequest => {
          const body = (r?.body?.() ?? { name: "x" }) as Record<string, unknown>;
          const name = Object.keys(body)[0] ?? "name";
          const rest = JSON.stringify(body).slice(1);
          const member = (text: string) => `{${text}${rest === "}" ? "" : ","}${rest}`;
          let text: string;
          let path = name;
          switch (shape) {
            case "again":
              text = member(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
              break;
            case "same":
              text = member(`${JSON.stringify(name)}:${JSON.stringify(body[name])}`);
              break;
            case "escaped":
              text = member(`"\\u${name.charCodeAt(0).toString(16).padStart(4, "0")}${name.slice(1)}":${JSON.stringify(value)}`);
              break;
            case "nested":
              text = member(`"roles":{"space_role":"member","org_role":"read-only","space_role":"admin"}`);
              path = "roles.space_role";
              break;
            default:
              text = member(`"items":[{"a":1},{"b":{"a":1,"a":${JSON.stringify(value)}}}]`);
              path = "items[1].b.a";
          }
          const expected = `body has the member "${path}" twice`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          return {
            method: r?.method ?? "POST",
            path: r?.path ?? "/v2/api-keys",
            key: keyOf(f, who),
            headers: { "content-type": type },
            body: text,
            ...(who === "admin" ? { expect: { status: 400, code: "MALFORMED_BODY", detail: new RegExp(expected) } } : {}),
          };
        });

    /** A value of Authorization for one caller (or none at all, as a bare scheme). */
    const authValue = fc.constantFrom(...CALLERS).map((who) => {
      const key = keyOf(f, who);
      return key === null ? "Bearer" : `Bearer ${key}`;
    });
    const requestIdValue = fc.oneof(fc.constantFrom("req-1", "a:b.c_d-e", "r".repeat(128), "r".repeat(129), ""), keyShaped, headerText);
    /** Authorization twice (or thrice), X-Request-Id twice, or both, each value its own header line. */
    const duplicateHeaderCase = () =>
      fc
        .tuple(
          route(),
          fc.constantFrom("authorization", "x-request-id", "both"),
          fc.array(authValue, { minLength: 2, maxLength: 3 }),
          fc.array(requestIdValue, { minLength: 2, maxLength: 3 }),
        )
        .map(([r, which, auths, ids]): FuzzRequest => {
          const headers: Record<string, string | string[]> = {};
          headers.authorization = which === "x-request-id" ? (auths[0] ?? "Bearer") : auths;
          if (which !== "authorization") headers["x-request-id"] = ids;
          return { method: r.method, path: r.path, headers, body: r.body?.() };
        });

    /** X-Request-Id shaped like a raw key (never an issued one), with every caller on every route. */
    const keyShapedIdCase = () =>
      fc.tuple(route(), fc.constantFrom(...CALLERS), keyShaped).map(([r, who, id]): FuzzRequest => ({
        method: r.method,
        path: r.path,
        key: keyOf(f, who),
        headers: { "x-request-id": id },
        body: r.body?.(),
      }));

    fuzzEach(
      "keeps every invariant under hostile",
      {
        "Authorization and other headers": headerCase,
        "content types and raw bodies": bodyCase,
        "raw paths and methods": methodCase,
        "JSON bodies with a member twice": duplicateCase,
        "headers sent twice (Authorization, X-Request-Id)": duplicateHeaderCase,
        "X-Request-Id values shaped like raw keys": keyShapedIdCase,
      },
      () => target,
    );
  });
});

/** The admin key, bent out of shape. */
function shapeKey(key: string, shape: string): string {
  switch (shape) {
    case "truncated":
      return key.slice(0, -1);
    case "extended":
      return `${key}x`;
    case "flipped":
      return `${key.slice(0, 10)}${key.charAt(10) === "A" ? "B" : "A"}${key.slice(11)}`;
    case "doubled":
      return `${key} ${key}`;
    case "unknown":
      return generateRawKey();
    case "garbage":
      return "ak-!!!";
    default:
      return key;
  }
}
