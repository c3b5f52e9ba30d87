import { membershipsOf, type UserRow } from "../store/queries/identity.js";
import { restrictedProjects } from "../store/queries/restrictions.js";
import { bindingGrantsOf } from "../store/queries/role-bindings.js";
import type { MemberRole } from "../store/schema.js";
import type { Db } from "../store/store.js";
import { isPermission, predefinedRoleById, type Permission } from "./catalog.js";
import { buildGrants, predefinedSet, type BindingGrant } from "./engine.js";
import type { Principal, ProjectPlace } from "./permissions.js";

/** The permissions of a custom role's JSON list (values the catalog no longer knows are dropped). */
function customSet(json: string | null): ReadonlySet<Permission> {
  const values: unknown = json === null ? [] : JSON.parse(json);
  return new Set(Array.isArray(values) ? values.filter((v): v is Permission => typeof v === "string" && isPermission(v)) : []);
}

/**
 * Loads a user's roles into a Principal: memberships, role bindings (with their
 * roles' permissions) and the account's restricted projects, resolved into the
 * engine's Grants. Three indexed reads; the result is cached with the key
 * (authenticate.ts) until a write to any of these tables invalidates it.
 */
export async function loadPrincipal(db: Db, user: UserRow): Promise<Principal> {
  const [memberships, bindings, restricted] = await Promise.all([
    membershipsOf(db, user.id),
    user.kind === "bot" ? Promise.resolve([]) : bindingGrantsOf(db, user.id),
    restrictedProjects(db),
  ]);
  const organizationRoles = new Map<number, MemberRole>();
  const spaceRoles = new Map<number, MemberRole>();
  for (const membership of memberships) {
    if (membership.scope === "organization") organizationRoles.set(membership.scope_id, membership.role);
    else spaceRoles.set(membership.scope_id, membership.role);
  }
  const bindingGrants: BindingGrant[] = bindings.map((b) => {
    const predefined = predefinedRoleById(b.role_id);
    return {
      resourceType: b.resource_type,
      resourceId: b.resource_id,
      spaceId: b.space_id,
      organizationId: b.organization_id,
      admin: predefined?.name === "admin",
      permissions: predefined ? predefinedSet(predefined.name) : customSet(b.permissions),
    };
  });
  const places = new Map<number, ProjectPlace>(
    restricted.map((r) => [r.project_id, { spaceId: r.space_id, organizationId: r.organization_id }]),
  );
  return {
    userId: user.id,
    kind: user.kind,
    accountRole: user.role,
    isDeveloper: user.kind === "bot" || user.is_developer === 1,
    organizationRoles,
    spaceRoles,
    grants: buildGrants(
      memberships.map((m) => ({ scope: m.scope, scopeId: m.scope_id, organizationId: m.organization_id, role: m.role })),
      bindingGrants,
      places,
    ),
  };
}
