/**
 * What metrics and traces observe (docs/observability.md), as the store and
 * the app report it. Types only: src/http/telemetry.ts decides who listens.
 */

/** One statement the store ran: what kind, on which table, when and for how long. */
export interface QueryEvent {
  /** `select`, `insert`, `update`, `delete`, or `raw` (SQL written by hand: transactions, savepoints, NOTIFY). */
  operation: string;
  /** The statement's first table (`none` for raw SQL). */
  table: string;
  /** The SQL text with placeholders; parameter values are never part of it. */
  sql: string;
  /** When it ended (epoch milliseconds, fractional) and how long it ran. */
  endedAt: number;
  durationMs: number;
  failed: boolean;
}

/**
 * What the process's telemetry sees of the store (docs/observability.md).
 * Called on the request path: implementations only record, they never wait.
 * A store opened without one measures nothing.
 */
export interface StoreObserver {
  /** After every statement, in the async context of the code that ran it. */
  query(event: QueryEvent): void;
  /**
   * After a committed change emptied the caches: `lagMs` from the commit
   * (`local`: this process) or from the other process's NOTIFY (`remote`:
   * PostgreSQL) to the moment every cache here had been emptied.
   */
  flushed(source: "local" | "remote", lagMs: number): void;
}

/** The finished request a trace's span and the request histogram describe. */
export interface FinishedRequest {
  method: string;
  /** The route's pattern (`/v2/api-keys/:api_key_id`), `unmatched` when none matched. */
  route: string;
  status: number;
  /** Seconds from the request's arrival to the end of its response. */
  seconds: number;
  /** The row of the API key that authenticated it, if one did (a trace shows its wire id). */
  keyRow: number | undefined;
}
