import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendProblem } from "./errors.js";

/**
 * The two wires of Arize's REST v2 that keyhouse serves (SPEC §11,
 * docs/arize-compatibility.md). Features know one internal model (lower-case
 * enum values, the 2026-06 shapes); this layer, at the edge of the app,
 * negotiates the dialect of each request, normalizes its input to the internal
 * model before validation, and re-cases and re-shapes its output.
 */
export type Dialect = "2026-06" | "2026-07";

const DIALECT_HEADER = "keyhouse-dialect";

/** How a request's dialect was chosen: the first rule of SPEC §11 that matched. */
type DialectSource = "header" | "sdk-version" | "casing" | "default";

declare module "fastify" {
  interface FastifyRequest {
    /** The dialect this request is answered in (set by the onRequest hook of installDialects). */
    dialect: Dialect;
    dialectSource: DialectSource;
  }
}

export function isDialect(value: unknown): value is Dialect {
  return value === "2026-06" || value === "2026-07";
}

/** Internal (2026-06) value and its 2026-07 spelling, for every enum the two wires spell differently. */
const PAIRS: readonly (readonly [string, string])[] = [
  ["user", "USER"],
  ["service", "SERVICE"],
  ["active", "ACTIVE"],
  ["deleted", "REVOKED"],
  ["expired", "EXPIRED"],
  ["invited", "INVITED"],
  ["predefined", "PREDEFINED"],
  ["custom", "CUSTOM"],
  ["admin", "ADMIN"],
  ["member", "MEMBER"],
  ["read-only", "READ_ONLY"],
  ["annotator", "ANNOTATOR"],
  ["none", "NONE"],
  ["email_link", "EMAIL_LINK"],
  ["temporary_password", "TEMPORARY_PASSWORD"],
];
const TO_UPPER = new Map(PAIRS.map(([lower, upper]) => [lower, upper]));
const TO_LOWER = new Map(PAIRS.map(([lower, upper]) => [upper, lower]));

/**
 * The members whose values are enums of the table above, wherever they appear
 * in a query or a body (nested objects and arrays included). A role object's
 * `type` is one too, and so is its `name` when the type is predefined (a custom
 * role's name is the user's text and is never touched).
 */
const ENUM_MEMBERS = new Set(["key_type", "status", "invite_mode", "account_role", "org_role", "space_role", "role"]);
const ROLE_TYPES = new Set(["predefined", "custom", "PREDEFINED", "CUSTOM"]);

interface Casing {
  upper: boolean;
  lower: boolean;
}

/** `value` in the internal casing, noting which casing it came in. */
function toInternal(value: string, seen: Casing): string {
  const lower = TO_LOWER.get(value);
  if (lower !== undefined) {
    seen.upper = true;
    return lower;
  }
  if (TO_UPPER.has(value)) seen.lower = true;
  return value;
}

type Recase = (value: string) => string;

/**
 * Permissions are UPPER_SNAKE in both wires; one was renamed: 8.42 revokes
 * service keys with SERVICE_KEY_REVOKE where 8.31 deleted them with
 * SERVICE_KEY_DELETE (the internal name).
 */
const PERMISSION_RENAMES: readonly (readonly [string, string])[] = [["SERVICE_KEY_DELETE", "SERVICE_KEY_REVOKE"]];
const PERMISSION_TO_07 = new Map(PERMISSION_RENAMES);
const PERMISSION_TO_INTERNAL = new Map(PERMISSION_RENAMES.map(([internal, wire]) => [wire, internal]));

/** Re-cases, in place, every enum member of a parsed JSON value (objects and arrays, any depth). */
function recaseTree(node: unknown, recase: Recase, renamePermission: Recase, depth = 0): void {
  if (depth > 32 || node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) recaseTree(item, recase, renamePermission, depth + 1);
    return;
  }
  const record = node as Record<string, unknown>;
  if (Array.isArray(record.permissions)) {
    record.permissions = record.permissions.map((p: unknown) => (typeof p === "string" ? renamePermission(p) : p));
  }
  if (typeof record.type === "string" && ROLE_TYPES.has(record.type)) {
    const type = recase(record.type);
    record.type = type;
    if (typeof record.name === "string" && type.toLowerCase() === "predefined") record.name = recase(record.name);
  }
  for (const [member, value] of Object.entries(record)) {
    if (typeof value === "string") {
      if (ENUM_MEMBERS.has(member)) record[member] = recase(value);
    } else recaseTree(value, recase, renamePermission, depth + 1);
  }
}

