import { ProblemError } from "../../../http/problem.js";
import type { AccountRole, MemberRole } from "../../../store/schema.js";
import { ACCOUNT_ROLES, MEMBER_ROLES, type RoleInput } from "./schemas.js";

function parseRole<R extends string>(input: RoleInput, allowed: readonly R[], field: string): R {
  const isAllowed = (name: string): name is R => (allowed as readonly string[]).includes(name);
  if (typeof input === "string") {
    if (isAllowed(input)) return input;
  } else if (input.type === "custom") {
    throw new ProblemError("VALIDATION_FAILED", {
      detail: `${field}: custom role assignments are not supported yet; use {"type": "predefined", "name": "<role>"}`,
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
export function parseMemberRole(input: RoleInput, field = 'body "role"'): MemberRole {
  return parseRole(input, MEMBER_ROLES, field);
}

/** Parses an account role, in the same two forms. */
export function parseAccountRole(input: RoleInput, field = 'body "role"'): AccountRole {
  return parseRole(input, ACCOUNT_ROLES, field);
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
