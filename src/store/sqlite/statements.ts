import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/** How many distinct SQL texts keep their prepared statement. */
const STATEMENT_CACHE_SIZE = 500;

interface Cached {
  statement: BetterSqlite3.Statement;
  wrapped: SqliteStatement;
}

/**
 * A reader statement whose rows come back as arrays (better-sqlite3's raw mode)
 * and become objects in a function compiled for its columns. better-sqlite3
 * builds each row object property by property through V8's C++ API: a list
 * page of 101 rows took 240 us that way and 150 us this way (docs/benchmarks.md).
 * Same objects, same key order; a repeated column name keeps the last value,
 * as better-sqlite3's own rows do.
 */
function withJsRows(statement: BetterSqlite3.Statement): SqliteStatement {
  if (!statement.reader) return statement;
  const names = statement.columns().map((column) => column.name);
  const fields = names.map((name, i) => `${JSON.stringify(name)}: r[${i}]`).join(", ");
  const row = new Function("r", `"use strict"; return { ${fields} };`) as (values: unknown[]) => unknown;
  statement.raw(true);
  return {
    reader: true,
    all: (parameters) => (statement.all(parameters) as unknown[][]).map(row),
    run: (parameters) => statement.run(parameters),
    iterate: function* (parameters) {
      for (const values of statement.iterate(parameters) as IterableIterator<unknown[]>) yield row(values);
    },
  };
}

/**
 * better-sqlite3 behind a cache of prepared statements. Kysely prepares every
 * query it runs, and SQLite's prepare (parse and plan) costs more than the
 * indexed lookup the statement then does; the same SQL text now reuses its
 * statement. A statement that is mid-iteration (a streamed query) is never
 * handed out twice: a busy one is replaced by a fresh one.
 */
export function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, Cached>();
  return {
    close: () => database.close(),
    prepare: (text: string) => {
      let cached = statements.get(text);
      if (cached === undefined || cached.statement.busy) {
        const statement = database.prepare(text);
        cached = { statement, wrapped: withJsRows(statement) };
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next();
          if (!oldest.done) statements.delete(oldest.value);
        }
        statements.set(text, cached);
      }
      return cached.wrapped;
    },
  };
}
