import { Agent } from "node:http";
import fc from "fast-check";
import { sql } from "kysely";
import { it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { encodeId, type IdType } from "../../src/http/ids.js";
import { send, type HttpResponse } from "../support/http.js";
import { recordFigures } from "../support/hygiene.js";
import { person, type Person } from "../support/identity.js";
import { createKey, problemCode } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";

/**
 * Property-based fuzzing through real HTTP. Each case is one request; every
 * case must keep four invariants: no 5xx; an error is problem+json whose
 * `status` is the HTTP status; a rejected request changes no stored state; no
 * raw key appears in a response except the new key of a create or refresh.
 * When the client offers X-Request-Id (once or more), the answer carries one id
 * of the documented shape (never two offered ids joined).
 *
 * KEYHOUSE_FUZZ_RUNS sets the cases per property (default below: together the
 * fuzz files try more than 20,000 cases per run); KEYHOUSE_FUZZ_SEED replays one.
 */
const FUZZ_RUNS = Number(process.env.KEYHOUSE_FUZZ_RUNS || 1050);
const FUZZ_SEED = process.env.KEYHOUSE_FUZZ_SEED ? Number(process.env.KEYHOUSE_FUZZ_SEED) : undefined;

/**
 * fast-check parameters of every fuzz property: no shrinking (stored state moves
 * on between runs), and a short report (the failing request, cut to size, and the
 * seed to replay it) instead of a print of a value that may be megabytes deep.
 */
function fuzzParameters(runs: number = FUZZ_RUNS): fc.Parameters<[FuzzRequest]> {
  return {
    numRuns: runs,
    endOnFailure: true,
    ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }),
    asyncReporter: async (details) => {
      if (!details.failed) return;
      const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(`fuzz case ${details.numRuns} failed (replay: KEYHOUSE_FUZZ_SEED=${details.seed}): ${cause}`);
    },
  };
}

const RAW_KEY = /ak-[0-9A-Za-z]{48}/g;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface FuzzRequest {
  method: string;
  path: string;
  /** Send the path as given, byte for byte. */
  rawPath?: boolean;
  /** The Authorization key; null sends none. Default: none. */
  key?: string | null;
  /** A list sends the header once per value (two Authorization lines, two X-Request-Id lines). */
  headers?: Record<string, string | string[]>;
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
  /** The exact answer this case must get, beyond the invariants (a property of a fixed item). */
  expect?: { status: number; code: string; detail: RegExp };
}

/** A digest of everything a request could change (last_used_at aside), in one round trip. */
const SNAPSHOT = sql<Record<string, unknown>>`select
  (select count(*) from api_keys) as keys_n,
  (select coalesce(sum(id), 0) from api_keys) as keys_ids,
  (select coalesce(sum(case when status = 'deleted' then id else 0 end), 0) from api_keys) as keys_deleted,
  (select coalesce(sum(coalesce(deleted_at, 0) % 1000000007 + coalesce(rotated_at, 0) % 1000000009 + coalesce(expires_at, 0) % 1000000021), 0) from api_keys) as keys_times,
  (select coalesce(sum(length(name) * id + coalesce(length(description), 7) + principal_user_id * 31 + coalesce(space_id, 0)), 0) from api_keys) as keys_text,
  (select count(*) from users) as users_n,
  (select coalesce(sum(id * (length(name) + coalesce(length(email), 0) * 3 + length(role) * 5 + is_developer * 7 + length(status) * 11) + updated_at % 1000000007), 0) from users) as users_fp,
  (select count(*) from organizations) as orgs_n,
  (select coalesce(sum(id * (length(name) + length(name_key) * 3 + length(description) * 5) + coalesce(deleted_at, 0) % 1000000007), 0) from organizations) as orgs_fp,
  (select count(*) from spaces) as spaces_n,
  (select coalesce(sum(id * (length(name) + length(name_key) * 3 + length(description) * 5 + organization_id * 7) + coalesce(deleted_at, 0) % 1000000007), 0) from spaces) as spaces_fp,
  (select count(*) from memberships) as members_n,
  (select coalesce(sum(id * (length(role) + user_id * 3 + scope_id * 5 + length(scope) * 7)), 0) from memberships) as members_fp,
  (select count(*) from audit_events) as audit_n,
  (select coalesce(max(id), 0) from audit_events) as audit_max,
  (select count(*) from audit_event_targets) as audit_targets_n`;

