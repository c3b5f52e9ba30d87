import type { Position } from "../page.js";
import type { Db } from "../store.js";
import type { SpaceRow } from "./identity.js";
import { after, containsLowerCased, inScope, type SpaceScope } from "./keyset.js";

export interface SpaceListQuery {
  organizationId?: number;
  /** Case-insensitive substring of the name. */
  name?: string;
  /** Restrict to spaces of these organizations or with these ids; undefined means no restriction. */
  visible?: SpaceScope;
  after?: Position;
  limit: number;
}

/** One page (limit + 1 rows) of live spaces, newest first. */
export async function listSpaces(db: Db, q: SpaceListQuery): Promise<SpaceRow[]> {
  let query = db.selectFrom("spaces").selectAll().where("deleted_at", "is", null);
  if (q.visible !== undefined) query = query.where(inScope(q.visible, "organization_id", "id"));
  if (q.organizationId !== undefined) query = query.where("organization_id", "=", q.organizationId);
  if (q.name !== undefined) query = query.where(containsLowerCased("name_key", q.name));
  if (q.after) query = query.where(after(q.after));
  return query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
}

/** The live space of the organization with this name, compared case-insensitively. */
export async function findSpaceByName(db: Db, organizationId: number, name: string): Promise<SpaceRow | undefined> {
  return db
    .selectFrom("spaces")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("name_key", "=", name.toLowerCase())
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

/** How many live spaces an organization holds. */
export async function countLiveSpaces(db: Db, organizationId: number): Promise<number> {
  const row = await db
    .selectFrom("spaces")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("organization_id", "=", organizationId)
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many service keys of a space still authenticate (active and unexpired, grace periods included). */
export async function countWorkingKeysInSpace(db: Db, spaceId: number, now: number): Promise<number> {
  const row = await db
    .selectFrom("api_keys")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("space_id", "=", spaceId)
    .where("status", "=", "active")
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
