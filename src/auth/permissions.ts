import type { AccountRole, MemberRole, UserKind } from "../store/schema.js";

/** Who a request acts as, with every role it holds, loaded once per request. */
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
}

const MEMBER_RANK: Record<MemberRole, number> = { annotator: 0, "read-only": 1, member: 2, admin: 3 };
const ACCOUNT_RANK: Record<AccountRole, number> = { annotator: 0, member: 1, admin: 2 };

export function isAccountAdmin(principal: Principal): boolean {
  return principal.accountRole === "admin";
}

/** May use the API keys resource at all: developers and account admins. */
export function mayUseApi(principal: Principal): boolean {
  return principal.isDeveloper || isAccountAdmin(principal);
}

/** The role a principal holds in an organization: account admins are admins of every one. */
export function organizationRole(principal: Principal, organizationId: number): MemberRole | undefined {
  if (isAccountAdmin(principal)) return "admin";
  return principal.organizationRoles.get(organizationId);
}

/**
 * The role a principal holds in a space. Account admins, and admins of the
 * space's organization, are admins of the space; everyone else holds the role of
 * their space membership, if any.
 */
export function spaceRole(principal: Principal, space: { id: number; organization_id: number }): MemberRole | undefined {
  if (organizationRole(principal, space.organization_id) === "admin") return "admin";
  return principal.spaceRoles.get(space.id);
}

export type ServiceKeyAction = "read" | "create" | "manage-own" | "manage-any";

/** SPEC §8: what each space role may do with service keys. */
export function allowsServiceKeyAction(role: MemberRole | undefined, action: ServiceKeyAction): boolean {
  if (role === undefined) return false;
  switch (action) {
    case "read":
      return role !== "annotator";
    case "create":
    case "manage-own":
      return role === "admin" || role === "member";
    case "manage-any":
      return role === "admin";
  }
}

/** True when `wanted` is at or below `held` (member roles). */
export function memberRoleWithin(wanted: MemberRole, held: MemberRole | undefined): boolean {
  return held !== undefined && MEMBER_RANK[wanted] <= MEMBER_RANK[held];
}

/** True when `wanted` is at or below `held` (account roles). */
export function accountRoleWithin(wanted: AccountRole, held: AccountRole): boolean {
  return ACCOUNT_RANK[wanted] <= ACCOUNT_RANK[held];
}
