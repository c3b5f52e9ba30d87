import type { Actor } from "../../auth/actor.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { requireAccountAdmin, requireApiAccess } from "../../auth/access.js";
import { isPermission, PREDEFINED_ROLES, predefinedRoleById, predefinedRoleByName, type Permission } from "../../auth/catalog.js";
import { encodeId } from "../../http/ids.js";
import { ProblemError } from "../../http/problem.js";
import { readPage, type Page, type Position } from "../../store/page.js";
import { countBindingsOfRole } from "../../store/queries/role-bindings.js";
import {
  accountCreatedAt,
  deleteRole,
  findRole,
  findRoleByName,
  insertRole,
  listRoles,
  updateRole,
  type RolePatch,
} from "../../store/queries/roles.js";
import type { Db } from "../../store/store.js";
import { auditTarget, recordAudit } from "../audit/index.js";
import { countOf, requireChange, requireNotBlank, writeUnique } from "../identity/index.js";
import { customRecord, predefinedRecord, type RoleRecord } from "./views.js";

export function roleNotFound(id: number): ProblemError {
  return new ProblemError("NOT_FOUND", { detail: `role ${encodeId("Role", id)} does not exist` });
}

function nameTaken(name: string): ProblemError {
  const predefined = predefinedRoleByName(name) !== undefined;
  return new ProblemError("CONFLICT", {
    detail: predefined
      ? `"${name}" is the name of a predefined role; choose another name`
      : `a role named "${name}" already exists (names are compared case-insensitively)`,
  });
}

/** Permission names from a request: every one must be in the catalog (400 naming the first unknown one); duplicates collapse. */
function parsePermissions(values: readonly string[]): Permission[] {
  const unknown = values.find((value) => !isPermission(value));
  if (unknown !== undefined) {
    throw new ProblemError("VALIDATION_FAILED", {
      detail: `body "permissions" names "${unknown}", which is not a permission keyhouse knows; GET /v2/roles shows the predefined roles' permissions, docs/access-control.md lists them all`,
    });
  }
  return [...new Set(values as Permission[])].sort();
}

async function accountOf(db: Db): Promise<{ id: number; createdAt: number }> {
  const account = await accountCreatedAt(db);
  if (!account) throw new Error("the store holds no account");
  return account;
}

/** A role by id: predefined (data) or custom (a row), or 404. */
export async function findAnyRole(db: Db, id: number): Promise<RoleRecord | undefined> {
  const predefined = predefinedRoleById(id);
  if (predefined) return predefinedRecord(predefined, (await accountOf(db)).createdAt);
  const row = await findRole(db, id);
  return row && customRecord(row);
}

const byPositionDesc = (a: RoleRecord, b: RoleRecord) => b.createdAt - a.createdAt || b.id - a.id;
const isAfter = (role: RoleRecord, position: Position | undefined) =>
  position === undefined || role.createdAt < position.createdAt || (role.createdAt === position.createdAt && role.id < position.id);

/**
 * GET /v2/roles: the predefined roles and the account's custom roles, newest
 * first (the predefined ones, as old as the account, come last). One keyset
 * walks both: custom rows from the store, predefined ones from the catalog.
 */
export async function listAllRoles(
  deps: FeatureDeps,
  actor: Actor,
  isPredefined: boolean | undefined,
  page: { limit: number; cursor: string | undefined },
): Promise<Page<RoleRecord>> {
  requireApiAccess(actor.caller.principal);
  const db = deps.store.db;
  const account = await accountOf(db);
  return readPage(
    deps.cursors,
    { ...page, filters: { list: "roles", is_predefined: isPredefined } },
    async (after) => {
      const custom = isPredefined === true ? [] : (await listRoles(db, { after, limit: page.limit })).map(customRecord);
      const predefined =
        isPredefined === false
          ? []
          : PREDEFINED_ROLES.map((role) => predefinedRecord(role, account.createdAt)).filter((r) => isAfter(r, after));
      return [...custom, ...predefined].sort(byPositionDesc).slice(0, page.limit + 1);
    },
    (role) => role.createdAt,
  );
}

export async function getRole(deps: FeatureDeps, actor: Actor, id: number): Promise<RoleRecord> {
  requireApiAccess(actor.caller.principal);
  const role = await findAnyRole(deps.store.db, id);
  if (!role) throw roleNotFound(id);
  return role;
}

