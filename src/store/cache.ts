import type { InvalidationFeed } from "./invalidation.js";

interface Entry<V> {
  value: V;
  cachedAt: number;
}

/**
 * Values read from the store, kept in memory until the store says they may be
 * stale. Correctness rests on invalidation, not on age: every committed write
 * that can change a cached value (here or, through the store's feed, in another
 * process) empties the cache before the writing request answers. Callers check
 * expiry-like conditions on every use; `maxAgeMs` bounds what the feed does not
 * report (and the damage of a bug). Only values that were found are cached: a
 * miss is always asked of the store again.
 */
export class StoreCache<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  #generation = 0;
  /** Lookups answered from memory and lookups that were not, since start (read by the metrics). */
  hits = 0;
  misses = 0;

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

  clear(): void {
    this.#entries.clear();
    this.#generation += 1;
  }

  get(key: K, now: number): V | undefined {
    if (!this.enabled) return undefined;
    this.feed.poll();
    const entry = this.feed.healthy ? this.#entries.get(key) : undefined;
    if (entry === undefined) {
      this.misses += 1;
      return undefined;
    }
    if (now - entry.cachedAt > this.maxAgeMs) {
      this.#entries.delete(key);
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    return entry.value;
  }

  /**
   * The cached value, or else what `load` reads from the store (undefined: not
   * found, not cached). The fill is discarded when an invalidation happened
   * while `load` ran (the generation moved), so a value read before a write can
   * never be cached after it.
   */
  async read(key: K, now: number, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.get(key, now);
    if (cached !== undefined) return cached;
    const generation = this.#generation;
    const value = await load();
    if (value !== undefined) this.#fill(key, value, now, generation);
    return value;
  }

  #fill(key: K, value: V, now: number, generation: number): void {
    if (!this.enabled || !this.feed.healthy || generation !== this.#generation) return;
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, cachedAt: now });
  }

  get size(): number {
    return this.#entries.size;
  }
}
