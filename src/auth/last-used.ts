/** How stale `last_used_at` may be: it is written at most about once a minute per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;
/** How often recorded uses are written to the store (AppOptions.lastUsedFlushMs). */
export const LAST_USED_FLUSH_MS = 5_000;
const MAX_PENDING = 100_000;

/**
 * Keeps `last_used_at` off the hot path: authentication records a use in memory,
 * and a timer writes the batch to the store.
 */
export class LastUsedTracker {
  readonly #recorded = new Map<number, number>();
  #pending = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (batch: ReadonlyMap<number, number>) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    flushIntervalMs = LAST_USED_FLUSH_MS,
  ) {
    this.#timer = setInterval(() => void this.flush(), flushIntervalMs);
    this.#timer.unref();
  }

  /** Notes a use of a key whose stored `last_used_at` is `storedAt`. */
  record(keyId: number, at: number, storedAt: number | null): void {
    const last = Math.max(this.#recorded.get(keyId) ?? 0, storedAt ?? 0);
    if (at - last < LAST_USED_RESOLUTION_MS) return;
    if (this.#recorded.size >= MAX_PENDING) this.#recorded.clear();
    this.#recorded.set(keyId, at);
    this.#pending.set(keyId, at);
  }

  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      await this.write(batch);
    } catch (error) {
      this.onError(error);
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
