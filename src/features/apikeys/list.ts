import { requireApiAccess, visibleSpace } from "../../auth/access.js";
import type { Caller } from "../../auth/actor.js";
import { holds, isAccountAdmin, spaceResource, spacesWhere } from "../../auth/engine.js";
import type { Principal } from "../../auth/permissions.js";
import type { CursorFilters } from "../../http/cursor.js";
import { ProblemError } from "../../http/problem.js";
import { countApiKeys, listApiKeys, type ApiKeyViewRow, type StatusFilter } from "../../store/queries/api-keys.js";
import { spaceIdsIn } from "../../store/queries/identity.js";
import type { KeyType } from "../../store/schema.js";
import { readPage, type Page } from "../../store/page.js";
import type { Db } from "../../store/store.js";
import type { FeatureDeps } from "../../auth/deps.js";

export interface ListInput {
  keyType: KeyType | undefined;
  status: StatusFilter;
  spaceId: number | undefined;
  userId: number | undefined;
  /** Extension: user keys of every user (account admins). */
  allUsers: boolean;
  /** Extension: a substring of the name. */
  nameContains: string | undefined;
  limit: number;
  cursor: string | undefined;
}

/** Spaces where the principal holds SERVICE_KEY_READ; undefined means every space. */
async function readableSpaceIds(db: Db, principal: Principal): Promise<number[] | undefined> {
  const scope = spacesWhere(principal, "SERVICE_KEY_READ");
  if (scope === undefined) return undefined;
  const ids = new Set([...(await spaceIdsIn(db, scope.organizationIds)), ...scope.spaceIds]);
  return [...ids].sort((a, b) => a - b);
}

/** The filters of a list request, resolved and checked against the caller's rights. */
interface ResolvedList {
  keyType: KeyType;
  spaceIds: number[] | undefined;
  createdBy: number | undefined;
}

/** Resolves the filters of SPEC §6 (and the extensions `all_users`, `name_contains`) for this caller. */
async function resolveList(deps: FeatureDeps, caller: Caller, input: ListInput): Promise<ResolvedList> {
  const principal = caller.principal;
  requireApiAccess(principal);
  let keyType: KeyType;
  let spaceIds: number[] | undefined;
  let createdBy: number | undefined = input.userId;
  if (input.spaceId !== undefined) {
    if (input.keyType === "user") {
      throw new ProblemError("VALIDATION_FAILED", { detail: "key_type=user cannot be combined with space_id: spaces hold service keys" });
    }
    keyType = "service";
    // A space the caller may not see is 404 like a missing one; one it sees but whose keys it may not read is 403.
    const space = await visibleSpace(deps.store.db, principal, input.spaceId);
    if (!holds(principal, "SERVICE_KEY_READ", spaceResource(space))) {
      throw new ProblemError("FORBIDDEN", { detail: "you may not read the service keys of this space" });
    }
    spaceIds = [space.id];
  } else {
    keyType = input.keyType ?? "user";
    if (input.userId !== undefined && input.userId !== principal.userId && !isAccountAdmin(principal)) {
      throw new ProblemError("FORBIDDEN", { detail: "only account admins may list the keys of other users" });
    }
    if (input.allUsers) {
      if (input.userId !== undefined) {
        throw new ProblemError("VALIDATION_FAILED", {
          detail: "choose either all_users=true (every user's keys) or user_id (one user's keys), not both",
        });
      }
      if (keyType !== "user") {
        throw new ProblemError("VALIDATION_FAILED", { detail: "all_users=true lists user keys: leave out key_type=service" });
      }
      if (!isAccountAdmin(principal))
        throw new ProblemError("FORBIDDEN", { detail: "only account admins may list the keys of every user" });
    }
    if (keyType === "user") createdBy = input.allUsers ? undefined : (input.userId ?? principal.userId);
    else spaceIds = await readableSpaceIds(deps.store.db, principal);
  }
  return { keyType, spaceIds, createdBy };
}

/** GET /v2/api-keys: resolves the filters, then reads one keyset page. */
export async function listKeys(deps: FeatureDeps, caller: Caller, input: ListInput): Promise<Page<ApiKeyViewRow>> {
  const principal = caller.principal;
  const { keyType, spaceIds, createdBy } = await resolveList(deps, caller, input);
  const filters: CursorFilters = {
    list: "api-keys",
    caller: principal.userId,
    key_type: keyType,
    status: input.status,
    space_id: input.spaceId,
    user_id: input.userId,
    all_users: input.allUsers ? true : undefined,
    name_contains: input.nameContains,
  };
  return readPage(
    deps.cursors,
    { cursor: input.cursor, limit: input.limit, filters },
    (after) =>
      listApiKeys(deps.store.db, {
        keyType,
        status: input.status,
        spaceIds,
        createdByUserId: createdBy,
        nameContains: input.nameContains,
        after,
        limit: input.limit,
        now: deps.now(),
      }),
    (row) => row.created_at,
  );
}

/** How many keys the list's filters match over all its pages (the extension header `keyhouse-total-count`). */
export async function countKeys(deps: FeatureDeps, caller: Caller, input: ListInput): Promise<number> {
  const { keyType, spaceIds, createdBy } = await resolveList(deps, caller, input);
  return countApiKeys(deps.store.db, {
    keyType,
    status: input.status,
    spaceIds,
    createdByUserId: createdBy,
    nameContains: input.nameContains,
    now: deps.now(),
  });
}
