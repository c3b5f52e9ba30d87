import { requireId } from "../../http/ids.js";
import { ProblemError } from "../../http/problem.js";
import { parseFutureTimestamp } from "../../http/time.js";
import type { CreateBody } from "./schemas.js";
import type { CreateKeyInput } from "./service.js";

const invalid = (detail: string) => new ProblemError("VALIDATION_FAILED", { detail });

type Assignment = { type: "predefined" | "custom"; name?: string; id?: string } | null | undefined;

/** A 2026-07 role assignment as one of the predefined roles a service key may hold; absent or null means `fallback`. */
function predefinedRole<T extends string>(assignment: Assignment, allowed: readonly T[], where: string, fallback: T): T {
  if (assignment === undefined || assignment === null) return fallback;
  if (assignment.type === "custom") {
    throw invalid(`body "${where}": a service key holds predefined roles only, not a custom role`);
  }
  const name = assignment.name;
  if (name === undefined) throw invalid(`body "${where}": a predefined role needs its "name"`);
  if (!(allowed as readonly string[]).includes(name)) {
    throw invalid(`body "${where}": a service key's role here is one of ${allowed.join(", ")} (got "${name.slice(0, 40)}")`);
  }
  return name as T;
}

/** Where the service key's bot user acts, from the 2026-06 body (`space_id` + `roles`) or the 2026-07 one (`account_role` + `organizations`). */
function serviceGrant(body: CreateBody): Pick<CreateKeyInput, "spaceId" | "organizationId" | "roles" | "roleNames"> {
  const organizations = body.organizations;
  if (organizations === undefined) {
    if (body.account_role !== undefined)
      throw invalid('body "account_role" goes with "organizations"; give both, or "space_id" and "roles"');
    if (body.space_id === undefined) throw invalid('body "space_id" is required for service keys (or, in 2026-07, "organizations")');
    return {
      spaceId: requireId("Space", body.space_id, 'body "space_id"'),
      organizationId: null,
      roles: {
        spaceRole: body.roles?.space_role ?? "member",
        orgRole: body.roles?.org_role ?? "read-only",
        accountRole: body.roles?.account_role ?? "member",
      },
      roleNames: { space: "roles.space_role", org: "roles.org_role", account: "roles.account_role" },
    };
  }
  if (body.space_id !== undefined || body.roles !== undefined) {
    throw invalid('give either "space_id" and "roles" (2026-06) or "account_role" and "organizations" (2026-07), not both');
  }
  const [organization] = organizations;
  if (organization === undefined) throw invalid('body "organizations" must name at least one organization');
  const [space] = organization.spaces;
  if (organizations.length > 1 || space === undefined || organization.spaces.length > 1) {
    throw invalid(
      'body "organizations": keyhouse gives a service key one organization with one space for now; ' +
        "create one key per space (docs/arize-compatibility.md)",
    );
  }
  return {
    spaceId: requireId("Space", space.space_id, 'body "organizations[0].spaces[0].space_id"'),
    organizationId: requireId("Organization", organization.org_id, 'body "organizations[0].org_id"'),
    roles: {
      spaceRole: predefinedRole(space.role, ["admin", "member", "read-only"], "organizations[0].spaces[0].role", "member"),
      orgRole: predefinedRole(organization.role, ["admin", "member", "read-only"], "organizations[0].role", "read-only"),
      accountRole: predefinedRole(body.account_role, ["admin", "member"], "account_role", "member"),
    },
    roleNames: { space: "organizations[0].spaces[0].role", org: "organizations[0].role", account: "account_role" },
  };
}

/** Parses the create body's cross-field rules into a service input (either dialect's body). */
export function toCreateInput(body: CreateBody, now: number): CreateKeyInput {
  if (body.name.trim() === "") throw invalid('body "name" must not be blank');
  const keyType = body.key_type ?? "user";
  const base = {
    name: body.name,
    description: body.description ?? null,
    keyType,
    expiresAt: body.expires_at === undefined ? null : parseFutureTimestamp(body.expires_at, 'body "expires_at"', now),
  };
  if (keyType === "service") return { ...base, ...serviceGrant(body) };
  for (const member of ["space_id", "roles", "account_role", "organizations"] as const) {
    if (body[member] !== undefined) throw invalid(`body "${member}" is only allowed for service keys`);
  }
  return {
    ...base,
    spaceId: null,
    organizationId: null,
    roles: { spaceRole: "member", orgRole: "read-only", accountRole: "member" },
    roleNames: { space: "roles.space_role", org: "roles.org_role", account: "roles.account_role" },
  };
}
