import { auditActionsAfter, lastAuditEventId, targetsOf } from "../../store/queries/audit.js";
import type { Store } from "../../store/store.js";

/**
 * The invalidation stream behind GET /v2/api-keys/events (SPEC §13,
 * docs/verify.md). The store's invalidation feed (this process's commits,
 * PostgreSQL NOTIFY, the SQLite data_version watch) says that something
 * changed; the audit trail, written in the same transaction as every change,
 * says what. On each invalidation this process reads the audit events it has
 * not seen, turns the ones that matter to a verifier into stream events, keeps
 * the last `retained` of them for resumption, and hands them to subscribers.
 */

/**
 * What a subscriber is told: a key revoked or rotated, a user changed, access
 * changed, or drop everything. A new key is not an event: creating one
 * invalidates nothing (store/write-watch.ts), so a verifier's brief negative
 * entries are what bound how long a just-created key may be refused.
 */
export type StreamEventType = "key.revoked" | "key.rotated" | "user.changed" | "access.changed" | "flush";

export interface StreamEvent {
  /** `<instance>.<sequence>`: unique to this process's life, so a resume elsewhere is recognized as impossible. */
  id: string;
  sequence: number;
  type: StreamEventType;
  /** JSON: the audit action and the wire ids it touched; never a secret. */
  data: string;
}

const EVENT_OF_ACTION: Readonly<Record<string, StreamEventType>> = {
  "api_key.deleted": "key.revoked",
  "api_key.deleted_by_user_removal": "key.revoked",
  "api_key.refreshed": "key.rotated",
  "user.updated": "user.changed",
  "user.deleted": "user.changed",
  "user.claimed": "user.changed",
  "membership.upserted": "access.changed",
  "membership.removed": "access.changed",
  "role.updated": "access.changed",
  "role.deleted": "access.changed",
  "role_binding.created": "access.changed",
  "role_binding.updated": "access.changed",
  "role_binding.deleted": "access.changed",
  "resource_restriction.created": "access.changed",
  "resource_restriction.deleted": "access.changed",
  "project.deleted": "access.changed",
  "space.deleted": "access.changed",
  "organization.deleted": "access.changed",
  "keyhouse.initialized": "flush",
};
const ACTIONS = Object.keys(EVENT_OF_ACTION);

/**
 * How far below the highest audit id seen each read looks again. PostgreSQL
 * hands out ids when a transaction inserts and shows them when it commits, so
 * an event can become visible after one with a higher id; re-reading a window
 * of ids (and skipping those already sent) catches it.
 */
const LOOKBACK_IDS = 200;
/** Audit events read at once; a read that fills it (a mass change) becomes one flush. */
const READ_BATCH = 500;
/** How often the SQLite data_version is checked for other processes' writes while the stream runs. */
const POLL_MS = 100;
/** A read even without an invalidation, in case one was missed (a listener reconnecting). */
const SAFETY_READ_MS = 5_000;

export type Subscriber = (event: StreamEvent) => void;

export class InvalidationStream {
  readonly #subscribers = new Set<Subscriber>();
  readonly #retained: StreamEvent[] = [];
  readonly #sent = new Set<number>();
  #sequence = 0;
  #cursor = 0;
  /** The newest audit id when the stream started: what came before is nobody's news. */
  #floor = 0;
  #started: Promise<void> | undefined;
  #reading: Promise<void> | undefined;
  #again = false;
  #timers: NodeJS.Timeout[] = [];
  #closed = false;

  constructor(
    private readonly store: Store,
    private readonly instance: string,
    private readonly retained: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The id of the newest event (or of the stream's start), for a subscriber that connects now. */
  get lastId(): string {
    return `${this.instance}.${this.#sequence}`;
  }

  /**
   * Starts reading on the first subscriber: until someone listens there is
   * nobody to resume for, and an idle server reads nothing.
   */
  start(): Promise<void> {
    this.#started ??= (async () => {
      this.#cursor = await lastAuditEventId(this.store.db);
      this.#floor = this.#cursor;
      this.store.invalidation.subscribe(() => this.#schedule());
      this.#timers = [setInterval(() => this.store.invalidation.poll(), POLL_MS), setInterval(() => this.#schedule(), SAFETY_READ_MS)];
      for (const timer of this.#timers) timer.unref();
    })();
    return this.#started;
  }

  subscribe(subscriber: Subscriber): () => void {
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  /**
   * The retained events after `lastEventId`, or undefined when resuming from it
   * is impossible (another process's or an earlier life's id, or older than the
   * retained window): the subscriber must then flush.
   */
  since(lastEventId: string): StreamEvent[] | undefined {
    const dot = lastEventId.lastIndexOf(".");
    if (dot < 0 || lastEventId.slice(0, dot) !== this.instance) return undefined;
    const text = lastEventId.slice(dot + 1);
    if (!/^\d{1,15}$/.test(text)) return undefined;
    const sequence = Number(text);
    const oldest = this.#retained[0]?.sequence ?? this.#sequence + 1;
    if (sequence > this.#sequence || sequence < oldest - 1) return undefined;
    return this.#retained.filter((event) => event.sequence > sequence);
  }

  /** A flush for one subscriber that cannot resume, numbered in this stream so its id can be resumed from. */
  flushEvent(reason: string): StreamEvent {
    return this.#append("flush", JSON.stringify({ reason }), false);
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#subscribers.clear();
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = this.#readUntilQuiet().finally(() => {
      this.#reading = undefined;
    });
  }

  async #readUntilQuiet(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#read();
      } catch (error) {
        this.onError(error);
      }
    } while (this.#again && !this.#closed);
  }

  async #read(): Promise<void> {
    const rows = await auditActionsAfter(this.store.db, Math.max(this.#floor, this.#cursor - LOOKBACK_IDS), ACTIONS, READ_BATCH);
    const fresh = rows.filter((row) => !this.#sent.has(row.id));
    for (const row of fresh) this.#sent.add(row.id);
    this.#cursor = Math.max(this.#cursor, ...rows.map((row) => row.id));
    for (const id of this.#sent) if (id <= this.#cursor - LOOKBACK_IDS) this.#sent.delete(id);
    if (fresh.length === 0) return;
    if (rows.length >= READ_BATCH) {
      this.#append("flush", JSON.stringify({ reason: "many_changes" }), true);
      return;
    }
    const targets = await targetsOf(
      this.store.db,
      fresh.map((row) => row.id),
    );
    for (const row of fresh) {
      const type = EVENT_OF_ACTION[row.action];
      if (type === undefined) continue;
      const data = type === "flush" ? { reason: row.action } : { action: row.action, ids: targets.get(row.id) ?? [] };
      this.#append(type, JSON.stringify(data), true);
    }
  }

  #append(type: StreamEventType, data: string, broadcast: boolean): StreamEvent {
    this.#sequence += 1;
    const event: StreamEvent = { id: `${this.instance}.${this.#sequence}`, sequence: this.#sequence, type, data };
    if (!broadcast) return event;
    this.#retained.push(event);
    if (this.#retained.length > this.retained) this.#retained.shift();
    for (const subscriber of this.#subscribers) subscriber(event);
    return event;
  }
}