/** Normalizes a query or body to the internal casing, in place; returns the casing it was sent in. */
function normalizeInput(node: unknown, seen: Casing = { upper: false, lower: false }): Casing {
  recaseTree(
    node,
    (value) => toInternal(value, seen),
    (permission) => {
      const internal = PERMISSION_TO_INTERNAL.get(permission);
      if (internal === undefined) return permission;
      seen.upper = true;
      return internal;
    },
  );
  return seen;
}

const toWire07: Recase = (value) => TO_UPPER.get(value) ?? value;

/** A 2026-07 copy of an internal response body (enum values in UPPER_SNAKE); the internal one is left as it is. */
function recaseOutput(body: unknown): unknown {
  const copy: unknown = structuredClone(body);
  recaseTree(copy, toWire07, (permission) => PERMISSION_TO_07.get(permission) ?? permission);
  return copy;
}

/** A copy of a body with the given values taken out of every `permissions` array. */
function withoutPermissions(body: unknown, drop: ReadonlySet<string>): unknown {
  const copy: unknown = structuredClone(body);
  const walk = (node: unknown, depth: number): void => {
    if (depth > 8 || node === null || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach((item) => walk(item, depth + 1));
    const record = node as Record<string, unknown>;
    if (Array.isArray(record.permissions)) record.permissions = record.permissions.filter((p) => typeof p !== "string" || !drop.has(p));
    for (const value of Object.values(record)) walk(value, depth + 1);
  };
  walk(copy, 0);
  return copy;
}

/**
 * Every enum array of a JSON Schema document whose values all have a 2026-07
 * spelling, re-cased; the permission enum renamed and given 2026-07's own values
 * (OpenAPI of 2026-07).
 */
function recaseSchemaEnums(document: unknown, permissionsOf2026_07: readonly string[]): unknown {
  const copy: unknown = structuredClone(document);
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    for (const [member, value] of Object.entries(record)) {
      if (
        (member === "enum" || member === "examples") &&
        Array.isArray(value) &&
        value.every((v) => typeof v === "string" && TO_UPPER.has(v))
      )
        record[member] = value.map((v: string) => TO_UPPER.get(v));
      else if (member === "enum" && Array.isArray(value) && value.some((v) => PERMISSION_TO_07.has(v as string)))
        record[member] = [
          ...value.map((v: string) => PERMISSION_TO_07.get(v) ?? v),
          ...permissionsOf2026_07.filter((p) => !value.includes(p)),
        ];
      else if (member === "const" && typeof value === "string" && TO_UPPER.has(value)) record[member] = TO_UPPER.get(value);
      else walk(value);
    }
  };
  walk(copy);
  return copy;
}

/** The first version of Arize's client that speaks 2026-07, and the unsupported ones between the two wires. */
const FIRST_2026_07 = 41;
const LAST_2026_06 = 33;

/**
 * The dialect an `sdk-version` header asks for: below 8.34 `2026-06`, 8.41 and
 * later `2026-07`; null when the header is absent or not a version (it is the
 * client's own header, so an unreadable one is ignored rather than refused);
 * "unsupported" for 8.34 to 8.40 (docs/arize-compatibility.md).
 */
function dialectOfSdkVersion(header: string | string[] | undefined): Dialect | "unsupported" | null {
  if (typeof header !== "string") return null;
  const match = /^\s*v?(\d{1,4})\.(\d{1,4})(?:[.\-+].*)?\s*$/.exec(header);
  if (match === null) return null;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major !== 8) return major < 8 ? "2026-06" : "2026-07";
  if (minor <= LAST_2026_06) return "2026-06";
  if (minor >= FIRST_2026_07) return "2026-07";
  return "unsupported";
}

/**
 * A route's 2026-07 reshaping of its (already re-cased) success body, and the
 * same change to the response schema of its OpenAPI operation; keyed
 * `METHOD /url` as the router knows the route.
 */
export interface Reshape {
  body(body: unknown): unknown;
  schema(schema: Record<string, unknown>): unknown;
}

/**
 * Installs the dialect layer on the root app, before any route is registered:
 * negotiation (onRequest: header, then sdk-version; preValidation: the casing
 * of the request's own enum values, then the default), input normalization
 * (preValidation), output (preSerialization) and the `Keyhouse-Dialect`
 * response header (onSend).
 */
