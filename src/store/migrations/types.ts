import { sql, type ColumnDataType, type CreateTableBuilder, type Expression, type Kysely, type SqlBool } from "kysely";

export type DialectName = "sqlite" | "postgres";

/** One numbered schema step. Migrations are append-only: never edit a shipped one. */
export interface Migration {
  name: string;
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
}

/** Column types that differ between the stores. */
export function types(dialect: DialectName): { bigint: ColumnDataType; bytes: ColumnDataType } {
  return dialect === "postgres" ? { bigint: "bigint", bytes: "bytea" } : { bigint: "integer", bytes: "blob" };
}

/** An auto-increment primary key named `id`, the same on both stores. */
export function withId<T extends string>(table: CreateTableBuilder<T, never>, dialect: DialectName): CreateTableBuilder<T, "id"> {
  return dialect === "postgres"
    ? table.addColumn("id", "bigint", (col) => col.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn("id", "integer", (col) => col.primaryKey().autoIncrement());
}

/** A CHECK constraint that a text column holds one of the given values. */
export function sqlIn(column: string, values: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
