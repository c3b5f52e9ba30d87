import { isUsable, type Authenticator, type CachedAuth } from "../../auth/authenticate.js";
import type { Permission } from "../../auth/catalog.js";
import {
  ACCOUNT,
  holds,
  holdsAny,
  mayUseApi,
  organizationResource,
  projectResource,
  spaceResource,
  type Resource,
} from "../../auth/engine.js";
import type { Principal } from "../../auth/permissions.js";
import { encodeId, requireId } from "../../http/ids.js";
import { rfc3339 } from "../../http/time.js";
import { findOrganization, findSpace } from "../../store/queries/identity.js";
import { findProject } from "../../store/queries/projects.js";
import type { Db } from "../../store/store.js";
import type { VerifyAnswer, VerifyCode, VerifyRequest } from "./schemas.js";

/** The resource a verification asks about, its id decoded (400 when malformed). */
type AskedResource = { type: "ORGANIZATION" | "SPACE" | "PROJECT"; id: number };

/** Decodes the request's resource id at the edge: a malformed id is a 400, before any key is looked at. */
export function askedResource(resource: VerifyRequest["resource"]): AskedResource | undefined {
  if (resource === undefined) return undefined;
  const idType = resource.type === "ORGANIZATION" ? "Organization" : resource.type === "SPACE" ? "Space" : "Project";
  return { type: resource.type, id: requireId(idType, resource.id, '"resource.id"') };
}

/**
 * The engine's resource for a live organization, space or project of the
 * account, or undefined when there is none: a key holds nothing on a resource
 * that does not exist (or is another account's).
 */
async function resolveResource(db: Db, asked: AskedResource, accountId: number): Promise<Resource | undefined> {
  if (asked.type === "ORGANIZATION") {
    const organization = await findOrganization(db, asked.id);
    return organization?.account_id === accountId ? organizationResource(organization.id) : undefined;
  }
  const project = asked.type === "PROJECT" ? await findProject(db, asked.id) : undefined;
  if (asked.type === "PROJECT" && project === undefined) return undefined;
  const space = await findSpace(db, project?.space_id ?? asked.id);
  if (space === undefined) return undefined;
  const organization = await findOrganization(db, space.organization_id);
  if (organization?.account_id !== accountId) return undefined;
  return project === undefined ? spaceResource(space) : projectResource(project, space);
}

/**
 * Why a found key does not authenticate, or undefined when it does. The order
 * decides between causes: deleting a user deletes its keys, and SPEC §13 names
 * that FORBIDDEN, so the user's state is looked at first; a key both deleted
 * and expired is REVOKED.
 */
function refusal(
  found: CachedAuth | undefined,
  accountId: number,
  now: number,
): Exclude<VerifyCode, "VALID" | "INSUFFICIENT_PERMISSIONS"> | undefined {
  if (found === undefined || found.record.user.account_id !== accountId) return "NOT_FOUND";
  const { key, user } = found.record;
  if (user.status === "inactive") return "FORBIDDEN";
  if (key.status !== "active") return "REVOKED";
  if (key.expires_at !== null && key.expires_at <= now) return "EXPIRED";
  if (!isUsable(found.record, now) || found.principal === undefined || !mayUseApi(found.principal)) return "FORBIDDEN";
  return undefined;
}

/** The key and subject members of an answer about a key found in the caller's account. */
function keyAndSubject(found: CachedAuth): Pick<VerifyAnswer, "key" | "subject"> {
  const { key, user } = found.record;
  return {
    key: {
      id: encodeId("ApiKey", key.id),
      name: key.name,
      key_type: key.key_type,
      expires_at: key.expires_at === null ? null : rfc3339(key.expires_at),
    },
    subject: { id: encodeId("User", user.id), kind: user.kind, name: user.name },
  };
}

/** What the engine says about the requested permissions (or, with none, about seeing the resource at all). */
async function permissionAnswer(
  db: Db,
  principal: Principal,
  accountId: number,
  request: { permissions: readonly Permission[] | undefined; resource: AskedResource | undefined },
): Promise<Pick<VerifyAnswer, "valid" | "code" | "permissions">> {
  const resource = request.resource === undefined ? ACCOUNT : await resolveResource(db, request.resource, accountId);
  if (request.permissions === undefined) {
    const sees = resource !== undefined && holdsAny(principal, resource);
    return sees ? { valid: true, code: "VALID" } : { valid: false, code: "INSUFFICIENT_PERMISSIONS" };
  }
  const held = resource === undefined ? [] : request.permissions.filter((p) => holds(principal, p, resource));
  const all = held.length === request.permissions.length;
  return { valid: all, code: all ? "VALID" : "INSUFFICIENT_PERMISSIONS", permissions: held };
}

/**
 * Verifies a key for a service of the caller's account (SPEC §13). Every
 * refusal costs what an unknown key costs (Authenticator.inspect); the
 * permission answer, which reads the store for the resource, is worked out only
 * for a key that authenticates, so it cannot set refusals apart in time.
 */
export async function verifyKey(
  authenticator: Authenticator,
  db: Db,
  accountId: number,
  request: { key: string; permissions: readonly Permission[] | undefined; resource: AskedResource | undefined },
): Promise<VerifyAnswer> {
  const judged = await authenticator.inspect(request.key, (found, now) => {
    const code = refusal(found, accountId, now);
    return { accepted: code === undefined, answer: { code, found } };
  });
  const { code, found } = judged;
  if (found === undefined || code === "NOT_FOUND") return { valid: false, code: "NOT_FOUND" };
  if (code !== undefined || found.principal === undefined) return { valid: false, code: code ?? "FORBIDDEN", ...keyAndSubject(found) };
  return { ...(await permissionAnswer(db, found.principal, accountId, request)), ...keyAndSubject(found) };
}
