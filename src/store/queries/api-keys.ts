import { sql, type Insertable, type RawBuilder, type Selectable, type SqlBool } from "kysely";
import type { Position } from "../page.js";
import { API_KEY_COLUMNS, type ApiKeysTable, type KeyType, type UsersTable } from "../schema.js";
import type { Db, Tx } from "../store.js";
import { preparedSelect } from "./prepared.js";

export type ApiKeyRow = Selectable<ApiKeysTable>;

/** A key row as inserted: state columns (status, deletion, use, rotation) start unset. */
export type NewApiKey = Omit<Insertable<ApiKeysTable>, "id" | "status" | "deleted_at" | "last_used_at" | "rotated_at">;

/** Columns returned to the domain: everything but the hash. */
const KEY_COLUMNS = API_KEY_COLUMNS;

export type ApiKeyRecord = Omit<ApiKeyRow, "key_hash">;

export async function insertApiKey(db: Db, key: NewApiKey): Promise<ApiKeyRecord> {
  return db
    .insertInto("api_keys")
    .values({ ...key, status: "active" })
    .returning(KEY_COLUMNS)
    .executeTakeFirstOrThrow();
}

const selectApiKey = preparedSelect([-1] as [number], (db, id) => db.selectFrom("api_keys").select(KEY_COLUMNS).where("id", "=", id));

export async function findApiKey(db: Db, id: number): Promise<ApiKeyRecord | undefined> {
  const [row] = await selectApiKey(db, id);
  return row;
}

export interface AuthRecord {
  key: ApiKeyRecord & { key_hash: Buffer };
  user: Selectable<UsersTable>;
}

const selectKeyByHash = preparedSelect([Buffer.alloc(0)] as [Buffer], (db, hash) =>
  db
    .selectFrom("api_keys as k")
    .innerJoin("users as u", "u.id", "k.principal_user_id")
    .select([...KEY_COLUMNS.map((c) => `k.${c}` as const), "k.key_hash"])
    .select([
      "u.id as u_id",
      "u.account_id as u_account_id",
      "u.kind as u_kind",
      "u.name as u_name",
      "u.email as u_email",
      "u.email_key as u_email_key",
      "u.role as u_role",
      "u.is_developer as u_is_developer",
      "u.status as u_status",
      "u.created_at as u_created_at",
      "u.updated_at as u_updated_at",
      "u.invite_expires_at as u_invite_expires_at",
    ])
    .where("k.key_hash", "=", hash),
);

/** The key with this hash and the user it acts as, whatever their state. */
export async function findKeyByHash(db: Db, hash: Buffer): Promise<AuthRecord | undefined> {
  const [row] = await selectKeyByHash(db, hash);
  if (!row) return undefined;
  const {
    u_id,
    u_account_id,
    u_kind,
    u_name,
    u_email,
    u_email_key,
    u_role,
    u_is_developer,
    u_status,
    u_created_at,
    u_updated_at,
    u_invite_expires_at,
    ...key
  } = row;
  return {
    key,
    user: {
      id: u_id,
      account_id: u_account_id,
      kind: u_kind,
      name: u_name,
      email: u_email,
      email_key: u_email_key,
      role: u_role,
      is_developer: u_is_developer,
      status: u_status,
      created_at: u_created_at,
      updated_at: u_updated_at,
      invite_expires_at: u_invite_expires_at,
    },
  };
}

export type StatusFilter = "active" | "deleted" | "expired";

export interface KeyListQuery {
  keyType: KeyType;
  status: StatusFilter;
  /** Restrict to these spaces (service keys); undefined means no restriction. */
  spaceIds?: number[];
  createdByUserId?: number;
  /** A substring of the name (extension `name_contains`); ASCII letters match either case. */
  nameContains?: string;
  after?: Position;
  limit: number;
  now: number;
}

/** The columns of the wire form (SPEC §6): all a list page returns. */
const VIEW_COLUMNS = [
  "id",
  "key_type",
  "name",
  "description",
  "redacted_key",
  "created_by_user_id",
  "space_id",
  "status",
  "created_at",
  "expires_at",
  "last_used_at",
] as const;

export type ApiKeyViewRow = Pick<ApiKeyRecord, (typeof VIEW_COLUMNS)[number]>;

/** A list query with `fetch` rows, the form its builder takes (every value may be a slot of preparedSelect). */
interface ListParams {
  keyType: string;
  status: StatusFilter;
  spaceIds: number[] | undefined;
  createdByUserId: number | undefined;
  /** A LIKE pattern, already lower-cased and escaped. */
  namePattern: string | undefined;
  now: number;
  after: Position | undefined;
  fetch: number;
}

