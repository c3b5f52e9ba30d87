/** Whether a client address may try to authenticate now. */
export type ThrottleVerdict = { blocked: false } | { blocked: true; retryAfterSeconds: number };

/** Counts failed authentications per client address; shared or per process. */
export interface FailureThrottle {
  check(address: string): Promise<ThrottleVerdict>;
  recordFailure(address: string): Promise<void>;
  close(): Promise<void>;
}

interface Window {
  startedAt: number;
  failures: number;
  blockedUntil: number;
}

/** Bounds memory under a flood of distinct addresses; the oldest windows go first. */
const MAX_TRACKED_ADDRESSES = 100_000;

/**
 * A fixed-window failure counter held in this process. After `limit` failures
 * within `windowSeconds`, the address is refused for the rest of the window.
 */
export class MemoryFailureThrottle implements FailureThrottle {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowSeconds: number,
    private readonly now: () => number,
  ) {}

  async check(address: string): Promise<ThrottleVerdict> {
    const window = this.#windows.get(address);
    const now = this.now();
    if (!window || window.blockedUntil <= now) return { blocked: false };
    return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil((window.blockedUntil - now) / 1000)) };
  }

  async recordFailure(address: string): Promise<void> {
    const now = this.now();
    const windowMs = this.windowSeconds * 1000;
    let window = this.#windows.get(address);
    if (!window || now - window.startedAt >= windowMs) {
      this.#windows.delete(address);
      window = { startedAt: now, failures: 0, blockedUntil: 0 };
      if (this.#windows.size >= MAX_TRACKED_ADDRESSES) {
        const oldest = this.#windows.keys().next();
        if (!oldest.done) this.#windows.delete(oldest.value);
      }
      this.#windows.set(address, window);
    }
    window.failures += 1;
    if (window.failures >= this.limit) window.blockedUntil = window.startedAt + windowMs;
  }

  async close(): Promise<void> {
    this.#windows.clear();
  }
}