async function snapshot(t: TestServer): Promise<string> {
  const result = await SNAPSHOT.execute(t.server.store.db);
  const row = result.rows[0] ?? {};
  return Object.entries(row)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
}

const cut = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text);

function describeRequest(req: FuzzRequest): string {
  const body =
    req.body === undefined
      ? ""
      : Buffer.isBuffer(req.body)
        ? `<${req.body.length} bytes>`
        : typeof req.body === "string"
          ? req.body
          : JSON.stringify(req.body);
  return `${req.method} ${cut(req.path)} headers=${cut(JSON.stringify(req.headers ?? {}))} key=${req.key === undefined || req.key === null ? "none" : `${req.key.slice(0, 8)}…`} body=${cut(body)}`;
}

/** The violated invariant, or undefined when the response keeps them all. */
function violation(req: FuzzRequest, res: HttpResponse, changed: boolean): string | undefined {
  if (res.status >= 500 || res.status < 100) return `answered ${res.status}`;
  const type = String(res.headers["content-type"] ?? "");
  if (res.headers["x-content-type-options"] !== "nosniff") return "no X-Content-Type-Options: nosniff";
  if (req.path.startsWith("/v2/") && !/no-store/.test(String(res.headers["cache-control"])))
    return "a /v2 response without Cache-Control: no-store";
  if (res.status >= 400 && req.method !== "HEAD") {
    if (!type.startsWith("application/problem+json")) return `error ${res.status} is ${type || "untyped"}, not problem+json`;
    if (res.body?.status !== res.status) return `problem status ${String(res.body?.status)} differs from HTTP ${res.status}`;
    if (typeof res.body?.title !== "string" || typeof res.body?.detail !== "string") return "problem without title or detail";
    const members = Object.keys(res.body ?? {})
      .sort()
      .join(",");
    if (members !== "detail,instance,status,title,type") return `problem members ${members}, not exactly RFC 9457's five`;
    if (typeof res.headers["x-request-id"] !== "string") return "problem without X-Request-Id";
  }
  if (res.status >= 400 && changed) return `rejected with ${res.status} but stored state changed`;
  if (req.expect !== undefined) {
    const { status, code, detail } = req.expect;
    if (res.status !== status || problemCode(res.body) !== code || !detail.test(String(res.body?.detail)))
      return `expected ${status} ${code} with a detail matching ${String(detail)}`;
  }
  const requestId = res.headers["x-request-id"];
  if (req.headers?.["x-request-id"] !== undefined && (typeof requestId !== "string" || !REQUEST_ID.test(requestId)))
    return `X-Request-Id ${JSON.stringify(requestId)} is not one id`;
  const keys = res.text.match(RAW_KEY) ?? [];
  const own = res.status < 300 && typeof res.body?.key === "string" ? res.body.key : undefined;
  const foreign = keys.filter((k) => k !== own);
  if (foreign.length > 0 || keys.length > 1) return `a raw key in the response (${foreign.length} foreign, ${keys.length} in all)`;
  if (own !== undefined && !/no-store/.test(String(res.headers["cache-control"]))) return "a raw key without Cache-Control: no-store";
  return undefined;
}

export interface FuzzFigures {
  cases: number;
  accepted: number;
  rejected: number;
  statuses: Record<string, number>;
}

/** One server under fuzz: sends cases over keep-alive connections and checks every invariant. */
export class FuzzTarget {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  readonly figures: FuzzFigures = { cases: 0, accepted: 0, rejected: 0, statuses: {} };
  #state: string | undefined;

  constructor(readonly t: TestServer) {}

