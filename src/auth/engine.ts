import type { SpaceScope } from "../store/queries/keyset.js";
import type { ProjectScope } from "../store/queries/projects.js";
import type { AccountRole, MemberRole } from "../store/schema.js";
import { predefinedRoleByName, type Permission } from "./catalog.js";
import type { BoundGrant, Grants, Principal, ProjectGrant, ProjectPlace } from "./permissions.js";

/**
 * The permission engine (SPEC §8, §12; docs/access-control.md, "The permission
 * engine"): every check keyhouse makes is "does this principal hold permission
 * P on resource R". The answer comes from the principal's Grants, resolved once
 * when the principal is loaded, so a check is a few map lookups.
 */

export type Resource =
  | { type: "account" }
  | { type: "organization"; id: number }
  | { type: "space"; id: number; organizationId: number }
  | { type: "project"; id: number; spaceId: number; organizationId: number };

export const ACCOUNT: Resource = Object.freeze({ type: "account" });

export function organizationResource(id: number): Resource {
  return { type: "organization", id };
}

export function spaceResource(space: { id: number; organization_id: number }): Resource {
  return { type: "space", id: space.id, organizationId: space.organization_id };
}

export function projectResource(project: { id: number }, space: { id: number; organization_id: number }): Resource {
  return { type: "project", id: project.id, spaceId: space.id, organizationId: space.organization_id };
}

const NONE: ReadonlySet<Permission> = new Set();
const SETS = new Map<string, ReadonlySet<Permission>>();

/** The permission set of a predefined role (an account role: the predefined role of that name), shared by every principal. */
export function predefinedSet(role: MemberRole | AccountRole | undefined): ReadonlySet<Permission> {
  if (role === undefined) return NONE;
  let set = SETS.get(role);
  if (!set) {
    set = new Set(predefinedRoleByName(role)?.permissions ?? []);
    SETS.set(role, set);
  }
  return set;
}

export function isAccountAdmin(principal: Principal): boolean {
  return principal.accountRole === "admin";
}

/** May use the API at all: developers and account admins (SPEC §4). */
export function mayUseApi(principal: Principal): boolean {
  return principal.isDeveloper || isAccountAdmin(principal);
}

/** An admin of the space: account admins, admins of its organization, its admin members, and those bound to it as `admin`. */
function isSpaceAdmin(principal: Principal, spaceId: number, organizationId: number): boolean {
  const g = principal.grants;
  return isAccountAdmin(principal) || g.adminOrganizations.has(organizationId) || g.adminSpaces.has(spaceId);
}

/** Whether a project is restricted, and the principal does not pass the restriction (not an admin of its space). */
function barredBy(principal: Principal, projectId: number, spaceId: number, organizationId: number): boolean {
  return principal.grants.restrictedProjects.has(projectId) && !isSpaceAdmin(principal, spaceId, organizationId);
}

/** Does the principal hold `permission` on `resource`. */
export function holds(principal: Principal, permission: Permission, resource: Resource): boolean {
  if (isAccountAdmin(principal)) return true;
  const g = principal.grants;
  switch (resource.type) {
    case "account":
      return predefinedSet(principal.accountRole).has(permission);
    case "organization":
      return predefinedSet(principal.organizationRoles.get(resource.id)).has(permission);
    case "space":
      return g.adminOrganizations.has(resource.organizationId) || (g.spaces.get(resource.id)?.has(permission) ?? false);
    case "project": {
      const bound = g.projects.get(resource.id)?.permissions.has(permission) ?? false;
      if (barredBy(principal, resource.id, resource.spaceId, resource.organizationId)) return bound;
      return bound || g.adminOrganizations.has(resource.organizationId) || (g.spaces.get(resource.spaceId)?.has(permission) ?? false);
    }
  }
}

/** Does the principal hold any permission on `resource`: what "sees it" means (a resource it holds nothing on answers 404). */
export function holdsAny(principal: Principal, resource: Resource): boolean {
  if (isAccountAdmin(principal)) return true;
  const g = principal.grants;
  switch (resource.type) {
    case "account":
      return true;
    case "organization":
      return principal.organizationRoles.has(resource.id);
    case "space":
      return g.adminOrganizations.has(resource.organizationId) || g.spaces.has(resource.id) || projectBoundIn(g, resource.id);
    case "project": {
      if (g.projects.has(resource.id)) return true;
      if (barredBy(principal, resource.id, resource.spaceId, resource.organizationId)) return false;
      return g.adminOrganizations.has(resource.organizationId) || g.spaces.has(resource.spaceId);
    }
  }
}

