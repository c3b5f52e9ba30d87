/**
 * keyhouse's logical time, held still for a test (docs/reliability.md, "The time
 * seam"). A server started with `startTestServer({ clock })` reads every time it
 * decides by (key expiry, grace periods, cache ages, throttle windows, last use)
 * from `now`, so a test moves time with `advance` instead of sleeping. The clock
 * never moves by itself: every request a test sends sees the same instant until
 * the test says otherwise.
 */
export class TestClock {
  #now: number;

  /** Starts at `start` (default: the current second, so times in tests are round and near the real ones). */
  constructor(start: number = Math.floor(Date.now() / 1000) * 1000) {
    this.#now = start;
  }

  /** The time in milliseconds since the epoch; bound, so it can be handed over as `now`. */
  readonly now = (): number => this.#now;

  /** Moves time forward by `ms` and returns the new time. */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`TestClock.advance: ${ms} is not a forward step`);
    this.#now += ms;
    return this.#now;
  }

  /** Sets the time (it may go back: that is the test's choice). */
  set(ms: number): void {
    this.#now = ms;
  }

  /** An RFC 3339 time `seconds` after the clock's now. */
  inSeconds(seconds: number): string {
    return new Date(this.#now + seconds * 1000).toISOString();
  }
}

/**
 * Polls `check` until it holds, for what happens on its own in real time (a
 * timer's write, another process); logical time is advanced, never waited for.
 */
export async function eventually(check: () => Promise<boolean>, what: string, { attempts = 200, intervalMs = 10 } = {}): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`never happened: ${what}`);
}
