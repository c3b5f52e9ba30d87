import type { FeatureDeps } from "../../../auth/deps.js";
import type { Actor } from "../../../auth/actor.js";
import { auditTarget, recordAudit } from "../../audit/index.js";
import { rfc3339 } from "../../../http/time.js";
import { readPage, type Page } from "../../../store/page.js";
import { ProblemError } from "../../../http/problem.js";
import { insertUser, type UserRow } from "../../../store/queries/identity.js";
import { hasMembershipWithRole } from "../../../store/queries/memberships.js";
import {
  findUserByEmail,
  listUsers,
  lockHumanUser,
  sharesOrganization,
  updateUser,
  type UserPatch,
  type WireUserStatus,
} from "../../../store/queries/users.js";
import type { AccountRole, UserStatus } from "../../../store/schema.js";
import { issueClaimLink, type IssuedLink } from "../../invitations/index.js";
import type { Db } from "../../../store/store.js";
import { requirePermission, requireHumanUser, userNotFound, requireApiAccess } from "../../../auth/access.js";
import { ACCOUNT, isAccountAdmin } from "../../../auth/engine.js";
import { changesOf, requireChange, requireNotBlank, writeUnique, type INVITE_MODES } from "../common/index.js";
import type { Principal } from "../../../auth/permissions.js";
import { keepsAccountAdministrable, lockAdminSet, refuseLastAdmin } from "./last-admin.js";

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function emailTaken(email: string): ProblemError {
  return new ProblemError("CONFLICT", {
    detail: `a user with email ${email} already exists (emails are compared case-insensitively and after Unicode NFKC normalization, so look-alike forms such as fullwidth letters are the same email; deleted users keep theirs)`,
  });
}

/** Organizations whose members the principal may see: every one it belongs to. */
function organizationsOf(principal: Principal): number[] {
  return [...principal.organizationRoles.keys()];
}

/**
 * True when the principal may see the user: account admins see everyone, others
 * themselves and the members of the organizations they belong to.
 */
async function mayView(db: Db, principal: Principal, user: UserRow): Promise<boolean> {
  if (isAccountAdmin(principal) || user.id === principal.userId) return true;
  return sharesOrganization(db, user.id, organizationsOf(principal));
}

export interface UserFilters {
  email: string | undefined;
  status: WireUserStatus | undefined;
}

/** GET /v2/users: the users the caller may see; deleted users never (SPEC §1). */
export async function listVisibleUsers(
  deps: FeatureDeps,
  actor: Actor,
  filters: UserFilters,
  page: { limit: number; cursor: string | undefined },
): Promise<Page<UserRow>> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const visibleTo = isAccountAdmin(principal) ? undefined : { userId: principal.userId, organizationIds: organizationsOf(principal) };
  const now = deps.now();
  return readPage(
    deps.cursors,
    { ...page, filters: { list: "users", caller: principal.userId, email: filters.email, status: filters.status } },
    (after) => listUsers(deps.store.db, { email: filters.email, status: filters.status, now, visibleTo, after, limit: page.limit }),
    (row) => row.created_at,
  );
}

/** GET /v2/users/{id}: a user the caller may see; a deleted user is 404. */
export async function getUser(deps: FeatureDeps, actor: Actor, id: number): Promise<UserRow> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const user = await requireHumanUser(deps.store.db, id);
  if (!(await mayView(deps.store.db, principal, user))) throw userNotFound(id);
  return user;
}

export interface NewUserInput {
  name: string;
  email: string;
  role: AccountRole;
  inviteMode: (typeof INVITE_MODES)[number];
  isDeveloper: boolean | undefined;
}

/** A user just created, and their invitation link when invited (to be mailed once the transaction committed). */
export interface CreatedUser {
  user: UserRow;
  inviteMode: "none" | "email_link";
  link: IssuedLink | undefined;
}

/**
 * POST /v2/users: account admins only. `none` makes the user active;
 * `email_link` makes them invited with a claim link (docs/invitations.md),
 * issued in the transaction that creates them; `temporary_password` is 422:
 * keyhouse has no passwords.
 */
