import { membershipsOf, type UserRow } from "../store/queries/identity.js";
import type { MemberRole } from "../store/schema.js";
import type { Db } from "../store/store.js";
import type { Principal } from "./permissions.js";

/** Loads the roles of a user into a Principal. */
export async function loadPrincipal(db: Db, user: UserRow): Promise<Principal> {
  const organizationRoles = new Map<number, MemberRole>();
  const spaceRoles = new Map<number, MemberRole>();
  for (const membership of await membershipsOf(db, user.id)) {
    if (membership.scope === "organization") organizationRoles.set(membership.scope_id, membership.role);
    else spaceRoles.set(membership.scope_id, membership.role);
  }
  return {
    userId: user.id,
    kind: user.kind,
    accountRole: user.role,
    isDeveloper: user.kind === "bot" || user.is_developer === 1,
    organizationRoles,
    spaceRoles,
  };
}
