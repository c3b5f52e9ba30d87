import { ProblemError } from "../../../http/problem.js";
import type { AccountRole, MemberRole } from "../../../store/schema.js";
import { ACCOUNT_ROLES, MEMBER_ROLES, type RoleInput } from "./schemas.js";

/**
 * Why a custom role assignment is refused here (docs/access-control.md,
 * "Custom roles in memberships"): a membership holds one predefined role; a
 * custom role is granted with a role binding.
 */
const CUSTOM_REFUSALS = {
  account: "account roles are predefined only (admin, member, annotator)",
  organization: "custom roles bind to spaces and projects, not organizations; grant one in a space with POST /v2/role-bindings",
  space:
    'a custom role is granted with a role binding, not a membership: POST /v2/role-bindings with "resource_type": "SPACE" (the user keeps or gets a predefined membership role here)',
} as const;

type RoleLevel = keyof typeof CUSTOM_REFUSALS;

function parseRole<R extends string>(input: RoleInput, allowed: readonly R[], field: string, level: RoleLevel): R {
  const isAllowed = (name: string): name is R => (allowed as readonly string[]).includes(name);
  if (typeof input === "string") {
    if (isAllowed(input)) return input;
  } else if (input.type === "custom") {
    throw new ProblemError("VALIDATION_FAILED", {
      detail: `${field}: custom role assignments are not accepted here: ${CUSTOM_REFUSALS[level]}`,
    });
  } else if (input.type !== "predefined") {
    throw new ProblemError("VALIDATION_FAILED", { detail: `${field}.type must be "predefined"` });
  } else if (input.id !== undefined) {
    throw new ProblemError("VALIDATION_FAILED", { detail: `${field}.id is only for custom role assignments` });
  } else if (input.name === undefined) {
    throw new ProblemError("VALIDATION_FAILED", { detail: `${field}.name is required` });
  } else if (isAllowed(input.name)) {
    return input.name;
  }
  throw new ProblemError("VALIDATION_FAILED", { detail: `${field} must name one of the roles: ${allowed.join(", ")}` });
}

/** Parses a membership role: `"member"` or `{"type": "predefined", "name": "member"}`. */
export function parseMemberRole(input: RoleInput, level: "organization" | "space", field = 'body "role"'): MemberRole {
  return parseRole(input, MEMBER_ROLES, field, level);
}

/** Parses an account role, in the same two forms. */
export function parseAccountRole(input: RoleInput, field = 'body "role"'): AccountRole {
  return parseRole(input, ACCOUNT_ROLES, field, "account");
}

/**
 * SPEC §7: a user whose account role is annotator can only hold the annotator
 * role in an organization or space, and only such a user can. Returns why a
 * pairing is refused, or undefined.
 */
export function annotatorConflict(accountRole: AccountRole, memberRole: MemberRole): string | undefined {
  if (accountRole === "annotator" && memberRole !== "annotator") {
    return `the user's account role is annotator, so the only role they can hold is annotator (not ${memberRole})`;
  }
  if (accountRole !== "annotator" && memberRole === "annotator") {
    return `only users whose account role is annotator can hold the annotator role (this user is ${accountRole})`;
  }
  return undefined;
}
