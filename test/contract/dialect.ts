import type { Json } from "../support/http.js";

/**
 * How the 8.42 client says what the cases write in 8.31's words, so that the
 * same cases drive both dialects. Written from the two wire files (not from
 * keyhouse's src/http/dialect.ts): requests are turned into what 8.42 sends
 * (and still checked against its request models), responses are validated
 * against 8.42's models as they arrive, and only then turned back into 8.31's
 * words for the cases' own assertions.
 */

/** 8.31's value and 8.42's, for every enum the two files spell differently. */
const VALUES: readonly (readonly [string, string])[] = [
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
const TO_07 = new Map(VALUES);
const TO_06 = new Map(VALUES.map(([a, b]) => [b, a]));
const PERMISSIONS_TO_07 = new Map([["SERVICE_KEY_DELETE", "SERVICE_KEY_REVOKE"]]);
const PERMISSIONS_TO_06 = new Map([["SERVICE_KEY_REVOKE", "SERVICE_KEY_DELETE"]]);
const ENUM_MEMBERS = new Set(["key_type", "status", "invite_mode", "role"]);

/** The 8.42 name of an operation the cases name as 8.31 does. */
const OPERATIONS_TO_07: Record<string, string> = {
  "DELETE /v2/api-keys/{api_key_id}": "PUT /v2/api-keys/{api_key_id}/revoke",
};

function recase(node: unknown, values: Map<string, string>, permissions: Map<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => recase(item, values, permissions));
  if (node === null || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  const isRole = typeof record.type === "string" && ["predefined", "custom", "PREDEFINED", "CUSTOM"].includes(record.type);
  const out: Record<string, unknown> = {};
  for (const [member, value] of Object.entries(record)) {
    if (typeof value === "string" && (ENUM_MEMBERS.has(member) || (isRole && (member === "type" || member === "name")))) {
      out[member] = values.get(value) ?? value;
    } else if (member === "permissions" && Array.isArray(value)) {
      out[member] = value.map((p: unknown) => (typeof p === "string" ? (permissions.get(p) ?? p) : p));
    } else out[member] = recase(value, values, permissions);
  }
  return out;
}

/** Translation between the cases' words (8.31) and the 2026-07 wire. */
export interface Translation {
  operation(key: string): string;
  request(key: string, body: unknown): unknown;
  query(query: [string, string][]): [string, string][];
  response(key: string, body: Json): Json;
}

const role = (name: string | undefined) => (name === undefined ? undefined : { type: "PREDEFINED", name: TO_07.get(name) ?? name });

/**
 * The 2026-07 translation. A service key's 8.31 body (`space_id` + `roles`)
 * becomes 8.42's (`account_role` + `organizations`), in `orgOf(space_id)`.
 */
export function to2026_07(orgOf: () => string): Translation {
  return {
    operation: (key) => OPERATIONS_TO_07[key] ?? key,
    request(key, body) {
      if (body === undefined) return undefined;
      if (key === "POST /v2/api-keys" && body !== null && typeof body === "object" && !Array.isArray(body)) {
        const { space_id, roles, ...rest } = body as { space_id?: string; roles?: Record<string, string>; [k: string]: unknown };
        const created: Record<string, unknown> = { key_type: "user", ...rest };
        if (created.key_type === "service" && space_id !== undefined) {
          if (roles?.account_role !== undefined) created.account_role = role(roles.account_role);
          const space: Record<string, unknown> = { space_id };
          if (roles?.space_role !== undefined) space.role = role(roles.space_role);
          const organization: Record<string, unknown> = { org_id: orgOf(), spaces: [space] };
          if (roles?.org_role !== undefined) organization.role = role(roles.org_role);
          created.organizations = [organization];
        } else if (space_id !== undefined) created.space_id = space_id;
        return recase(created, TO_07, PERMISSIONS_TO_07);
      }
      return recase(body, TO_07, PERMISSIONS_TO_07);
    },
    query: (query) => query.map(([name, value]) => [name, ENUM_MEMBERS.has(name) ? (TO_07.get(value) ?? value) : value]),
    response(key, body) {
      if (body === undefined) return body;
      const words = recase(body, TO_06, PERMISSIONS_TO_06) as Json;
      // 8.42 answers the restriction bare; the cases read 8.31's wrapper.
      if (key === "POST /v2/resource-restrictions" && words?.resource_id !== undefined) return { resource_restriction: words };
      return words;
    },
  };
}
