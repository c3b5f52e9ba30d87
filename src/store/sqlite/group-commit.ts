import { AsyncResource } from "node:async_hooks";
import { sql } from "kysely";
import type { Db } from "../store.js";

/** Opens one write transaction (BEGIN IMMEDIATE … COMMIT) and runs `body` in it. */
export type Begin = (body: (tx: Db) => Promise<void>) => Promise<void>;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  fn: (tx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** How many logical transactions may share one commit. */
const MAX_GROUP = 64;

/** Thrown inside a group none of whose members succeeded, so that it rolls back instead of committing. */
const NOTHING_TO_COMMIT = Symbol("nothing to commit");

/**
 * Group commit for SQLite. With synchronous=FULL every COMMIT is an fsync, and
 * SQLite runs one writer at a time, so concurrent writes queued behind each
 * other's fsyncs. Here the logical transactions waiting at the moment run one
 * after another inside a single database transaction, each in its own
 * savepoint, and share its one COMMIT:
 *
 * - atomicity: a logical transaction that throws is rolled back to its
 *   savepoint alone; the others are unaffected;
 * - isolation: they run serially, as they did before (one connection);
 * - durability: none resolves before the shared COMMIT has returned, and if the
 *   COMMIT (or a savepoint) fails, every one of them rejects: nothing was
 *   committed for any of them.
 *
 * A group none of whose members succeeded rolls back instead: committing
 * it would still write the pages its savepoints touched (one fsync, and a new
 * data_version that makes every other process empty its caches for nothing).
 *
 * `afterGroup` runs once per group, after the COMMIT or the failure and before
 * any caller resumes (cache invalidation must precede every response).
 */
export class GroupCommit {
  readonly #queue: Pending[] = [];
  #running = false;

  constructor(
    private readonly begin: Begin,
    private readonly afterGroup: () => void,
  ) {}

  run<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // The group runs in the async context of whichever caller started it; each
      // member's body runs in its own caller's (so a trace puts its statements
      // under the request that asked for them).
      this.#queue.push({ fn: AsyncResource.bind(fn), resolve: resolve as (value: unknown) => void, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        // better-sqlite3 is synchronous, so a group runs (and fsyncs) without
        // ever letting the event loop read new requests. Yielding once before
        // each group lets the requests that arrived meanwhile join it;
        // without this, groups stayed at one member under HTTP load.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await this.#commitGroup();
      }
    } finally {
      this.#running = false;
    }
  }

  async #commitGroup(): Promise<void> {
    const taken: Array<{ pending: Pending; outcome: Outcome }> = [];
    let groupError: { error: unknown } | undefined;
    try {
      await this.begin(async (tx) => {
        // Callers that arrive while the group runs join it, up to MAX_GROUP.
        while (taken.length < MAX_GROUP) {
          const pending = this.#queue.shift();
          if (pending === undefined) break;
          const entry: { pending: Pending; outcome: Outcome } = { pending, outcome: { ok: false, error: undefined } };
          taken.push(entry);
          await sql`savepoint keyhouse_group_member`.execute(tx);
          try {
            entry.outcome = { ok: true, value: await pending.fn(tx) };
            await sql`release savepoint keyhouse_group_member`.execute(tx);
          } catch (error) {
            entry.outcome = { ok: false, error };
            // If SQLite already abandoned the whole transaction, this throws and fails the group.
            await sql`rollback to savepoint keyhouse_group_member`.execute(tx);
            await sql`release savepoint keyhouse_group_member`.execute(tx);
          }
        }
        if (!taken.some((entry) => entry.outcome.ok)) throw NOTHING_TO_COMMIT;
      });
    } catch (error) {
      if (error !== NOTHING_TO_COMMIT) groupError = { error };
    }
    try {
      this.afterGroup();
    } finally {
      for (const { pending, outcome } of taken) {
        if (!outcome.ok) pending.reject(outcome.error);
        else if (groupError) pending.reject(groupError.error);
        else pending.resolve(outcome.value);
      }
    }
  }
}
