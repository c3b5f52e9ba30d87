import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { withStatementCache } from "../../src/store/sqlite/statements.js";

const dir = mkdtempSync(join(tmpdir(), "keyhouse-statements-"));
const database = new BetterSqlite3(join(dir, "s.db"));
afterAll(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});
database.exec(`
  create table a (id integer primary key, name text, n integer, b blob);
  create table c (id integer primary key, a_id integer, name text);
  insert into a values (1, 'one', 10, x'0102'), (2, 'two', null, null), (3, 'three', 30, x'');
  insert into c values (7, 1, 'seven'), (8, 2, 'eight');
`);
const cached = withStatementCache(database);
const JOIN = "select a.id, a.name, a.n, a.b, c.name as c_name, c.id from a left join c on c.a_id = a.id order by a.id";

describe("SQLite statements with rows built in JavaScript", () => {
  it("returns the same rows, key order included, as better-sqlite3's own objects (a repeated name keeps the last value)", () => {
    const ours = cached.prepare(JOIN).all([]);
    const theirs = database.prepare(JOIN).all();
    expect(ours).toEqual(theirs);
    expect(ours.map((row) => Object.keys(row as object))).toEqual(theirs.map((row) => Object.keys(row as object)));
    expect((ours[0] as { id: number }).id).toBe(7);
  });

  it("binds parameters, iterates, and runs writes", () => {
    const select = "select id, name from a where id >= ? order by id";
    expect(cached.prepare(select).all([2])).toEqual([
      { id: 2, name: "two" },
      { id: 3, name: "three" },
    ]);
    expect([...cached.prepare(select).iterate([3])]).toEqual([{ id: 3, name: "three" }]);
    const result = cached.prepare("update a set n = ? where id = ?").run([99, 2]);
    expect(result.changes).toBe(1);
    expect(cached.prepare("select n from a where id = ?").all([2])).toEqual([{ n: 99 }]);
  });

  it("hands out a fresh statement while one of the same text is mid-iteration", () => {
    const select = "select id from a order by id";
    const outer = cached.prepare(select).iterate([]);
    expect(outer.next().value).toEqual({ id: 1 });
    // The cached statement is busy: the same text must still run, independently.
    expect(cached.prepare(select).all([])).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect([...outer]).toEqual([{ id: 2 }, { id: 3 }]);
  });
});