  /** Sends one case and throws, naming the request, when an invariant breaks. */
  async run(req: FuzzRequest): Promise<HttpResponse> {
    const before = this.#state ?? (await snapshot(this.t));
    const res = await send(this.t.url, req.path, {
      method: req.method,
      key: req.key ?? undefined,
      // Node sends a list value as one header line per value.
      headers: req.headers as Record<string, string> | undefined,
      body: req.body,
      rawPath: req.rawPath,
      agent: this.agent,
    }).catch((error: unknown) => {
      throw new Error(`no HTTP answer (${error instanceof Error ? error.message : String(error)})\n  request: ${describeRequest(req)}`);
    });
    const after = await snapshot(this.t);
    this.#state = after;
    this.figures.cases += 1;
    this.figures.statuses[res.status] = (this.figures.statuses[res.status] ?? 0) + 1;
    if (res.status >= 400) this.figures.rejected += 1;
    else this.figures.accepted += 1;
    const broken = violation(req, res, after !== before);
    if (broken !== undefined)
      throw new Error(`${broken}\n  request: ${describeRequest(req)}\n  response: ${res.status} ${cut(res.text, 500)}`);
    return res;
  }

  /** Forgets the cached state (after changes made outside `run`). */
  invalidate(): void {
    this.#state = undefined;
  }

  close(name: string, extra: Record<string, unknown> = {}): void {
    this.agent.destroy();
    recordFigures(name, { ...this.figures, ...extra, seed: FUZZ_SEED ?? "random" });
  }
}

