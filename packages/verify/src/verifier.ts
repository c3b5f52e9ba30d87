import { createHash } from "node:crypto";
import { isWellFormedKey } from "./format.js";
import { readEventStream, type StreamEvent } from "./sse.js";
import type { Verification, VerifierEvent, VerifyCode, VerifyOptions } from "./types.js";

export interface VerifierOptions {
  /** keyhouse's base URL, e.g. `https://keys.example.com`. */
  url: string;
  /** This service's own keyhouse key; it needs API_KEY_VERIFY. */
  key: string;
  /**
   * How long an answer about a key may be served from the cache, in ms
   * (default 60 s). While the invalidation stream is up, changes reach the
   * cache within milliseconds; when it is down, this bounds how stale an answer
   * can be. Never past the key's own `expires_at`.
   */
  ttlMs?: number;
  /** How long "no such key" is remembered, in ms (default 5 s): a key created meanwhile is no event. */
  negativeTtlMs?: number;
  /** Most answers kept (default 100,000); the oldest go first. */
  maxEntries?: number;
  /** Most "no such key" answers kept (default 10,000). */
  maxNegativeEntries?: number;
  /** Subscribe to keyhouse's invalidation stream (default true). Without it, only the TTL bounds staleness. */
  stream?: boolean;
  /** A stream silent this long is treated as broken and reconnected (default 45 s: three missed 15 s heartbeats). */
  heartbeatTimeoutMs?: number;
  /** Reconnection backoff: first wait and longest wait, in ms (defaults 500 and 30,000), with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Timeout of one call to keyhouse, in ms (default 5,000). */
  timeoutMs?: number;
  /** The clock answers are dated by (default Date.now). */
  now?: () => number;
  /** Told about connections, invalidations and flushes (for logs and metrics). */
  onEvent?: (event: VerifierEvent) => void;
}

export interface VerifierStats {
  hits: number;
  misses: number;
  /** Answers in the cache (positive and negative). */
  entries: number;
  /** Whether the invalidation stream is connected now. */
  connected: boolean;
  /** When the stream last went down (ms on the verifier's clock), while it is down. */
  downSince: number | undefined;
}

export interface Verifier {
  /** keyhouse's answer about `rawKey`, from the cache when it may be. Rejects with VerifierUnavailableError when keyhouse cannot answer. */
  verify(rawKey: string, options?: VerifyOptions): Promise<Verification>;
  /** The cached answer, or undefined when keyhouse must be asked (no network; used by the middleware's fast path). */
  cached(rawKey: string, options?: VerifyOptions): Verification | undefined;
  /** Resolves once the invalidation stream is connected (or at once, with `stream: false`). */
  ready(): Promise<void>;
  /** Drops every cached answer. */
  flush(reason?: string): void;
  stats(): VerifierStats;
  close(): Promise<void>;
}

/** keyhouse could not answer (unreachable, timed out, or refused this service's own key). */
export class VerifierUnavailableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "VerifierUnavailableError";
  }
}

type Answer = Omit<Verification, "cached">;

interface Entry {
  /** The answer as served from the cache (frozen, `cached: true`), made once. */
  served: Verification;
  /** Served while the clock is below this. */
  until: number;
  keyId: string | undefined;
  subjectId: string | undefined;
}

const NOT_FOUND: Verification = Object.freeze({ valid: false, code: "NOT_FOUND", cached: true }) as Verification;

/** The cache key: a hash of the raw key (never the key) and the question asked. */
function cacheKeyOf(rawKey: string, options: VerifyOptions | undefined): string {
  const hash = createHash("sha256").update(rawKey).digest("base64");
  if (options === undefined || (options.permissions === undefined && options.resource === undefined)) return hash;
  const resource = options.resource === undefined ? "" : `${options.resource.type}:${options.resource.id}`;
  return `${hash}|${options.permissions?.join(",") ?? ""}|${resource}`;
}

/** Drops the oldest entries of an insertion-ordered Map until it holds at most `max`. */
function bound<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}

const KEY_EVENTS = new Set(["key.revoked", "key.rotated", "user.changed"]);

