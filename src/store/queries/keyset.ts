import { sql, type RawBuilder, type SqlBool } from "kysely";
import type { Position } from "../page.js";

/**
 * The keyset condition of a page that follows `position` in (time desc, id desc)
 * order. `timeColumn` is the list's time column (created_at, or occurred_at for
 * audit events). A row-value comparison: both stores read it as one range of an
 * index ending in (time, id), so a deep page costs what the first does (the
 * `time < ? or (time = ? and id < ?)` form made each page cost its depth, see
 * docs/benchmarks.md).
 */
export function after(position: Position, timeColumn = "created_at"): RawBuilder<SqlBool> {
  return sql<SqlBool>`((${sql.ref(timeColumn)}, ${sql.ref("id")}) < (${position.createdAt}, ${position.id}))`;
}

/**
 * A substring match of `needle` in a lower-cased key column (name_key,
 * email_key). The needle is lower-cased the same way the keys were (in
 * JavaScript), and LIKE's wildcards in it are escaped, so `50%_off` matches
 * itself only. Both stores agree on LIKE for lower-case text.
 */
export function containsLowerCased(keyColumn: string, needle: string): RawBuilder<SqlBool> {
  const escaped = needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql<SqlBool>`${sql.ref(keyColumn)} like ${`%${escaped}%`} escape ${"\\"}`;
}

/** The name_key a deleted row takes: no live name can contain U+001F, so the name is free again. */
export function tombstoneNameKey(id: number): RawBuilder<string> {
  return sql<string>`${`${id}\u001f`} || ${sql.ref("name_key")}`;
}

/** The spaces a caller sees, as list filters: those of these organizations, and these spaces. */
export interface SpaceScope {
  organizationIds: number[];
  spaceIds: number[];
}

/**
 * The condition that a row lies in `scope`: its organization column is one of
 * the scope's organizations, or its space column one of the scope's spaces.
 * False for an empty scope.
 */
export function inScope(scope: SpaceScope, organizationColumn: string, spaceColumn: string): RawBuilder<SqlBool> {
  const parts = [
    ...(scope.organizationIds.length > 0 ? [sql`${sql.ref(organizationColumn)} in (${sql.join(scope.organizationIds)})`] : []),
    ...(scope.spaceIds.length > 0 ? [sql`${sql.ref(spaceColumn)} in (${sql.join(scope.spaceIds)})`] : []),
  ];
  return parts.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}
