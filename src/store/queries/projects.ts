import { sql, type Insertable, type Selectable } from "kysely";
import type { Position } from "../page.js";
import type { ProjectsTable } from "../schema.js";
import type { Db } from "../store.js";
import { after, containsLowerCased, inScope, type SpaceScope } from "./keyset.js";

export type ProjectRow = Selectable<ProjectsTable>;

/** A project that exists and is not deleted. */
export async function findProject(db: Db, id: number): Promise<ProjectRow | undefined> {
  return db.selectFrom("projects").selectAll().where("id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
}

/** The live project of the space with this name, compared case-insensitively. */
export async function findProjectByName(db: Db, spaceId: number, name: string): Promise<ProjectRow | undefined> {
  return db
    .selectFrom("projects")
    .selectAll()
    .where("space_id", "=", spaceId)
    .where("name_key", "=", name.toLowerCase())
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

export async function insertProject(db: Db, values: Omit<Insertable<ProjectsTable>, "name_key">): Promise<ProjectRow> {
  return db
    .insertInto("projects")
    .values({ ...values, name_key: values.name.toLowerCase() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Renames a live project; undefined when it is gone. */
export async function renameProject(db: Db, id: number, name: string, now: number): Promise<ProjectRow | undefined> {
  return db
    .updateTable("projects")
    .set({ name, name_key: name.toLowerCase(), updated_at: now })
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/** Marks live projects deleted and frees their names; returns the ids it deleted. */
export async function softDeleteProjects(db: Db, where: { id: number } | { spaceId: number }, now: number): Promise<number[]> {
  let query = db
    .updateTable("projects")
    // The tombstone of keyset.ts's tombstoneNameKey, computed per row: no live name contains U+001F.
    .set({
      deleted_at: now,
      updated_at: now,
      name_key: sql<string>`cast(${sql.ref("id")} as text) || ${"\u001f"} || ${sql.ref("name_key")}`,
    })
    .where("deleted_at", "is", null);
  query = "id" in where ? query.where("id", "=", where.id) : query.where("space_id", "=", where.spaceId);
  const rows = await query.returning("id").execute();
  return rows.map((r) => r.id);
}

export interface ProjectScope {
  spaces: SpaceScope;
  projectIds: number[];
  hiddenProjectIds: number[];
}

export interface ProjectListQuery {
  spaceIds?: number[];
  /** Case-insensitive substring of the name. */
  name?: string;
  /**
   * What the caller sees (undefined: everything): the projects of `spaces`,
   * and `projectIds`, but never `hiddenProjectIds` (restricted projects it does not pass).
   */
  visible?: ProjectScope;
  after?: Position;
  limit: number;
}

/** One page (limit + 1 rows) of live projects in live spaces, newest first. */
export async function listProjects(db: Db, q: ProjectListQuery): Promise<ProjectRow[]> {
  let query = db
    .selectFrom("projects")
    .selectAll("projects")
    .where("projects.deleted_at", "is", null)
    .where("space_id", "in", (eb) => eb.selectFrom("spaces").select("spaces.id").where("spaces.deleted_at", "is", null));
  const visible = q.visible;
  if (visible !== undefined) {
    query = query.where((eb) => {
      const inSpaces = eb(
        "space_id",
        "in",
        eb
          .selectFrom("spaces")
          .select("spaces.id")
          .where(inScope(visible.spaces, "spaces.organization_id", "spaces.id")),
      );
      return visible.projectIds.length > 0 ? eb.or([inSpaces, eb("projects.id", "in", visible.projectIds)]) : inSpaces;
    });
    if (visible.hiddenProjectIds.length > 0) query = query.where("projects.id", "not in", visible.hiddenProjectIds);
  }
  if (q.spaceIds !== undefined) {
    if (q.spaceIds.length === 0) return [];
    query = query.where("space_id", "in", q.spaceIds);
  }
  if (q.name !== undefined) query = query.where(containsLowerCased("name_key", q.name));
  if (q.after) query = query.where(after(q.after));
  return query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
}

/** Ids of the live spaces with this name (case-insensitive), in any organization. */
export async function spaceIdsNamed(db: Db, name: string): Promise<number[]> {
  const rows = await db
    .selectFrom("spaces")
    .select("id")
    .where("name_key", "=", name.toLowerCase())
    .where("deleted_at", "is", null)
    .execute();
  return rows.map((r) => r.id);
}
