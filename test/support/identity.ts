import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { AuditEvent } from "../../src/features/audit/index.js";
import type { HttpResponse, Json, RequestOptions } from "./http.js";
import type { TestServer } from "./server.js";

/**
 * Builds identities through the identity admin API itself (not the store), so
 * every fixture is also a use of the routes under test.
 */

let counter = 0;

/** A name no other test uses, on either store or in a parallel run. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomBytes(3).toString("hex")}`;
}

/** Insists on a status and returns the parsed body. */
export function expectStatus(res: HttpResponse, status: number): Json {
  expect(res.status, res.text).toBe(status);
  return res.body;
}

type Call = Omit<RequestOptions, "key"> & { key?: string | null };

export async function newOrganization(t: TestServer, options: { name?: string; key?: string } = {}): Promise<Json> {
  const name = options.name ?? unique("org");
  return expectStatus(await t.call("/v2/organizations", { method: "POST", body: { name }, key: options.key }), 201);
}

export async function newSpace(t: TestServer, organizationId: string, options: { name?: string; key?: string } = {}): Promise<Json> {
  const body = { name: options.name ?? unique("space"), organization_id: organizationId };
  return expectStatus(await t.call("/v2/spaces", { method: "POST", body, key: options.key }), 201);
}

export interface NewUserOptions {
  role?: "admin" | "member" | "annotator";
  is_developer?: boolean;
  invite_mode?: string;
  email?: string;
}

export async function newUser(t: TestServer, options: NewUserOptions = {}): Promise<Json> {
  const body = { name: "Test User", email: options.email ?? `${unique("u")}@example.test`, role: options.role ?? "member", ...options };
  return expectStatus(await t.call("/v2/users", { method: "POST", body }), 201);
}

/** Sets a user's role in an organization or space (an upsert), as the admin unless `key` is given. */
export async function addMember(
  t: TestServer,
  scope: "organizations" | "spaces",
  scopeId: string,
  userId: string,
  role: string,
  key?: string,
): Promise<Json> {
  const res = await t.call(`/v2/${scope}/${scopeId}/users`, {
    method: "POST",
    body: { user_id: userId, role: { type: "predefined", name: role } },
    key,
  });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** Issues a first user key for a user (POST /v2/users/{id}/api-keys) and returns the raw key. */
export async function keyFor(t: TestServer, userId: string): Promise<string> {
  return expectStatus(await t.call(`/v2/users/${userId}/api-keys`, { method: "POST", body: { name: "first" } }), 201).key;
}

export interface Person {
  id: string;
  key: string;
}

export interface PersonOptions extends NewUserOptions {
  /** A role in this organization. */
  org?: { id: string; role: string };
  /** A role in this space (its organization membership must be given in `org`). */
  space?: { id: string; role: string };
}

/** A user with the given roles and a working user key. */
export async function person(t: TestServer, options: PersonOptions = {}): Promise<Person> {
  const { org, space, ...userOptions } = options;
  const user = await newUser(t, userOptions);
  if (org) await addMember(t, "organizations", org.id, user.id, org.role);
  if (space) await addMember(t, "spaces", space.id, user.id, space.role);
  const developer = userOptions.is_developer ?? userOptions.role !== "annotator";
  if (!developer) await t.call(`/v2/users/${user.id}`, { method: "PATCH", body: { is_developer: true } });
  const key = await keyFor(t, user.id);
  if (!developer) expectStatus(await t.call(`/v2/users/${user.id}`, { method: "PATCH", body: { is_developer: false } }), 200);
  return { id: user.id, key };
}

/** Every audit event recorded by one request, found by its request id. */
async function eventsOfRequest(t: TestServer, requestId: string, since: string): Promise<Json[]> {
  const events: Json[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ since, limit: "100", ...(cursor ? { cursor } : {}) });
    const page = expectStatus(await t.call(`/v2/audit-events?${query}`), 200);
    events.push(...page.audit_events.filter((e: AuditEvent) => e.request_id === requestId));
    cursor = page.pagination.next_cursor;
  } while (cursor);
  return events;
}

/** Sends a request with a fresh request id and returns the response and the audit events it left. */
export async function audited(t: TestServer, path: string, options: Call = {}): Promise<{ res: HttpResponse; events: Json[] }> {
  const requestId = unique("req");
  const since = new Date(Date.now() - 5_000).toISOString();
  const res = await t.call(path, { ...options, headers: { ...options.headers, "x-request-id": requestId } });
  return { res, events: await eventsOfRequest(t, requestId, since) };
}
