import type { Compilable, CompiledQuery } from "kysely";
import type { Db } from "../store.js";

interface Prepared<R> {
  query: CompiledQuery<R>;
  /** For each parameter of the compiled query, the argument it binds, or -1 for a constant. */
  bindings: number[];
}

/**
 * A SELECT built and compiled once per Kysely instance, then only bound to new
 * argument values. On the authenticated hot path Kysely's builders and compiler
 * cost more than the indexed lookup itself (docs/benchmarks.md). `build` runs
 * once, with `slots` standing for the arguments: each slot must be a distinct
 * value (compared with Object.is) that reaches the compiled query as a
 * parameter of its own. Plugins still see every result; only the compilation
 * is shared, and a SELECT's compilation does not depend on the call.
 */
export function preparedSelect<A extends unknown[], R>(
  slots: A,
  build: (db: Db, ...args: A) => Compilable<R>,
): (db: Db, ...args: A) => Promise<R[]> {
  const compiled = new WeakMap<Db, Prepared<R>>();
  const prepare = (db: Db): Prepared<R> => {
    const query = build(db, ...slots).compile();
    const bindings = query.parameters.map((parameter) => slots.findIndex((slot) => Object.is(slot, parameter)));
    if (slots.some((_, i) => !bindings.includes(i))) throw new Error("preparedSelect: an argument slot is not a parameter of the query");
    return { query, bindings };
  };
  return async (db, ...args) => {
    let prepared = compiled.get(db);
    if (prepared === undefined) {
      prepared = prepare(db);
      compiled.set(db, prepared);
    }
    const { query, bindings } = prepared;
    const parameters = query.parameters.map((constant, i) => {
      const slot = bindings[i] ?? -1;
      return slot < 0 ? constant : args[slot];
    });
    const result = await db.executeQuery<R>({ ...query, parameters });
    return result.rows;
  };
}