/** One test per property: each sends FUZZ_RUNS cases through the target and shows every answer to `learn`. */
export function fuzzEach(
  title: string,
  properties: Record<string, () => fc.Arbitrary<FuzzRequest>>,
  target: () => FuzzTarget,
  learn: (res: HttpResponse) => void = () => undefined,
): void {
  for (const [name, arbitrary] of Object.entries(properties)) {
    it(`${title} ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(arbitrary(), async (req) => learn(await target().run(req))),
        fuzzParameters(),
      );
    }, 600_000);
  }
}

// ---------------------------------------------------------------- arbitraries

/** Bidirectional controls and zero-width characters: text that reads differently from what it holds. */
const INVISIBLE_CHARS = [
  "\u200b", // zero width space
  "\u200c", // zero width non-joiner
  "\u200d", // zero width joiner
  "\u200e", // left-to-right mark
  "\u200f", // right-to-left mark
  "\u2060", // word joiner
  "\ufeff", // zero width no-break space (byte order mark)
  "\u061c", // arabic letter mark
  "\u202a", // left-to-right embedding
  "\u202b", // right-to-left embedding
  "\u202c", // pop directional formatting
  "\u202d", // left-to-right override
  "\u202e", // right-to-left override
  "\u2066", // left-to-right isolate
  "\u2067", // right-to-left isolate
  "\u2068", // first strong isolate
  "\u2069", // pop directional isolate
] as const;

/** `base` with one to three bidi or zero-width characters put anywhere in it (start, middle, end). */
function withInvisible(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const insertion = fc.tuple(fc.nat(), fc.constantFrom(...INVISIBLE_CHARS));
  return fc.tuple(base, fc.array(insertion, { minLength: 1, maxLength: 3 })).map(([text, inserts]) =>
    inserts.reduce((acc, [at, ch]) => {
      const i = at % (acc.length + 1);
      return `${acc.slice(0, i)}${ch}${acc.slice(i)}`;
    }, text),
  );
}

/** A name that looks valid but holds bidi or zero-width characters ("admin\u202egpj.exe", "ali\u200bce"). */
export const invisibleName: fc.Arbitrary<string> = fc.oneof(
  withInvisible(fc.constantFrom("admin", "Production key", "ci-deploy", "alice", "exe.jpg")),
  withInvisible(fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.replace(CONTROL, "x"))),
);

/** An email that looks valid but holds bidi or zero-width characters in its local part or domain. */
export const invisibleEmail: fc.Arbitrary<string> = fc
  .tuple(withInvisible(fc.constantFrom("alice", "bob.smith", "ops")), fc.constantFrom("example.test", "exa\u200bmple.test"))
  .map(([local, domain]) => `${local}-${process.pid}-${(counter += 1)}@${domain}`);

/**
 * Text shaped like a raw key (ak- and 48 letters and digits), never one the server
 * issued, alone or inside other text, and near misses of the shape.
 */
export const keyShaped: fc.Arbitrary<string> = fc.oneof(
  fc.constant(undefined).map(() => generateRawKey()),
  fc.constantFrom("x:", "req-", "id.").map((prefix) => `${prefix}${generateRawKey()}`),
  fc.constant(undefined).map(() => `${generateRawKey()}.1`),
  fc.constant(undefined).map(() => generateRawKey().slice(0, -1)),
  fc.constant(undefined).map(() => `${generateRawKey()}0`),
  fc.constant(undefined).map(() => `AK-${generateRawKey().slice(3)}`),
);

/** Hostile text: control characters, lone surrogates, huge, unicode, SQL and path tricks. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "\u0000",
      "a\u0000b",
      "\ud800",
      "x\udfffy",
      "\u202e",
      "\t\n",
      "%00",
      "'; drop table api_keys; --",
      "../../etc/passwd",
      "${jndi:x}",
      "<script>",
      "null",
      "true",
      "1e309",
      "-0",
      "__proto__",
    ),
  },
  { weight: 1, arbitrary: withInvisible(fc.string({ maxLength: 20 })) },
  { weight: 1, arbitrary: fc.integer({ min: 250, max: 2000 }).map((n) => "n".repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 80_000 }).map((n) => "h".repeat(n)) },
);

/** Any JSON value, including deep ones. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 3000 }).map((depth) => nest(depth)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, 0, -1, 1.5, 2 ** 53, -(2 ** 63), [], {}, [null], { "": "" }) },
);

function nest(depth: number): unknown {
  let value: unknown = "deep";
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/**
 * Bodies near a route's valid shape: a valid body (`valid`, by default any mix
 * of `fields`), then the same with a field removed, replaced by a hostile value,
 * or joined by an unknown one, and some bodies that are not objects at all.
 */
export function bodyNear(
  fields: Record<string, fc.Arbitrary<unknown>>,
  required: readonly string[] = [],
  valid: fc.Arbitrary<Record<string, unknown>> = fc.record(fields, { requiredKeys: required as string[] }) as fc.Arbitrary<
    Record<string, unknown>
  >,
): fc.Arbitrary<unknown> {
  const names = Object.keys(fields);
  const withField = fc.tuple(
    valid,
    fc.oneof(fc.constantFrom(...names, "__proto__", "constructor", "key", "id", "status"), fc.string({ maxLength: 12 })),
    anyJson,
  );
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 3, arbitrary: withField.map(([body, name, value]) => defineField(body, name, value)) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...names)).map(([body, name]) => without(body, name)) },
    { weight: 1, arbitrary: anyJson },
  );
}

function defineField(body: Record<string, unknown>, name: string, value: unknown): Record<string, unknown> {
  const copy = { ...body };
  Object.defineProperty(copy, name, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

function without(body: Record<string, unknown>, name: string): Record<string, unknown> {
  const { [name]: _dropped, ...rest } = body;
  return rest;
}

let counter = 0;
// eslint-disable-next-line no-control-regex -- control characters are what is removed
const CONTROL = /[\u0000-\u001f\u007f]/g;
/** A valid, almost certainly unused name. */
export const freshName = fc
  .string({ minLength: 1, maxLength: 20 })
  .map((s) => `${s.replace(CONTROL, "")}-${process.pid}-${(counter += 1)}`);

const ID_TYPES: readonly IdType[] = ["ApiKey", "User", "Organization", "Space", "Membership", "AuditEvent"];

/**
 * Path or query ids: ones that exist (from `pool`), well-formed ids of nothing,
 * ids of another type, tampered ids, and text that is no id at all.
 */
export function idLike(type: IdType, pool: () => readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.nat().map((i) => pickFrom(pool(), i) ?? encodeId(type, 999_999_999)) },
    { weight: 2, arbitrary: fc.integer({ min: 1_000_000_000, max: Number.MAX_SAFE_INTEGER }).map((n) => encodeId(type, n)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...ID_TYPES.filter((x) => x !== type)), fc.integer({ min: 1, max: 50 }))
        .map(([other, n]) => encodeId(other, n)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 1 }))
        .map(([i, at, c]) => tamper(pickFrom(pool(), i) ?? encodeId(type, 1), at, c)),
    },
    { weight: 2, arbitrary: hostileString },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "0",
        "-1",
        "1",
        "null",
        "undefined",
        "QXBpS2V5OjE6",
        "QXBpS2V5OjE6eHh4eA==",
        Buffer.from(`${type}:1`).toString("base64"),
      ),
    },
  );
}

export function pickFrom<T>(items: readonly T[], i: number): T | undefined {
  return items.length === 0 ? undefined : items[i % items.length];
}

function tamper(id: string, at: number, c: string): string {
  const i = at % Math.max(1, id.length);
  return `${id.slice(0, i)}${c}${id.slice(i + 1)}`;
}

/** Encodes a path segment, or sends hostile bytes as percent-escapes (some of them invalid UTF-8). */
export const segment = (value: string): string => {
  try {
    return encodeURIComponent(value);
  } catch {
    return Buffer.from(value, "utf8").toString("hex").replace(/(..)/g, "%$1");
  }
};

/** A query string from name/value pairs, some repeated, some with raw percent garbage. */
export function queryString(names: readonly string[], values: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const pair = fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostileString }), values);
  const garbage = fc.constantFrom(
    "%",
    "%zz",
    "%C0%80",
    "%ff%fe",
    "a=%",
    "=",
    "&&",
    "a[b]=1",
    "a[]=1&a[]=2",
    "limit=1&limit=2",
    "__proto__[x]=1",
    "constructor=1",
  );
  return fc.tuple(fc.array(pair, { maxLength: 4 }), fc.option(garbage, { nil: undefined })).map(([pairs, extra]) => {
    const parts = pairs.map(([k, v]) => `${segment(k)}=${segment(v)}`);
    if (extra !== undefined) parts.push(extra);
    return parts.length === 0 ? "" : `?${parts.join("&")}`;
  });
}

// ---------------------------------------------------------------- callers

/** Who sends a case: mostly an account admin (who gets furthest), sometimes others or nobody. */
export const CALLERS = ["admin", "admin", "admin", "admin", "member", "service", "nondeveloper", "unknown", "none"] as const;
export type CallerName = (typeof CALLERS)[number];

export interface Fixture {
  t: TestServer;
  member: Person;
  nondeveloper: Person;
  serviceKey: string;
}

export async function fixture(store: "sqlite" | "postgres"): Promise<Fixture> {
  // The throttle is tested on its own; here it would turn most cases into 429.
  const t = await startTestServer({ store, env: { KEYHOUSE_AUTH_FAILURE_LIMIT: "1000000" } });
  const org = { id: t.organizationId, role: "member" };
  const member = await person(t, { org, space: { id: t.spaceId, role: "member" } });
  const nondeveloper = await person(t, { org, is_developer: false });
  const serviceKey = (
    await createKey(t, { name: "fuzz service", key_type: "service", space_id: t.spaceId, roles: { space_role: "admin" } })
  ).key;
  return { t, member, nondeveloper, serviceKey };
}

export function keyOf(f: Fixture, caller: CallerName): string | null {
  switch (caller) {
    case "admin":
      return f.t.adminKey;
    case "member":
      return f.member.key;
    case "nondeveloper":
      return f.nondeveloper.key;
    case "service":
      return f.serviceKey;
    case "unknown":
      return generateRawKey();
    case "none":
      return null;
  }
}

export const futureTime = fc.integer({ min: 60, max: 10 * 365 * 86_400 }).map((s) => new Date(Date.now() + s * 1000).toISOString());
/** RFC 3339 times in the future and past, and things that only look like times. */
export const timestamp: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: futureTime },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 * 365 * 86_400 }).map((s) => new Date(Date.now() - s * 1000).toISOString()) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      "2030-01-15T10:30:00Z",
      "2030-01-15T10:30:00+05:00",
      "2030-13-45T99:99:99Z",
      "2030-01-15",
      "9999-12-31T23:59:59Z",
      "+275760-09-13T00:00:00.000Z",
      "2030-01-15T10:30:00.123456789Z",
      "now",
      1893456000,
      1893456000000,
      "",
    ),
  },
  { weight: 1, arbitrary: hostileString },
);
