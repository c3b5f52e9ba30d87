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