export function installDialects(
  app: FastifyInstance,
  fallback: Dialect,
  reshapes: ReadonlyMap<string, Reshape>,
  permissionsOf2026_07: readonly string[] = [],
): void {
  const only07 = new Set(permissionsOf2026_07);
  app.decorateRequest("dialect", fallback);
  app.decorateRequest("dialectSource", "default");

  app.addHook("onRequest", async (request, reply) => {
    // The query is known (and normalized) now; the body only after parsing (preValidation).
    const queryCasing = normalizeInput(request.query);
    const pinned = request.headers[DIALECT_HEADER];
    if (pinned !== undefined) {
      if (!isDialect(pinned)) {
        return sendProblem(
          request,
          reply,
          "VALIDATION_FAILED",
          `header Keyhouse-Dialect must be 2026-06 or 2026-07 (got ${Array.isArray(pinned) ? "several values" : JSON.stringify(pinned.slice(0, 40))})`,
        );
      }
      request.dialect = pinned;
      request.dialectSource = "header";
      return undefined;
    }
    const bySdk = dialectOfSdkVersion(request.headers["sdk-version"]);
    if (bySdk === "unsupported") {
      return sendProblem(
        request,
        reply,
        "VALIDATION_FAILED",
        "this version of Arize's client (8.34 to 8.40) is not supported by keyhouse: use 8.31 to 8.33 or 8.41 and later, " +
          "or send the header Keyhouse-Dialect: 2026-06 or 2026-07",
      );
    }
    if (bySdk !== null) {
      request.dialect = bySdk;
      request.dialectSource = "sdk-version";
      return undefined;
    }
    decideByCasing(request, queryCasing);
    return undefined;
  });

  app.addHook("preValidation", async (request) => {
    decideByCasing(request, normalizeInput(request.body));
  });

  app.addHook("preSerialization", async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (reply.statusCode >= 300) return payload;
    if (request.dialect !== "2026-07") {
      // Roles are the one resource whose 2026-06 body may hold a value of 2026-07 only: a permission it added.
      return only07.size > 0 && (request.routeOptions.url ?? "").startsWith("/v2/roles") ? withoutPermissions(payload, only07) : payload;
    }
    const recased = recaseOutput(payload);
    const reshape = reshapes.get(`${request.method} ${request.routeOptions.url ?? ""}`);
    if (reshape === undefined) return recased;
    // The route's compiled serializer is for the 2026-06 shape.
    reply.serializer(JSON.stringify);
    return reshape.body(recased);
  });

  app.addHook("onSend", async (request, reply, payload) => {
    reply.header(DIALECT_HEADER, request.dialect);
    return payload;
  });
}

/** An UPPER_SNAKE value anywhere in the query or body means 2026-07; otherwise a lower-case one means 2026-06. */
function decideByCasing(request: FastifyRequest, seen: Casing): void {
  if (request.dialectSource === "header" || request.dialectSource === "sdk-version") return;
  if (seen.upper) {
    request.dialect = "2026-07";
    request.dialectSource = "casing";
  } else if (seen.lower && request.dialectSource === "default") {
    request.dialect = "2026-06";
    request.dialectSource = "casing";
  }
}

/**
 * The routes whose 2026-07 body differs in shape from the internal one (beside
 * enum casing), by `METHOD /url`: the declaration the preSerialization hook reads.
 */
export const RESHAPES_2026_07: ReadonlyMap<string, Reshape> = new Map<string, Reshape>([
  // 8.42's create_api_key answers a user key as ApiKeyCreated, a service key with its bot_user (which 2026-06 leaves out).
  [
    "POST /v2/api-keys",
    {
      body: (body) => body,
      schema: (schema) => ({ oneOf: [{ $ref: "#/components/schemas/ServiceApiKeyCreated" }, schema] }),
    },
  ],
  // 8.42's create_resource_restriction answers the bare ResourceRestriction, 8.31's wraps it.
  [
    "POST /v2/resource-restrictions",
    {
      body: (body) => (body as { resource_restriction: unknown }).resource_restriction,
      schema: (schema) => (schema.properties as Record<string, unknown>).resource_restriction,
    },
  ],
]);

type OpenApiDocument = {
  paths?: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>>;
};

/** The OpenAPI document of 2026-07, made from the app's (2026-06) one: enums re-cased, reshaped responses re-described. */
export function openApiFor2026_07(
  document: unknown,
  permissionsOf2026_07: readonly string[] = [],
  reshapes: ReadonlyMap<string, Reshape> = RESHAPES_2026_07,
): unknown {
  const copy = recaseSchemaEnums(document, permissionsOf2026_07) as OpenApiDocument;
  for (const [route, reshape] of reshapes) {
    const [method = "", url = ""] = route.split(" ");
    const path = url.replace(/:([a-z_]+)/g, "{$1}");
    const responses = copy.paths?.[path]?.[method.toLowerCase()]?.responses ?? {};
    for (const [status, response] of Object.entries(responses)) {
      if (!status.startsWith("2")) continue;
      for (const media of Object.values(response.content ?? {})) media.schema = reshape.schema(media.schema) as Record<string, unknown>;
    }
  }
  return copy;
}
