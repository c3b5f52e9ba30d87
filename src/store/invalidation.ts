/**
 * Tells caches when what they hold may be stale: after this process commits a
 * write that affects authentication, and when another process does (SQLite:
 * the file's data_version moved; PostgreSQL: a NOTIFY arrived).
 */
export interface InvalidationFeed {
  /** Registers a listener called on every invalidation. */
  subscribe(listener: () => void): void;
  /** Checks cheaply for other processes' writes; called before a cache is trusted. */
  poll(): void;
  /** False while other processes' writes could go unnoticed (caches must not be trusted then). */
  readonly healthy: boolean;
}

/**
 * The wall clock in fractional milliseconds: the process's start on the wall
 * clock plus the monotonic time since. Two processes on one host agree on it
 * to well under a millisecond; across hosts, as well as their clocks agree.
 */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Where a change that empties the caches was committed, and when (epoch milliseconds). */
export interface ChangeOrigin {
  source: "local" | "remote";
  committedAt: number;
}

/** The listener registry both stores share. */
export class Invalidations {
  readonly #listeners: Array<() => void> = [];

  /** `flushed` hears how long after the change's commit every listener had run (docs/observability.md). */
  constructor(private readonly flushed?: (source: "local" | "remote", lagMs: number) => void) {}

  subscribe(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Calls every listener; `origin` (a committed change) is measured, other causes (a lost connection) are not. */
  emit(origin?: ChangeOrigin): void {
    for (const listener of this.#listeners) listener();
    if (origin && this.flushed) this.flushed(origin.source, Math.max(0, preciseNow() - origin.committedAt));
  }

  get count(): number {
    return this.#listeners.length;
  }
}