/**
 * The LIKE pattern of a name substring: ASCII letters lower-cased, LIKE's
 * wildcards escaped (`50%_off` matches itself only).
 */
function namePatternOf(needle: string): string {
  return `%${needle.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The name with its ASCII letters lower-cased, the same on both stores:
 * SQLite's lower() folds ASCII only, PostgreSQL's every letter, so neither is
 * used; 26 replace() calls fold exactly A–Z everywhere. The keys have no
 * lower-cased name column (organizations and spaces do): this filter reads
 * the rows its other filters select.
 */
function asciiFoldedName(): RawBuilder<string> {
  let folded: RawBuilder<string> = sql<string>`${sql.ref("name")}`;
  for (let code = 65; code <= 90; code++) {
    const upper = String.fromCharCode(code);
    folded = sql<string>`replace(${folded}, ${sql.lit(upper)}, ${sql.lit(upper.toLowerCase())})`;
  }
  return folded;
}

/** The filters of a list (SPEC §6), without order or page: shared by the page and the count. */
function filtered(db: Db, p: Omit<ListParams, "after" | "fetch">) {
  let query = db.selectFrom("api_keys").where("key_type", "=", p.keyType as KeyType);
  const spaceIds = p.spaceIds;
  if (spaceIds !== undefined) {
    const [only] = spaceIds;
    // A service key is in its own space, and in every other space its bot user
    // was granted (a 2026-07 key over several spaces, SPEC §11).
    query = query.where((eb) =>
      eb.or([
        spaceIds.length === 1 && only !== undefined ? eb("space_id", "=", only) : eb("space_id", "in", spaceIds),
        eb(
          "principal_user_id",
          "in",
          eb
            .selectFrom("memberships")
            .select("memberships.user_id")
            .where("memberships.scope", "=", "space")
            .where("memberships.scope_id", "in", spaceIds),
        ),
      ]),
    );
  }
  if (p.createdByUserId !== undefined) query = query.where("created_by_user_id", "=", p.createdByUserId);
  const pattern = p.namePattern;
  if (pattern !== undefined) query = query.where(sql<SqlBool>`${asciiFoldedName()} like ${pattern} escape ${sql.lit("\\")}`);
  if (p.status === "deleted") {
    query = query.where("status", "=", "deleted");
  } else if (p.status === "expired") {
    query = query.where("status", "=", "active").where("expires_at", "<=", p.now);
  } else {
    query = query.where("status", "=", "active").where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", p.now)]));
  }
  return query;
}

function buildList(db: Db, p: ListParams) {
  let query = filtered(db, p).select(VIEW_COLUMNS);
  const after = p.after;
  if (after) {
    // A row-value comparison, not `created_at < ? or (created_at = ? and id < ?)`:
    // both stores turn it into one range of the index, so a page at depth 500,000
    // costs what the first does. With the OR form SQLite merged two index scans
    // and sorted everything older than the cursor, once per page.
    query = query.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(after.createdAt, after.id)));
  }
  return query.orderBy("created_at", "desc").orderBy("id", "desc").limit(p.fetch);
}

type ListRunner = (db: Db, ...args: Array<string | number>) => Promise<ApiKeyViewRow[]>;

/** Compiled list queries by shape (which filters are set); bounded, since `in` lists make shapes. */
const listShapes = new Map<string, ListRunner>();
const MAX_LIST_SHAPES = 256;

/**
 * A list query's parameters, each bindable value passed through `bind` in one
 * fixed order: with the real values it collects the arguments of a run, with
 * slot values it gives the parameters the compiled form is built on.
 */
function listParams(q: KeyListQuery, bind: <T extends string | number>(value: T) => T): ListParams {
  return {
    keyType: bind(q.keyType),
    status: q.status,
    spaceIds: q.spaceIds?.map((id) => bind(id)),
    createdByUserId: q.createdByUserId === undefined ? undefined : bind(q.createdByUserId),
    namePattern: q.nameContains === undefined ? undefined : bind(namePatternOf(q.nameContains)),
    now: q.status === "deleted" ? 0 : bind(q.now),
    after: q.after ? { createdAt: bind(q.after.createdAt), id: bind(q.after.id) } : undefined,
    fetch: bind(q.limit + 1),
  };
}

/** The compiled form of a shape: its builder runs once, on a distinct slot value per argument. */
function prepareList(q: KeyListQuery): ListRunner {
  const slots: Array<string | number> = [];
  const params = listParams(q, (value) => {
    const slot = typeof value === "string" ? `\u0000slot${slots.length}` : -1 - slots.length;
    slots.push(slot);
    return slot as typeof value;
  });
  return preparedSelect<Array<string | number>, ApiKeyViewRow>(slots, (db) => buildList(db, params));
}

/**
 * One page (limit + 1 rows, to tell whether more follow), newest first. Each
 * shape of query is built and compiled once (Kysely's builders cost more than
 * SQLite's read of a short page, docs/benchmarks.md).
 */
export async function listApiKeys(db: Db, q: KeyListQuery): Promise<ApiKeyViewRow[]> {
  if (q.spaceIds !== undefined && q.spaceIds.length === 0) return [];
  const args: Array<string | number> = [];
  listParams(q, (value) => {
    args.push(value);
    return value;
  });
  const shape = `${q.status}|${q.spaceIds?.length ?? "-"}|${q.createdByUserId !== undefined}|${q.nameContains !== undefined}|${q.after !== undefined}`;
  let run = listShapes.get(shape);
  if (run === undefined) {
    run = prepareList(q);
    if (listShapes.size < MAX_LIST_SHAPES) listShapes.set(shape, run);
  }
  return run(db, ...args);
}

/**
 * How many keys match a list's filters (all pages): the extension count the
 * console asks for with `keyhouse-count: exact`. Reads every matching row's
 * index entry, so it costs what the list's size does, unlike a page.
 */
export async function countApiKeys(db: Db, q: Omit<KeyListQuery, "after" | "limit">): Promise<number> {
  if (q.spaceIds !== undefined && q.spaceIds.length === 0) return 0;
  const params = listParams({ ...q, limit: 0 }, (value) => value);
  const row = await filtered(db, params)
    .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Soft-deletes an active key. Returns whether this call changed it: the guard in
 * the WHERE clause makes concurrent deletes and refreshes agree on one winner.
 */
export async function markKeyDeleted(db: Db, id: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable("api_keys")
    .set({ status: "deleted", deleted_at: now })
    .where("id", "=", id)
    .where("status", "=", "active")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Claims a key for rotation: only an active, unexpired key that was never rotated
 * can be claimed, and only once. With `graceEndsAt` null the key is deleted now;
 * otherwise it keeps working until then.
 */
export async function claimKeyForRotation(db: Db, id: number, now: number, graceEndsAt: number | null): Promise<boolean> {
  const result = await db
    .updateTable("api_keys")
    .set(graceEndsAt === null ? { status: "deleted", deleted_at: now, rotated_at: now } : { expires_at: graceEndsAt, rotated_at: now })
    .where("id", "=", id)
    .where("status", "=", "active")
    .where("rotated_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes every active key that acts as this user; returns their ids. */
export async function deleteKeysOfPrincipal(db: Db, userId: number, now: number): Promise<number[]> {
  const rows = await db
    .updateTable("api_keys")
    .set({ status: "deleted", deleted_at: now })
    .where("principal_user_id", "=", userId)
    .where("status", "=", "active")
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Reads a key's state inside a transaction so that it holds at commit without
 * writing the row: the read is locked for share (TxLocks), so a concurrent
 * delete or rotation waits for this transaction, or this read sees it.
 */
export async function readKeyStateLocked(tx: Tx, id: number): Promise<Pick<ApiKeyRow, "status" | "expires_at"> | undefined> {
  return tx.lockForShare(tx.selectFrom("api_keys").select(["status", "expires_at"]).where("id", "=", id)).executeTakeFirst();
}

/** Keys per statement when writing last-used times: far below every store's parameter limit. */
const TOUCH_CHUNK = 500;

/**
 * Writes batched last-used times, to the second (the field is approximate,
 * SPEC §6); never moves a time backwards. Keys used in the same second share
 * one `UPDATE ... WHERE id IN (...)` of up to 500 keys: a batch spans a few
 * seconds, so a flush is a few indexed statements whatever its size. (One
 * statement per key cost an fsync each on SQLite; one `CASE id WHEN ...` per
 * 500 keys compared every row with every branch, 8-19 ms per 1,000 keys with
 * the event loop blocked.)
 */
export async function touchLastUsed(db: Db, entries: ReadonlyMap<number, number>): Promise<void> {
  const bySecond = new Map<number, number[]>();
  for (const [id, at] of entries) {
    const second = at - (at % 1000);
    const ids = bySecond.get(second);
    if (ids === undefined) bySecond.set(second, [id]);
    else ids.push(id);
  }
  for (const [at, ids] of bySecond) {
    for (let i = 0; i < ids.length; i += TOUCH_CHUNK) {
      await db
        .updateTable("api_keys")
        .set({ last_used_at: at })
        .where("id", "in", ids.slice(i, i + TOUCH_CHUNK))
        .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", at)]))
        .execute();
    }
  }
}