/** POST /v2/roles: account admins; a name unique in the account (the predefined names included) and a non-empty set of known permissions. */
export async function createRole(
  deps: FeatureDeps,
  actor: Actor,
  input: { name: string; description: string | null; permissions: readonly string[] },
): Promise<RoleRecord> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  requireAccountAdmin(principal, "create roles");
  requireNotBlank(input.name);
  const permissions = parsePermissions(input.permissions);
  const db = deps.store.db;
  const account = await accountOf(db);
  if (predefinedRoleByName(input.name) || (await findRoleByName(db, account.id, input.name))) throw nameTaken(input.name);
  const now = deps.now();
  return writeUnique(
    deps.store,
    () => nameTaken(input.name),
    async (tx) => {
      const row = await insertRole(tx, {
        account_id: account.id,
        name: input.name,
        description: input.description === "" ? null : input.description,
        permissions: JSON.stringify(permissions),
        created_at: now,
      });
      await recordAudit(tx, {
        actor,
        at: now,
        action: "role.created",
        targets: [auditTarget("Role", row.id)],
        details: { name: input.name, permissions },
      });
      return customRecord(row);
    },
  );
}

function refusePredefined(id: number, what: string): void {
  const predefined = predefinedRoleById(id);
  if (predefined) {
    throw new ProblemError("FORBIDDEN", {
      detail: `"${predefined.name}" is a predefined role and cannot be ${what}; create a custom role instead`,
    });
  }
}

/** PATCH /v2/roles/{id}: account admins; predefined roles are refused (403). Permissions, when given, replace the role's. */
export async function patchRole(
  deps: FeatureDeps,
  actor: Actor,
  id: number,
  input: { name?: string | null; description?: string | null; permissions?: readonly string[] | null },
): Promise<RoleRecord> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const db = deps.store.db;
  const current = await getRole(deps, actor, id);
  requireAccountAdmin(principal, "change roles");
  refusePredefined(id, "changed");
  // Arize's RoleUpdate defaults every field to null: null means "leave as it is".
  const name = input.name ?? undefined;
  const description = input.description ?? undefined;
  const permissions = input.permissions ?? undefined;
  requireChange({ name, description, permissions }, "name, description, permissions");
  const patch: RolePatch = {};
  if (name !== undefined) {
    requireNotBlank(name);
    const holder = await findRoleByName(db, (await accountOf(db)).id, name);
    if (predefinedRoleByName(name) || (holder && holder.id !== id)) throw nameTaken(name);
    patch.name = name;
  }
  if (description !== undefined) patch.description = description === "" ? null : description;
  if (permissions !== undefined) patch.permissions = JSON.stringify(parsePermissions(permissions));
  const now = deps.now();
  return writeUnique(
    deps.store,
    () => nameTaken(patch.name ?? ""),
    async (tx) => {
      const row = await updateRole(tx, id, patch, now);
      if (!row) throw roleNotFound(id);
      const updated = customRecord(row);
      await recordAudit(tx, {
        actor,
        at: now,
        action: "role.updated",
        targets: [auditTarget("Role", id)],
        details: {
          before: { name: current.name, description: current.description, permissions: current.permissions },
          after: { name: updated.name, description: updated.description, permissions: updated.permissions },
        },
      });
      return updated;
    },
  );
}

/** DELETE /v2/roles/{id}: account admins; predefined roles are refused (403), a role still bound is 422. */
export async function removeRole(deps: FeatureDeps, actor: Actor, id: number): Promise<void> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  await getRole(deps, actor, id);
  requireAccountAdmin(principal, "delete roles");
  refusePredefined(id, "deleted");
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    // The delete takes the row's lock first: a binding being written to the role
    // (which locks it too) either committed and is counted, or finds it gone.
    const row = await deleteRole(tx, id);
    if (!row) throw roleNotFound(id);
    const bound = await countBindingsOfRole(tx, id);
    if (bound > 0) {
      throw new ProblemError("INVALID_STATE", {
        detail: `the role "${row.name}" is still granted by ${countOf(bound, "role binding")}; delete them or bind another role first`,
      });
    }
    await recordAudit(tx, { actor, at: now, action: "role.deleted", targets: [auditTarget("Role", id)], details: { name: row.name } });
  });
}
