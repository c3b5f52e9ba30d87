import { hash } from "node:crypto";
import { hashKey, hashesEqual, isWellFormedKey } from "./key-format.js";
import { loadPrincipal } from "./principal.js";
import type { Principal } from "./permissions.js";
import { findKeyByHash, type AuthRecord } from "../store/queries/api-keys.js";
import type { Store } from "../store/store.js";
import type { Caller } from "./actor.js";
import type { StoreCache } from "../store/cache.js";
import type { LastUsedTracker } from "./last-used.js";
import { throttleGroup, type FailureThrottle } from "./throttle.js";

/**
 * A cached authentication: the key and user as read, and the principal they
 * resolved to (undefined when the key could not authenticate when it was read:
 * deleted, expired or of a deleted user, none of which comes back).
 */
export interface CachedAuth {
  record: AuthRecord;
  principal: Principal | undefined;
}

/** Authentication results by the key's SHA-256 (base64), so the hot path skips the store. */
export type AuthCache = StoreCache<string, CachedAuth>;

export type AuthOutcome =
  { ok: true; caller: Caller } | { ok: false; reason: "unauthenticated" } | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * How an authentication ended, counted for the metrics (docs/observability.md):
 * `missing` no Authorization header; `unknown` a malformed header or key, or a
 * key that is not in the store; `revoked` a deleted key; `expired`;
 * `inactive_user` a key of a deactivated user; `throttled` a refusal answered
 * 429 (whatever its cause).
 */
export type AuthenticationResult = "valid" | "missing" | "unknown" | "revoked" | "expired" | "inactive_user" | "throttled";

type RefusalCause = "unknown" | "revoked" | "expired" | "inactive_user";

const BEARER = /^Bearer +([^\s]+) *$/i;

/** Extracts the token of an `Authorization: Bearer` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 512) return undefined;
  return BEARER.exec(header)?.[1];
}

/** Why a key that was found may not authenticate at `now` (undefined: it may). */
function refusalCause(record: AuthRecord, now: number): RefusalCause | undefined {
  const { key, user } = record;
  if (key.status !== "active") return "revoked";
  if (key.expires_at !== null && key.expires_at <= now) return "expired";
  return user.status === "inactive" ? "inactive_user" : undefined;
}

/** True when the key and the user it acts as may authenticate at `now`. */
export function isUsable(record: AuthRecord, now: number): boolean {
  return refusalCause(record, now) === undefined;
}

export class Authenticator {
  /** Authentications since start, by how they ended (read by the metrics). */
  readonly results: Record<AuthenticationResult, number> = {
    valid: 0,
    missing: 0,
    unknown: 0,
    revoked: 0,
    expired: 0,
    inactive_user: 0,
    throttled: 0,
  };

  constructor(
    private readonly store: Store,
    private readonly secret: Buffer,
    private readonly now: () => number,
    private readonly throttle: FailureThrottle,
    private readonly lastUsed: LastUsedTracker,
    private readonly cache: AuthCache,
  ) {}

  /**
   * Authenticates one request. Every failure looks the same to the client; the
   * checksum test turns away malformed keys before any store lookup. The failure
   * throttle (SPEC §4) is consulted only for a request that does not
   * authenticate: past its address's budget it gets 429 instead of 401, while a
   * key that authenticates always passes, whatever its neighbours did.
   */
  async authenticate(authorization: string | undefined, address: string): Promise<AuthOutcome> {
    const token = bearerToken(authorization);
    if (token === undefined) {
      if (authorization !== undefined) return this.refuse(address, "unknown");
      this.results.missing += 1;
      return { ok: false, reason: "unauthenticated" };
    }
    const found = isWellFormedKey(token) ? await this.lookup(token) : "unknown";
    if (typeof found === "string") return this.refuse(address, found);
    this.results.valid += 1;
    return { ok: true, caller: found };
  }