/**
 * A verifier for keyhouse keys: the format checked in-process, answers cached by
 * a hash of the key, kept fresh by keyhouse's invalidation stream
 * (GET /v2/api-keys/events), bounded by a TTL when the stream is down.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const base = options.url.replace(/\/+$/, "");
  const ttlMs = options.ttlMs ?? 60_000;
  const negativeTtlMs = options.negativeTtlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 100_000;
  const maxNegative = options.maxNegativeEntries ?? 10_000;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 45_000;
  const initialBackoff = options.backoff?.initialMs ?? 500;
  const maxBackoff = options.backoff?.maxMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const now = options.now ?? Date.now;
  const report = options.onEvent ?? (() => {});
  for (const [name, value] of Object.entries({ ttlMs, negativeTtlMs, maxEntries, maxNegative, heartbeatTimeoutMs, timeoutMs })) {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a positive number (got ${String(value)})`);
  }
  if (!/^https?:\/\//.test(base)) throw new TypeError(`url must be an http(s) URL (got ${JSON.stringify(options.url)})`);
  if (typeof options.key !== "string" || options.key === "") throw new TypeError("key (this service's keyhouse key) is required");

  const entries = new Map<string, Entry>();
  const negatives = new Map<string, number>();
  const inflight = new Map<string, Promise<Answer>>();
  // Bumped by every invalidation: an answer asked for before one is not cached.
  let generation = 0;
  let hits = 0;
  let misses = 0;
  let closed = false;

  const drop = (reason: string): number => {
    const dropped = entries.size + negatives.size;
    entries.clear();
    negatives.clear();
    generation++;
    report({ type: "flushed", reason, dropped });
    return dropped;
  };

  const lookup = (cacheKey: string, at: number): Verification | undefined => {
    const entry = entries.get(cacheKey);
    if (entry !== undefined) {
      if (at < entry.until) return entry.served;
      entries.delete(cacheKey);
    }
    const negativeUntil = negatives.get(cacheKey);
    if (negativeUntil !== undefined) {
      if (at < negativeUntil) return NOT_FOUND;
      negatives.delete(cacheKey);
    }
    return undefined;
  };

  const store = (cacheKey: string, answer: Answer, at: number): void => {
    if (answer.code === "NOT_FOUND") {
      negatives.set(cacheKey, at + negativeTtlMs);
      bound(negatives, maxNegative);
      return;
    }
    let until = at + ttlMs;
    const expiresAt = answer.key?.expires_at;
    if (expiresAt) until = Math.min(until, Date.parse(expiresAt));
    entries.delete(cacheKey);
    entries.set(cacheKey, {
      served: Object.freeze({ ...answer, cached: true }),
      until,
      keyId: answer.key?.id,
      subjectId: answer.subject?.id,
    });
    bound(entries, maxEntries);
  };

  const ask = async (rawKey: string, verifyOptions: VerifyOptions | undefined): Promise<Answer> => {
    let res: Response;
    try {
      res = await fetch(`${base}/v2/api-keys/verify`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${options.key}`,
          "content-type": "application/json",
          accept: "application/json",
          "keyhouse-dialect": "2026-06",
        },
        body: JSON.stringify({ key: rawKey, ...verifyOptions }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new VerifierUnavailableError(`keyhouse did not answer at ${base}: ${(error as Error).message}`);
    }
    const text = await res.text();
    if (res.status !== 200) {
      let detail = text.slice(0, 300);
      try {
        detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
      } catch {
        // not JSON: keep the text
      }
      throw new VerifierUnavailableError(`keyhouse refused the verification (${res.status}): ${detail}`, res.status);
    }
    const body = JSON.parse(text) as Answer;
    return { valid: body.valid, code: body.code as VerifyCode, key: body.key, subject: body.subject, permissions: body.permissions };
  };

  const verifier: Verifier = {
    cached(rawKey, verifyOptions) {
      if (!isWellFormedKey(rawKey)) return NOT_FOUND;
      const found = lookup(cacheKeyOf(rawKey, verifyOptions), now());
      if (found !== undefined) hits++;
      return found;
    },

    async verify(rawKey, verifyOptions) {
      if (typeof rawKey !== "string" || !isWellFormedKey(rawKey)) return NOT_FOUND;
      const cacheKey = cacheKeyOf(rawKey, verifyOptions);
      const found = lookup(cacheKey, now());
      if (found !== undefined) {
        hits++;
        return found;
      }
      misses++;
      let pending = inflight.get(cacheKey);
      if (pending === undefined) {
        const asked = generation;
        const at = now();
        pending = ask(rawKey, verifyOptions).then(
          (answer) => {
            inflight.delete(cacheKey);
            if (asked === generation && !closed) store(cacheKey, answer, at);
            return answer;
          },
          (error: unknown) => {
            inflight.delete(cacheKey);
            throw error;
          },
        );
        inflight.set(cacheKey, pending);
      }
      return { ...(await pending), cached: false };
    },

    ready: () => stream.ready,

    flush(reason = "asked") {
      drop(reason);
    },

    stats: () => ({
      hits,
      misses,
      entries: entries.size + negatives.size,
      connected: stream.connected,
      downSince: stream.downSince,
    }),

    async close() {
      closed = true;
      await stream.close();
      entries.clear();
      negatives.clear();
    },
  };

  const invalidate = (event: StreamEvent): void => {
    if (event.event === "flush") {
      let reason = "flush";
      try {
        reason = (JSON.parse(event.data) as { reason?: string }).reason ?? reason;
      } catch {
        // keep the default
      }
      drop(reason);
      return;
    }
    let ids: string[] = [];
    try {
      ids = (JSON.parse(event.data) as { ids?: string[] }).ids ?? [];
    } catch {
      // an event we cannot read: drop everything below
    }
    generation++;
    if (!KEY_EVENTS.has(event.event) || ids.length === 0) {
      // access.changed, and anything this version does not know: every answer may be wrong.
      drop(event.event);
      return;
    }
    const named = new Set(ids);
    let dropped = 0;
    for (const [cacheKey, entry] of entries) {
      if ((entry.keyId !== undefined && named.has(entry.keyId)) || (entry.subjectId !== undefined && named.has(entry.subjectId))) {
        entries.delete(cacheKey);
        dropped++;
      }
    }
    report({ type: "invalidated", event: event.event, ids, dropped });
  };

  const stream = options.stream === false ? inertStream() : openStream();

  interface StreamControl {
    ready: Promise<void>;
    connected: boolean;
    downSince: number | undefined;
    close(): Promise<void>;
  }

  function inertStream(): StreamControl {
    return { ready: Promise.resolve(), connected: false, downSince: undefined, close: async () => {} };
  }

  function openStream(): StreamControl {
    let lastEventId: string | undefined;
    let retryMs = initialBackoff;
    let attempt = 0;
    let lastActivity = performance.now();
    let controller: AbortController | undefined;
    let markReady: () => void = () => {};
    let wake: (() => void) | undefined;
    const control: StreamControl = {
      ready: new Promise<void>((resolve) => (markReady = resolve)),
      connected: false,
      downSince: now(),
      close: async () => {
        clearInterval(watchdog);
        controller?.abort();
        wake?.();
        await loop;
      },
    };

    const watchdog = setInterval(
      () => {
        if (control.connected && performance.now() - lastActivity > heartbeatTimeoutMs) controller?.abort(new Error("no heartbeat"));
        // Down longer than the TTL: every answer is past it anyway; let the memory go too.
        if (!control.connected && control.downSince !== undefined && now() - control.downSince > ttlMs && entries.size + negatives.size > 0)
          drop("stream_down");
      },
      Math.min(1_000, heartbeatTimeoutMs / 3),
    );
    watchdog.unref();

    const connectOnce = async (): Promise<string> => {
      controller = new AbortController();
      const res = await fetch(`${base}/v2/api-keys/events`, {
        headers: {
          authorization: `Bearer ${options.key}`,
          accept: "text/event-stream",
          ...(lastEventId === undefined ? {} : { "last-event-id": lastEventId }),
        },
        signal: controller.signal,
      });
      if (res.status !== 200 || res.body === null) {
        await res.body?.cancel();
        return `keyhouse answered ${res.status}`;
      }
      const resumed = lastEventId !== undefined;
      // Without a position to resume from, whatever happened before this moment is unknown.
      if (!resumed) drop("stream_opened");
      control.connected = true;
      control.downSince = undefined;
      lastActivity = performance.now();
      attempt = 0;
      report({ type: "connected", resumed });
      markReady();
      await readEventStream(res.body, {
        onActivity: () => (lastActivity = performance.now()),
        onRetry: (ms) => (retryMs = Math.max(100, ms)),
        onPosition: (id) => (lastEventId = id),
        onEvent: invalidate,
      });
      return "keyhouse ended the stream";
    };

    const loop = (async () => {
      while (!closed) {
        let reason: string;
        try {
          reason = await connectOnce();
        } catch (error) {
          reason = (error as Error).message;
        }
        if (control.connected) {
          control.connected = false;
          control.downSince = now();
        }
        if (closed) break;
        const wait = Math.min(maxBackoff, Math.max(retryMs, initialBackoff) * 2 ** attempt) * (0.5 + Math.random() / 2);
        attempt = Math.min(attempt + 1, 16);
        report({ type: "disconnected", reason, retryInMs: Math.round(wait) });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    })();
    return control;
  }

  return verifier;
}