function projectBoundIn(g: Grants, spaceId: number): boolean {
  for (const grant of g.projects.values()) if (grant.spaceId === spaceId) return true;
  return false;
}

/**
 * The spaces where the principal holds `permission` (any permission when
 * undefined: the spaces it sees, a project binding's space included), as list
 * filters; undefined for account admins (every space).
 */
export function spacesWhere(principal: Principal, permission?: Permission): SpaceScope | undefined {
  if (isAccountAdmin(principal)) return undefined;
  const g = principal.grants;
  const spaceIds = new Set<number>();
  for (const [id, set] of g.spaces) if (permission === undefined || set.has(permission)) spaceIds.add(id);
  if (permission === undefined) for (const grant of g.projects.values()) spaceIds.add(grant.spaceId);
  return { organizationIds: [...g.adminOrganizations], spaceIds: [...spaceIds].sort((a, b) => a - b) };
}

/**
 * What the principal sees of projects, as list filters: the projects of the
 * spaces where it holds a role (spacesWhere without the project bindings'
 * spaces), plus the projects bound to it, minus the restricted projects it
 * does not pass. Undefined for account admins.
 */
export function projectScope(principal: Principal): ProjectScope | undefined {
  if (isAccountAdmin(principal)) return undefined;
  const g = principal.grants;
  const hidden: number[] = [];
  for (const [id, place] of g.restrictedProjects) {
    if (!g.projects.has(id) && !isSpaceAdmin(principal, place.spaceId, place.organizationId)) hidden.push(id);
  }
  return {
    spaces: { organizationIds: [...g.adminOrganizations], spaceIds: [...g.spaces.keys()] },
    projectIds: [...g.projects.keys()],
    hiddenProjectIds: hidden,
  };
}

/** A membership as the engine reads it. */
export interface MembershipGrant {
  scope: "organization" | "space";
  scopeId: number;
  organizationId: number;
  role: MemberRole;
}

/** A binding as the engine reads it, its role's permissions resolved. */
export interface BindingGrant {
  resourceType: "SPACE" | "PROJECT";
  resourceId: number;
  spaceId: number;
  organizationId: number;
  /** True for the predefined admin role. */
  admin: boolean;
  permissions: ReadonlySet<Permission>;
}

/**
 * Resolves a principal's memberships, bindings and the account's restricted
 * projects into Grants (SPEC §12): on a space, the union of the space
 * membership's set and the set bound on it; organization admins hold everything
 * in their organization's spaces.
 */
export function buildGrants(
  memberships: readonly MembershipGrant[],
  bindings: readonly BindingGrant[],
  restricted: ReadonlyMap<number, ProjectPlace>,
): Grants {
  const adminOrganizations = new Set<number>();
  const spaces = new Map<number, Set<Permission>>();
  const spaceOrganizations = new Map<number, number>();
  const adminSpaces = new Set<number>();
  const projects = new Map<number, ProjectGrant>();
  const addToSpace = (spaceId: number, organizationId: number, grant: BoundGrant) => {
    let set = spaces.get(spaceId);
    if (!set) spaces.set(spaceId, (set = new Set()));
    for (const p of grant.permissions) set.add(p);
    spaceOrganizations.set(spaceId, organizationId);
    if (grant.admin) adminSpaces.add(spaceId);
  };
  for (const m of memberships) {
    if (m.scope === "organization") {
      if (m.role === "admin") adminOrganizations.add(m.scopeId);
    } else {
      addToSpace(m.scopeId, m.organizationId, { permissions: predefinedSet(m.role), admin: m.role === "admin" });
    }
  }
  for (const b of bindings) {
    if (b.resourceType === "SPACE") addToSpace(b.resourceId, b.organizationId, b);
    else projects.set(b.resourceId, { permissions: b.permissions, admin: b.admin, spaceId: b.spaceId, organizationId: b.organizationId });
  }
  return { adminOrganizations, spaces, spaceOrganizations, adminSpaces, projects, restrictedProjects: restricted };
}

/** The role a principal holds in an organization through membership (account admins: admin), for "at or below" comparisons. */
export function organizationRole(principal: Principal, organizationId: number): MemberRole | undefined {
  if (isAccountAdmin(principal)) return "admin";
  return principal.organizationRoles.get(organizationId);
}

/** The predefined role a principal holds in a space through membership (account and organization admins: admin). */
export function spaceRole(principal: Principal, space: { id: number; organization_id: number }): MemberRole | undefined {
  if (organizationRole(principal, space.organization_id) === "admin") return "admin";
  return principal.spaceRoles.get(space.id);
}
