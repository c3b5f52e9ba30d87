import type { Position } from "../page.js";
import type { Db } from "../store.js";
import type { OrganizationRow } from "./identity.js";
import { after, containsLowerCased } from "./keyset.js";

export interface OrganizationListQuery {
  /** Restrict to these organizations; undefined means every one. */
  ids?: number[];
  /** Case-insensitive substring of the name. */
  name?: string;
  after?: Position;
  limit: number;
}

/** One page (limit + 1 rows) of live organizations, newest first. */
export async function listOrganizations(db: Db, q: OrganizationListQuery): Promise<OrganizationRow[]> {
  let query = db.selectFrom("organizations").selectAll().where("deleted_at", "is", null);
  if (q.ids !== undefined) {
    if (q.ids.length === 0) return [];
    query = query.where("id", "in", q.ids);
  }
  if (q.name !== undefined) query = query.where(containsLowerCased("name_key", q.name));
  if (q.after) query = query.where(after(q.after));
  return query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
}

/** The live organization of the account with this name, compared case-insensitively. */
export async function findOrganizationByName(db: Db, accountId: number, name: string): Promise<OrganizationRow | undefined> {
  return db
    .selectFrom("organizations")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("name_key", "=", name.toLowerCase())
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}
