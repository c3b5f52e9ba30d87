import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { MemoryFailureThrottle, type FailureThrottle, type ThrottleVerdict } from "./throttle.js";

/** Counts one failure; returns the window's count and remaining milliseconds. */
const RECORD = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

/**
 * The same fixed-window throttle as MemoryFailureThrottle, kept in Redis so that
 * every keyhouse process sharing it counts every failure (one round trip per
 * failure; a request that authenticates never reaches Redis). Keys are namespaced by
 * a digest of the server secret, so deployments sharing a Redis stay apart.
 * If Redis does not answer, this process falls back to its own memory counter
 * (logged), so an outage weakens throttling to per-process but never blocks or
 * admits a request by itself.
 */
export class RedisFailureThrottle implements FailureThrottle {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #fallback: MemoryFailureThrottle;
  #warned = false;

  constructor(
    url: string,
    secret: Buffer,
    private readonly limit: number,
    private readonly windowSeconds: number,
    private readonly logger: Logger,
  ) {
    this.#redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, connectTimeout: 2000 });
    this.#redis.on("error", (error: Error) => this.#warn(error));
    this.#prefix = `keyhouse:${createHash("sha256").update(secret).digest("hex").slice(0, 16)}:authfail:`;
    this.#fallback = new MemoryFailureThrottle(limit, windowSeconds, Date.now);
  }

  /** Waits (up to two seconds) for the first connection, so the first failures are shared too. */
  async ready(): Promise<void> {
    if (this.#redis.status === "ready") return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.#redis.once("ready", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #warn(error: unknown): void {
    if (this.#warned) return;
    this.#warned = true;
    this.logger.warn({ err: error }, "redis throttle unavailable; throttling per process until it answers");
  }

  async recordFailure(group: string): Promise<ThrottleVerdict> {
    try {
      const [count, ttl] = (await this.#redis.eval(RECORD, 1, this.#prefix + group, String(this.windowSeconds * 1000))) as [number, number];
      this.#warned = false;
      if (count <= this.limit || ttl <= 0) return { blocked: false };
      return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
    } catch (error) {
      this.#warn(error);
      return this.#fallback.recordFailure(group);
    }
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
    await this.#fallback.close();
  }
}
