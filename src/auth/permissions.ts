import type { AccountRole, MemberRole, UserKind } from "../store/schema.js";
import type { Permission } from "./catalog.js";

/** A set of permissions bound somewhere, and whether it is the predefined `admin` role. */
export interface BoundGrant {
  permissions: ReadonlySet<Permission>;
  /** The predefined admin role: counts as a space admin (passes restrictions). */
  admin: boolean;
}

/** A role bound on a project, with where the project lies. */
export interface ProjectGrant extends BoundGrant {
  spaceId: number;
  organizationId: number;
}

/** Where a restricted project lies. */
export interface ProjectPlace {
  spaceId: number;
  organizationId: number;
}

/**
 * What the permission engine (engine.ts) reads, resolved once per principal
 * when it is loaded (and cached with it): no check reads the store.
 */
export interface Grants {
  /** Organizations the principal administers through a membership (their spaces and projects: everything). */
  adminOrganizations: ReadonlySet<number>;
  /** Space id → the union of the space membership's set and the set of the role bound on the space. */
  spaces: ReadonlyMap<number, ReadonlySet<Permission>>;
  /** Space id → its organization, for every space in `spaces`. */
  spaceOrganizations: ReadonlyMap<number, number>;
  /** Spaces the principal is an admin of through a membership or a binding of the predefined admin role. */
  adminSpaces: ReadonlySet<number>;
  /** Project id → the role bound on it. */
  projects: ReadonlyMap<number, ProjectGrant>;
  /** Every restricted live project of the account. */
  restrictedProjects: ReadonlyMap<number, ProjectPlace>;
}

/** Who a request acts as, with every role it holds, loaded once per request (or from the authentication cache). */
export interface Principal {
  userId: number;
  kind: UserKind;
  accountRole: AccountRole;
  /** Bot users always count as developers: service keys exist to call the API. */
  isDeveloper: boolean;
  /** Organization id → role. */
  organizationRoles: ReadonlyMap<number, MemberRole>;
  /** Space id → role. */
  spaceRoles: ReadonlyMap<number, MemberRole>;
  grants: Grants;
}

const MEMBER_RANK: Record<MemberRole, number> = { annotator: 0, "read-only": 1, member: 2, admin: 3 };
const ACCOUNT_RANK: Record<AccountRole, number> = { annotator: 0, member: 1, admin: 2 };

/** True when `wanted` is at or below `held` (member roles). */
export function memberRoleWithin(wanted: MemberRole, held: MemberRole | undefined): boolean {
  return held !== undefined && MEMBER_RANK[wanted] <= MEMBER_RANK[held];
}

/** True when `wanted` is at or below `held` (account roles). */
export function accountRoleWithin(wanted: AccountRole, held: AccountRole): boolean {
  return ACCOUNT_RANK[wanted] <= ACCOUNT_RANK[held];
}
