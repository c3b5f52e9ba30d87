import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { encodeId } from "../../src/http/ids.js";
import { POSTGRES_URL, type StoreKind } from "../support/stores.js";

/**
 * The store-level half of the crash checks: after every restart, the rows and
 * the audit trail must tell one consistent story (no half-done rotation or
 * creation, one audit event per change). Read straight from the store, since a
 * half-done write is exactly what the API would not show.
 */

interface KeyRow {
  id: number;
  key_type: string;
  status: string;
  principal_user_id: number;
  rotated_at: number | null;
  rotated_from_id: number | null;
}

interface EventRow {
  id: number;
  action: string;
  details: string;
  target_id: string;
}

export interface StoreRows {
  keys: KeyRow[];
  events: EventRow[];
  bots: Array<{ id: number; memberships: number }>;
}

const KEYS = "select id, key_type, status, principal_user_id, rotated_at, rotated_from_id from api_keys";
const EVENTS =
  "select e.id, e.action, e.details, t.target_id from audit_events e join audit_event_targets t on t.event_id = e.id where e.action like 'api_key.%' or e.action = 'keyhouse.initialized'";
const BOTS = "select u.id, (select count(*) from memberships m where m.user_id = u.id) as memberships from users u where u.kind = 'bot'";

/** Reads the rows the checks need, through a connection of its own (the server keeps running). */
export async function readStore(store: StoreKind, target: string): Promise<StoreRows> {
  if (store === "sqlite") {
    // Read-write, as a restarted server would open it: recovering after a kill may need to write.
    const db = new BetterSqlite3(target, { fileMustExist: true });
    try {
      db.pragma("busy_timeout = 5000");
      return {
        keys: db.prepare(KEYS).all() as KeyRow[],
        events: db.prepare(EVENTS).all() as EventRow[],
        bots: db.prepare(BOTS).all() as StoreRows["bots"],
      };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`set search_path to ${target}`);
    const number = (rows: Record<string, unknown>[]) =>
      rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            typeof v === "string" && /^\d+$/.test(v) && k !== "target_id" && k !== "details" ? Number(v) : v,
          ]),
        ),
      );
    return {
      keys: number((await client.query(KEYS)).rows) as unknown as KeyRow[],
      events: number((await client.query(EVENTS)).rows) as unknown as EventRow[],
      bots: number((await client.query(BOTS)).rows) as unknown as StoreRows["bots"],
    };
  } finally {
    await client.end();
  }
}

/** Every inconsistency between rows and audit trail; empty when the store tells one story. */
export function inconsistencies(rows: StoreRows): string[] {
  const problems: string[] = [];
  const byId = new Map(rows.keys.map((k) => [k.id, k]));
  const births = new Map<string, number>();
  const deaths = new Map<string, number>();
  const rotations = new Map<string, number>();
  const count = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);
  for (const e of rows.events) {
    const details = JSON.parse(e.details) as { new_key_id?: string; replaced_key_id?: string; grace_period_seconds?: number };
    if (!Buffer.from(e.target_id, "base64").toString("latin1").startsWith("ApiKey:")) continue;
    if (e.action === "api_key.refreshed") {
      if (details.new_key_id === e.target_id) count(births, e.target_id);
      if (details.replaced_key_id === e.target_id) {
        count(rotations, e.target_id);
        if (details.grace_period_seconds === 0) count(deaths, e.target_id);
      }
    } else if (["keyhouse.initialized", "api_key.created", "api_key.issued"].includes(e.action)) {
      count(births, e.target_id);
    } else if (e.action === "api_key.deleted" || e.action === "api_key.deleted_by_user_removal") {
      count(deaths, e.target_id);
    }
  }
  for (const key of rows.keys) {
    const wire = encodeId("ApiKey", key.id);
    if (births.get(wire) !== 1) problems.push(`key ${key.id} has ${births.get(wire) ?? 0} creation events`);
    const died = deaths.get(wire) ?? 0;
    if (key.status === "deleted" ? died !== 1 : died !== 0) problems.push(`key ${key.id} (${key.status}) has ${died} deletion events`);
    const rotated = rotations.get(wire) ?? 0;
    if ((key.rotated_at === null ? 0 : 1) !== rotated)
      problems.push(`key ${key.id} rotated_at=${key.rotated_at} but ${rotated} rotation events`);
    // No rotation half done: a rotated key has exactly one successor, and a successor's predecessor is rotated.
    const successors = rows.keys.filter((k) => k.rotated_from_id === key.id).length;
    if ((key.rotated_at === null ? 0 : 1) !== successors)
      problems.push(`key ${key.id} rotated_at=${key.rotated_at} with ${successors} successors`);
    if (key.rotated_from_id !== null && (byId.get(key.rotated_from_id)?.rotated_at ?? null) === null)
      problems.push(`key ${key.id} succeeds key ${key.rotated_from_id}, which is not rotated`);
    if (key.key_type === "service" && !rows.bots.some((b) => b.id === key.principal_user_id && b.memberships === 2)) {
      problems.push(`service key ${key.id} has no bot user with its two memberships`);
    }
  }
  for (const wire of births.keys()) {
    const n = Number(Buffer.from(wire, "base64").toString("latin1").split(":")[1]);
    if (!byId.has(n)) problems.push(`audit trail names key ${n}, which is not in the store`);
  }
  // No creation half done: every bot user holds a key.
  for (const bot of rows.bots) if (!rows.keys.some((k) => k.principal_user_id === bot.id)) problems.push(`bot user ${bot.id} has no key`);
  return problems;
}
