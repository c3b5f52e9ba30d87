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

/** The listener registry both stores share. */
export class Invalidations {
  readonly #listeners: Array<() => void> = [];

  subscribe(listener: () => void): void {
    this.#listeners.push(listener);
  }

  emit(): void {
    for (const listener of this.#listeners) listener();
  }

  get count(): number {
    return this.#listeners.length;
  }
}
