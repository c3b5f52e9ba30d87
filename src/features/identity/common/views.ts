import { encodeId } from "../../../http/ids.js";
import { rfc3339 } from "../../../http/time.js";
import type { MembershipRow, OrganizationRow, SpaceRow, UserRow } from "../../../store/queries/identity.js";
import type { AccountRole, MemberRole } from "../../../store/schema.js";
import type { Organization, OrganizationMembership, RoleAssignment, Space, SpaceMembership, User } from "./schemas.js";

/**
 * A user's status on the wire at `now` (SPEC §1, §14): stored `invited` reads
 * `expired` once the invitation link ran out (or when there is none). Deleted
 * (`inactive`) users never reach a view: every route answers 404 for them.
 */
export function wireUserStatus(row: Pick<UserRow, "status" | "invite_expires_at">, now: number): User["status"] {
  if (row.status === "inactive") throw new Error("a deleted user has no wire form; the route should have answered 404");
  if (row.status !== "invited") return row.status;
  return row.invite_expires_at !== null && row.invite_expires_at > now ? "invited" : "expired";
}

function roleAssignment(name: MemberRole | AccountRole): RoleAssignment {
  return { type: "predefined", name };
}

export function toOrganizationView(row: OrganizationRow): Organization {
  return { id: encodeId("Organization", row.id), name: row.name, description: row.description, created_at: rfc3339(row.created_at) };
}

export function toSpaceView(row: SpaceRow): Space {
  return { id: encodeId("Space", row.id), name: row.name, description: row.description, created_at: rfc3339(row.created_at) };
}

export function toUserView(row: UserRow, now: number): User {
  return {
    id: encodeId("User", row.id),
    name: row.name,
    email: row.email ?? "",
    created_at: rfc3339(row.created_at),
    status: wireUserStatus(row, now),
    role: roleAssignment(row.role),
    is_developer: row.is_developer === 1,
  };
}

/** A membership as the wire shows it: `organization_id` or `space_id` by scope. */
export function toMembershipView(row: MembershipRow): OrganizationMembership | SpaceMembership {
  const base = { id: encodeId("Membership", row.id), user_id: encodeId("User", row.user_id), role: roleAssignment(row.role) };
  return row.scope === "organization"
    ? { ...base, organization_id: encodeId("Organization", row.scope_id) }
    : { ...base, space_id: encodeId("Space", row.scope_id) };
}
