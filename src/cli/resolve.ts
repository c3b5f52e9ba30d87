import type { ApiClient, Query } from "./client.js";
import { UsageError } from "./failure.js";
import { looksLikeId } from "./parse.js";
import { oneLine } from "./text.js";

// Commands accept a space or organization by name and a user by email as well
// as by id; these turn such a reference into the id the API wants.

interface Named {
  id: string;
  name?: string;
  email?: string;
}

/** Every item of a list, following cursors to the end. */
export async function walkAll<T>(
  client: ApiClient,
  path: string,
  listKey: string,
  query: Query,
  onPage?: (count: number) => void,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined = typeof query.cursor === "string" ? query.cursor : undefined;
  for (;;) {
    const page = await client.page<T>(path, listKey, { ...query, limit: query.limit ?? 100, cursor });
    items.push(...page.items);
    onPage?.(items.length);
    if (!page.hasMore) return items;
    cursor = page.nextCursor;
  }
}

async function resolveBy(
  client: ApiClient,
  reference: string,
  spec: { path: string; listKey: string; query: Query; field: "name" | "email"; noun: string },
): Promise<string> {
  if (looksLikeId(reference)) return reference;
  const wanted = reference.trim().toLowerCase();
  const candidates = await walkAll<Named>(client, spec.path, spec.listKey, spec.query);
  const matches = candidates.filter((item) => item[spec.field]?.toLowerCase() === wanted);
  const [match, ...others] = matches;
  if (match === undefined) throw new UsageError(`no ${spec.noun} with ${spec.field} "${oneLine(reference)}" (that you can see)`);
  if (others.length > 0) {
    const ids = matches.map((item) => item.id).join(", ");
    throw new UsageError(`${matches.length} ${spec.noun}s have ${spec.field} "${oneLine(reference)}" (${ids}); give the id instead`);
  }
  return match.id;
}

/** A space id from an id or a name (exact, case-insensitive, through GET /v2/spaces?name=). */
export function resolveSpace(client: ApiClient, reference: string): Promise<string> {
  return resolveBy(client, reference, {
    path: "/v2/spaces",
    listKey: "spaces",
    query: { name: reference.trim() || undefined },
    field: "name",
    noun: "space",
  });
}

/** An organization id from an id or a name (exact, case-insensitive, through GET /v2/organizations?name=). */
export function resolveOrganization(client: ApiClient, reference: string): Promise<string> {
  return resolveBy(client, reference, {
    path: "/v2/organizations",
    listKey: "organizations",
    query: { name: reference.trim() || undefined },
    field: "name",
    noun: "organization",
  });
}

/** A user id from an id or an email address (exact, case-insensitive, through GET /v2/users?email=). */
export function resolveUser(client: ApiClient, reference: string): Promise<string> {
  return resolveBy(client, reference, {
    path: "/v2/users",
    listKey: "users",
    query: { email: reference.trim() },
    field: "email",
    noun: "user",
  });
}

/** A project id from an id or a name (exact, case-insensitive), optionally among one space's projects. */
export function resolveProject(client: ApiClient, reference: string, spaceId?: string): Promise<string> {
  return resolveBy(client, reference, {
    path: "/v2/projects",
    listKey: "projects",
    query: { name: reference.trim(), space_id: spaceId },
    field: "name",
    noun: "project",
  });
}

/** A role id from an id or a name (exact, case-insensitive): predefined (admin, member, read-only, annotator) or custom. */
export function resolveRole(client: ApiClient, reference: string): Promise<string> {
  return resolveBy(client, reference, { path: "/v2/roles", listKey: "roles", query: {}, field: "name", noun: "role" });
}
