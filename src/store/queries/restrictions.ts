import { sql, type Selectable, type SqlBool } from "kysely";
import type { Position } from "../page.js";
import type { ResourceRestrictionsTable } from "../schema.js";
import type { Db } from "../store.js";
import { inScope } from "./keyset.js";
import type { ProjectScope } from "./projects.js";

export type RestrictionRow = Selectable<ResourceRestrictionsTable>;

async function findRestriction(db: Db, projectId: number): Promise<RestrictionRow | undefined> {
  return db.selectFrom("resource_restrictions").selectAll().where("project_id", "=", projectId).executeTakeFirst();
}

/** Restricts a project; the existing restriction when it already was (the first one's time stays). */
export async function insertRestriction(db: Db, projectId: number, now: number): Promise<{ row: RestrictionRow; created: boolean }> {
  const inserted = await db
    .insertInto("resource_restrictions")
    .values({ project_id: projectId, created_at: now })
    .onConflict((oc) => oc.column("project_id").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, created: true };
  const existing = await findRestriction(db, projectId);
  if (!existing) throw new Error("a restriction that conflicted is gone inside the same transaction");
  return { row: existing, created: false };
}

/** Lifts the restrictions of these projects; returns the project ids that were restricted. */
export async function deleteRestrictions(db: Db, projectIds: number[]): Promise<number[]> {
  if (projectIds.length === 0) return [];
  const rows = await db.deleteFrom("resource_restrictions").where("project_id", "in", projectIds).returning("project_id").execute();
  return rows.map((r) => r.project_id);
}

/** A restricted live project and where it lies. */
export interface RestrictedProjectRow {
  project_id: number;
  space_id: number;
  organization_id: number;
}

/** Every restricted live project of the account (restrictions are few: one row per restricted project). */
export async function restrictedProjects(db: Db): Promise<RestrictedProjectRow[]> {
  return db
    .selectFrom("resource_restrictions")
    .innerJoin("projects", "projects.id", "resource_restrictions.project_id")
    .innerJoin("spaces", "spaces.id", "projects.space_id")
    .select(["resource_restrictions.project_id", "projects.space_id", "spaces.organization_id"])
    .where("projects.deleted_at", "is", null)
    .execute();
}

/**
 * One page (limit + 1 rows) of the restrictions of live projects in live
 * spaces, of the projects `visible` lets the caller see (as listProjects;
 * undefined: all), newest first; `id` is the project's, the key of the keyset.
 */
export async function listRestrictions(
  db: Db,
  q: { visible: ProjectScope | undefined; after?: Position; limit: number },
): Promise<(RestrictionRow & { id: number })[]> {
  let query = db
    .selectFrom("resource_restrictions")
    .innerJoin("projects", "projects.id", "resource_restrictions.project_id")
    .innerJoin("spaces", "spaces.id", "projects.space_id")
    .select(["resource_restrictions.project_id", "resource_restrictions.created_at", "resource_restrictions.project_id as id"])
    .where("projects.deleted_at", "is", null)
    .where("spaces.deleted_at", "is", null);
  const visible = q.visible;
  if (visible !== undefined) {
    query = query.where((eb) => {
      const inSpaces = inScope(visible.spaces, "spaces.organization_id", "spaces.id");
      return visible.projectIds.length > 0 ? eb.or([inSpaces, eb("projects.id", "in", visible.projectIds)]) : inSpaces;
    });
    if (visible.hiddenProjectIds.length > 0) query = query.where("projects.id", "not in", visible.hiddenProjectIds);
  }
  const position = q.after;
  if (position !== undefined) {
    query = query.where(
      sql<SqlBool>`((resource_restrictions.created_at, resource_restrictions.project_id) < (${position.createdAt}, ${position.id}))`,
    );
  }
  return query
    .orderBy("resource_restrictions.created_at", "desc")
    .orderBy("resource_restrictions.project_id", "desc")
    .limit(q.limit + 1)
    .execute();
}
