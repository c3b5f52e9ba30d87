import type { Principal } from "../identity/permissions.js";
import type { AuthRecord } from "../store/queries/api-keys.js";
import type { InvalidationFeed } from "../store/invalidation.js";

export interface CachedAuth {
  record: AuthRecord;
  principal: Principal;
  cachedAt: number;
}

/**
 * Remembers authentication results by key hash so the hot path skips the store.
 * Correctness rests on invalidation, not on age: every committed write that can
 * change a result (here or, through the store's feed, in another process) empties
 * the cache before the writing request answers. Expiry is checked on every use;
 * `maxAgeMs` only bounds the damage of a bug.
 */
export class AuthCache {
  readonly #entries = new Map<string, CachedAuth>();
  #generation = 0;

  constructor(
    private readonly feed: InvalidationFeed,
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
  ) {
    feed.subscribe(() => this.clear());
  }

  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  /** Bumped by every invalidation; a fill that started before one is discarded. */
  get generation(): number {
    return this.#generation;
  }

  clear(): void {
    this.#entries.clear();
    this.#generation += 1;
  }

  get(hash: string, now: number): CachedAuth | undefined {
    if (!this.enabled) return undefined;
    this.feed.poll();
    if (!this.feed.healthy) return undefined;
    const entry = this.#entries.get(hash);
    if (entry && now - entry.cachedAt > this.maxAgeMs) {
      this.#entries.delete(hash);
      return undefined;
    }
    return entry;
  }

  /** Stores a result read from the store, unless an invalidation happened since `generation`. */
  set(hash: string, entry: CachedAuth, generation: number): void {
    if (!this.enabled || !this.feed.healthy || generation !== this.#generation) return;
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(hash, entry);
  }

  get size(): number {
    return this.#entries.size;
  }
}
