import type { FeatureDeps } from "../../../auth/deps.js";
import type { Actor } from "../../../auth/actor.js";
import { auditTarget, recordAudit } from "../../audit/index.js";
import { readPage, type Page } from "../../../store/page.js";
import { ProblemError } from "../../../http/problem.js";
import { insertOrganization, type OrganizationRow } from "../../../store/queries/identity.js";
import { deleteMembershipsOf } from "../../../store/queries/memberships.js";
import { findOrganizationByName, listOrganizations } from "../../../store/queries/organizations.js";
import { softDelete } from "../../../store/queries/soft-delete.js";
import { countLiveSpaces } from "../../../store/queries/spaces.js";
import { organizationNotFound, requirePermission, visibleOrganization, requireApiAccess } from "../../../auth/access.js";
import { countOf, patchNamed, requireChange, requireNotBlank, writeUnique, type NamedPatch } from "../common/index.js";
import { ACCOUNT, isAccountAdmin, organizationResource } from "../../../auth/engine.js";

function nameTaken(name: string): ProblemError {
  return new ProblemError("CONFLICT", { detail: `an organization named "${name}" already exists (names are compared case-insensitively)` });
}

/**
 * GET /v2/organizations: the organizations the caller holds a role in (account
 * admins: all), filtered by a case-insensitive substring of the name.
 */
export async function listVisibleOrganizations(
  deps: FeatureDeps,
  actor: Actor,
  name: string | undefined,
  page: { limit: number; cursor: string | undefined },
): Promise<Page<OrganizationRow>> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const ids = isAccountAdmin(principal) ? undefined : [...principal.organizationRoles.keys()];
  return readPage(
    deps.cursors,
    { ...page, filters: { list: "organizations", caller: principal.userId, name } },
    (after) => listOrganizations(deps.store.db, { ids, name, after, limit: page.limit }),
    (row) => row.created_at,
  );
}

export async function getOrganization(deps: FeatureDeps, actor: Actor, id: number): Promise<OrganizationRow> {
  requireApiAccess(actor.caller.principal);
  return visibleOrganization(deps.store.db, actor.caller.principal, id);
}

/** POST /v2/organizations: account admins only; names are unique in the account. */
export async function createOrganization(
  deps: FeatureDeps,
  actor: Actor,
  input: { name: string; description: string },
): Promise<OrganizationRow> {
  const { principal, user } = actor.caller;
  requireApiAccess(principal);
  requirePermission(principal, "ORGANIZATION_CREATE", ACCOUNT, "create organizations");
  requireNotBlank(input.name);
  const accountId = user.account_id;
  if (await findOrganizationByName(deps.store.db, accountId, input.name)) throw nameTaken(input.name);
  const now = deps.now();
  return writeUnique(
    deps.store,
    () => nameTaken(input.name),
    async (tx) => {
      const organization = await insertOrganization(tx, {
        account_id: accountId,
        name: input.name,
        description: input.description,
        created_at: now,
      });
      await recordAudit(tx, {
        actor,
        at: now,
        action: "organization.created",
        targets: [auditTarget("Organization", organization.id)],
        details: { name: input.name },
      });
      return organization;
    },
  );
}

/** PATCH /v2/organizations/{id}: admins of the organization. */
export async function updateOrganization(deps: FeatureDeps, actor: Actor, id: number, patch: NamedPatch): Promise<OrganizationRow> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  requireChange(patch);
  const current = await visibleOrganization(deps.store.db, principal, id);
  requirePermission(principal, "ORGANIZATION_UPDATE", organizationResource(id), "change it");
  return patchNamed(
    deps,
    actor,
    {
      table: "organizations",
      current,
      target: auditTarget("Organization", id),
      action: "organization.updated",
      holderOf: (name) => findOrganizationByName(deps.store.db, current.account_id, name),
      nameTaken,
      gone: () => organizationNotFound(id),
    },
    patch,
  );
}

/**
 * DELETE /v2/organizations/{id}: account admins only, and only once the
 * organization holds no spaces (422); its memberships go with it.
 */
export async function deleteOrganization(deps: FeatureDeps, actor: Actor, id: number): Promise<void> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const organization = await visibleOrganization(deps.store.db, principal, id);
  requirePermission(principal, "ORGANIZATION_DELETE", ACCOUNT, "delete organizations");
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    // The delete locks the row first, so a space created concurrently is either
    // counted below or refused by its own lock on the organization.
    if (!(await softDelete(tx, "organizations", id, now))) throw organizationNotFound(id);
    const spaces = await countLiveSpaces(tx, id);
    if (spaces > 0) {
      throw new ProblemError("INVALID_STATE", {
        detail: `the organization "${organization.name}" still holds ${countOf(spaces, "space")}; delete them first`,
      });
    }
    const removed = await deleteMembershipsOf(tx, "organization", id);
    await recordAudit(tx, {
      actor,
      at: now,
      action: "organization.deleted",
      targets: [auditTarget("Organization", id)],
      details: { removed_memberships: removed },
    });
  });
}