export async function createUser(deps: FeatureDeps, actor: Actor, input: NewUserInput): Promise<CreatedUser> {
  const { principal, user: caller } = actor.caller;
  requireApiAccess(principal);
  requirePermission(principal, "USER_CREATE", ACCOUNT, "create users");
  const inviteMode = input.inviteMode;
  if (inviteMode === "temporary_password") {
    throw new ProblemError("INVALID_STATE", {
      detail:
        'body "invite_mode": keyhouse has no passwords, so it cannot issue a temporary one; use email_link (the person gets a one-time ' +
        "link to create their first API key) or none (the user is active at once and an admin issues their first key)",
    });
  }
  requireNotBlank(input.name);
  if (!EMAIL.test(input.email)) {
    throw new ProblemError("VALIDATION_FAILED", { detail: 'body "email" must be an email address such as jane@example.com' });
  }
  if (await findUserByEmail(deps.store.db, input.email)) throw emailTaken(input.email);
  const now = deps.now();
  const isDeveloper = input.isDeveloper ?? input.role !== "annotator";
  const status: UserStatus = inviteMode === "none" ? "active" : "invited";
  return writeUnique(
    deps.store,
    () => emailTaken(input.email),
    async (tx) => {
      const user = await insertUser(tx, {
        account_id: caller.account_id,
        kind: "human",
        name: input.name,
        email: input.email,
        role: input.role,
        is_developer: isDeveloper ? 1 : 0,
        status,
        created_at: now,
        updated_at: now,
      });
      const target = auditTarget("User", user.id);
      await recordAudit(tx, {
        actor,
        at: now,
        action: "user.created",
        targets: [target],
        details: { email: input.email, role: input.role, is_developer: isDeveloper, invite_mode: inviteMode, status },
      });
      if (inviteMode === "none") return { user, inviteMode, link: undefined };
      const link = await issueClaimLink(tx, deps, user.id, "invitation", now);
      await recordAudit(tx, {
        actor,
        at: now,
        action: "user.invitation_issued",
        targets: [target],
        details: { kind: link.kind, expires_at: rfc3339(link.expiresAt) },
      });
      // The row as it now is: the invitation set invite_expires_at.
      return { user: { ...user, invite_expires_at: link.expiresAt }, inviteMode, link };
    },
  );
}

export interface UserChange {
  name?: string;
  role?: AccountRole;
  isDeveloper?: boolean;
}

/** Refuses an account role that the user's memberships contradict (SPEC §7 annotator rules). */
async function checkRoleAgainstMemberships(tx: Db, userId: number, role: AccountRole): Promise<void> {
  const annotator = role === "annotator";
  if (await hasMembershipWithRole(tx, userId, !annotator)) {
    throw new ProblemError("INVALID_STATE", {
      detail: annotator
        ? "the user holds roles other than annotator in organizations or spaces; remove or change them before making the user an annotator"
        : "the user holds the annotator role in organizations or spaces; remove those memberships before changing the account role",
    });
  }
}

/** PATCH /v2/users/{id}: account admins only; callers cannot change their own account role. */
export async function changeUser(deps: FeatureDeps, actor: Actor, id: number, change: UserChange): Promise<UserRow> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  requireChange(change, "name, role, is_developer");
  requirePermission(principal, "USER_UPDATE", ACCOUNT, "change users");
  if (change.name !== undefined) requireNotBlank(change.name);
  await requireHumanUser(deps.store.db, id);
  const now = deps.now();
  // A role change or losing the flag may take the last admin away: lock the admin set first (last-admin.ts).
  const mayDisqualify = change.role !== undefined || change.isDeveloper === false;
  return deps.store.transaction(async (tx) => {
    const admins = mayDisqualify ? await lockAdminSet(tx) : [];
    const current = await lockHumanUser(tx, id);
    // A deletion that committed meanwhile: the user is gone from the API.
    if (!current || current.status === "inactive") throw userNotFound(id);
    const roleChanges = change.role !== undefined && change.role !== current.role;
    if (roleChanges && id === principal.userId) {
      throw new ProblemError("INVALID_STATE", { detail: "you cannot change your own account role; ask another account admin" });
    }
    if (roleChanges && change.role !== undefined) await checkRoleAgainstMemberships(tx, id, change.role);
    const changed = { ...current, role: change.role ?? current.role, is_developer: developerFlag(change, current) };
    if (!keepsAccountAdministrable(changed)) {
      if (changed.role !== "admin") refuseLastAdmin(admins, current, "demote", "role");
      else refuseLastAdmin(admins, current, "remove developer access from", "is_developer");
    }
    const patch: UserPatch = {
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.role === undefined ? {} : { role: change.role }),
      ...(change.isDeveloper === undefined ? {} : { is_developer: change.isDeveloper ? 1 : 0 }),
    };
    const updated = await updateUser(tx, id, patch, now);
    if (!updated) throw userNotFound(id);
    const { before, after } = changesOf(current, patch);
    await recordAudit(tx, {
      actor,
      at: now,
      action: "user.updated",
      targets: [auditTarget("User", id)],
      details: { before: readable(before), after: readable(after) },
    });
    return updated;
  });
}

/** The developer flag a change leaves the user with (the column's 0/1). */
function developerFlag(change: UserChange, current: UserRow): number {
  return change.isDeveloper === undefined ? current.is_developer : change.isDeveloper ? 1 : 0;
}

/** The audit form of a user patch: is_developer as a boolean. */
function readable(patch: UserPatch): Record<string, unknown> {
  return patch.is_developer === undefined ? { ...patch } : { ...patch, is_developer: patch.is_developer === 1 };
}