  /**
   * What a key presented for verification (POST /v2/api-keys/verify) stands
   * for, read as authentication reads it: the same cache, and the same cost for
   * every refusal, but no throttle (the verified key's failures are not its
   * caller's). `judge` decides from the key and user as read (undefined: no
   * such key); when it refuses a key the store was not asked about, the refusal
   * pays the store lookup an unknown key pays. A key it accepts has its last use
   * recorded, as any authentication does.
   */
  async inspect<T>(token: string, judge: (found: CachedAuth | undefined, now: number) => { accepted: boolean; answer: T }): Promise<T> {
    const now = this.now();
    // A malformed key is refused on its checksum alone, as in authenticate: anyone can compute that test.
    if (!isWellFormedKey(token)) return judge(undefined, now).answer;
    let fromStore = false;
    const found = await this.cache.read(hash("sha256", token, "base64"), now, () => {
      fromStore = true;
      return this.load(token, now);
    });
    const { accepted, answer } = judge(found, now);
    if (accepted && found) this.lastUsed.record(found.record.key.id, now, found.record.key.last_used_at);
    else if (!fromStore) await findKeyByHash(this.store.db, hashKey(this.secret, `${token}:refused`));
    return answer;
  }

  /** Counts a failure against the address's group (its /64 for IPv6) and says how to answer it. */
  private async refuse(address: string, cause: RefusalCause): Promise<AuthOutcome> {
    const verdict = await this.throttle.recordFailure(throttleGroup(address));
    if (verdict.blocked) {
      this.results.throttled += 1;
      return { ok: false, reason: "throttled", retryAfterSeconds: verdict.retryAfterSeconds };
    }
    this.results[cause] += 1;
    return { ok: false, reason: "unauthenticated" };
  }

  /** The caller the key stands for, or why it does not authenticate. */
  private async lookup(token: string): Promise<Caller | RefusalCause> {
    // The cache is keyed by the token's plain SHA-256 (a one-shot hash, several
    // times cheaper than the HMAC): keys carry 256 random bits, so it names one
    // key as surely as the HMAC does, and it never leaves this process's memory.
    // The store is only ever asked with the HMAC.
    const now = this.now();
    let fromStore = false;
    const found = await this.cache.read(hash("sha256", token, "base64"), now, () => {
      fromStore = true;
      return this.load(token, now);
    });
    const caller = found?.principal && this.admit(found.record, found.principal, now);
    if (caller) return caller;
    // No timing oracle between failure causes (docs/decisions.md): an unknown key
    // costs an HMAC and a store lookup that finds nothing, so a key refused from
    // the cache (deleted, expired, of a deleted user) pays exactly that before it
    // is refused: the HMAC of another text, which no key has.
    if (!fromStore) await findKeyByHash(this.store.db, hashKey(this.secret, `${token}:refused`));
    return found ? (refusalCause(found.record, now) ?? "unknown") : "unknown";
  }

  /**
   * The key with this token's HMAC and, when it may authenticate at `now`, the
   * principal it acts as, read from the store. A refused key costs one query,
   * the same as an unknown one.
   */
  private async load(token: string, now: number): Promise<CachedAuth | undefined> {
    const keyHash = hashKey(this.secret, token);
    const record = await findKeyByHash(this.store.db, keyHash);
    if (!record || !hashesEqual(record.key.key_hash, keyHash)) return undefined;
    if (!isUsable(record, now)) return { record, principal: undefined };
    return { record, principal: await loadPrincipal(this.store.db, record.user) };
  }

  /** The caller a found key stands for, if the key and its user may authenticate now. */
  private admit(record: AuthRecord, principal: Principal, now: number): Caller | undefined {
    if (!isUsable(record, now)) return undefined;
    this.lastUsed.record(record.key.id, now, record.key.last_used_at);
    return { principal, user: record.user, keyId: record.key.id, keyType: record.key.key_type, keySpaceId: record.key.space_id };
  }
}
