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

const SPACE_ROLES = ["admin", "member", "read-only"] as const;

/** Where the service key's bot user acts, from the 2026-06 body (`space_id` + `roles`) or the 2026-07 one (`account_role` + `organizations`). */
function serviceGrant(body: CreateBody): Pick<CreateKeyInput, "grants" | "accountRole"> {
  const organizations = body.organizations;
  if (organizations === undefined) {
    if (body.account_role !== undefined)
      throw invalid('body "account_role" goes with "organizations"; give both, or "space_id" and "roles"');
    if (body.space_id === undefined) throw invalid('body "space_id" is required for service keys (or, in 2026-07, "organizations")');
    return {
      grants: [
        {
          organizationId: null,
          orgRole: { role: body.roles?.org_role ?? "read-only", asked: "roles.org_role" },
          spaces: [
            {
              spaceId: requireId("Space", body.space_id, 'body "space_id"'),
              role: { role: body.roles?.space_role ?? "member", asked: "roles.space_role" },
            },
          ],
        },
      ],
      accountRole: { role: body.roles?.account_role ?? "member", asked: "roles.account_role" },
    };
  }
  if (body.space_id !== undefined || body.roles !== undefined) {
    throw invalid('give either "space_id" and "roles" (2026-06) or "account_role" and "organizations" (2026-07), not both');
  }
  return {
    grants: organizations.map((organization, o) => ({
      organizationId: requireId("Organization", organization.org_id, `body "organizations[${o}].org_id"`),
      orgRole: {
        role: predefinedRole(organization.role, SPACE_ROLES, `organizations[${o}].role`, "read-only"),
        asked: `organizations[${o}].role`,
      },
      spaces: organization.spaces.map((space, i) => ({
        spaceId: requireId("Space", space.space_id, `body "organizations[${o}].spaces[${i}].space_id"`),
        role: {
          role: predefinedRole(space.role, SPACE_ROLES, `organizations[${o}].spaces[${i}].role`, "member"),
          asked: `organizations[${o}].spaces[${i}].role`,
        },
      })),
    })),
    accountRole: { role: predefinedRole(body.account_role, ["admin", "member"], "account_role", "member"), asked: "account_role" },
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
  return { ...base, grants: [], accountRole: { role: "member", asked: "roles.account_role" } };
}
