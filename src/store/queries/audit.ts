import type { Position } from "../page.js";
import type { Selectable } from "kysely";
import type { AuditEventsTable } from "../schema.js";
import type { Db } from "../store.js";
import { after } from "./keyset.js";

export interface NewAuditEvent {
  occurredAt: number;
  action: string;
  actorUserId: number | null;
  actorKeyId: number | null;
  clientAddress: string | null;
  requestId: string | null;
  /** Wire ids of what the event is about. */
  targetIds: string[];
  details: Record<string, unknown>;
}

/** Appends one audit event; call it inside the transaction of the change it records. */
export async function appendAuditEvent(db: Db, event: NewAuditEvent): Promise<number> {
  const row = await db
    .insertInto("audit_events")
    .values({
      occurred_at: event.occurredAt,
      action: event.action,
      actor_user_id: event.actorUserId,
      actor_key_id: event.actorKeyId,
      client_address: event.clientAddress,
      request_id: event.requestId,
      details: JSON.stringify(event.details),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const targets = [...new Set(event.targetIds)];
  if (targets.length > 0) {
    await db
      .insertInto("audit_event_targets")
      .values(targets.map((target_id) => ({ event_id: row.id, target_id })))
      .execute();
  }
  return row.id;
}

export type AuditEventRecord = Selectable<AuditEventsTable>;

export interface AuditListQuery {
  action?: string;
  actorUserId?: number;
  targetId?: string;
  /** Inclusive lower bound on occurred_at (ms). */
  since?: number;
  /** Exclusive upper bound on occurred_at (ms). */
  until?: number;
  /** Only events made by a user (leaves out keyhouse init's, which have no actor). */
  withActor?: boolean;
  after?: Position;
  limit: number;
}

/** One page (limit + 1 rows) of audit events, newest first: (occurred_at desc, id desc). */
export async function listAuditEvents(db: Db, q: AuditListQuery): Promise<AuditEventRecord[]> {
  let query = db.selectFrom("audit_events").selectAll();
  if (q.action !== undefined) query = query.where("action", "=", q.action);
  if (q.actorUserId !== undefined) query = query.where("actor_user_id", "=", q.actorUserId);
  if (q.withActor === true) query = query.where("actor_user_id", "is not", null);
  const targetId = q.targetId;
  if (targetId !== undefined) {
    query = query.where("id", "in", (eb) =>
      eb.selectFrom("audit_event_targets").select("audit_event_targets.event_id").where("audit_event_targets.target_id", "=", targetId),
    );
  }
  if (q.since !== undefined) query = query.where("occurred_at", ">=", q.since);
  if (q.until !== undefined) query = query.where("occurred_at", "<", q.until);
  if (q.after) query = query.where(after(q.after, "occurred_at"));
  return query
    .orderBy("occurred_at", "desc")
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
}

/** The target ids of each of these events, sorted. */
export async function targetsOf(db: Db, eventIds: number[]): Promise<Map<number, string[]>> {
  const targets = new Map<number, string[]>(eventIds.map((id) => [id, []]));
  if (eventIds.length === 0) return targets;
  const rows = await db
    .selectFrom("audit_event_targets")
    .select(["event_id", "target_id"])
    .where("event_id", "in", eventIds)
    .orderBy("event_id")
    .orderBy("target_id")
    .execute();
  for (const row of rows) targets.get(row.event_id)?.push(row.target_id);
  return targets;
}

/** The id of the newest audit event (0 when there is none): where the invalidation stream starts reading. */
export async function lastAuditEventId(db: Db): Promise<number> {
  const row = await db
    .selectFrom("audit_events")
    .select((eb) => eb.fn.max("id").as("id"))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Up to `limit` audit events of these actions with ids above `afterId`, oldest first (the invalidation stream, docs/verify.md). */
export async function auditActionsAfter(
  db: Db,
  afterId: number,
  actions: readonly string[],
  limit: number,
): Promise<Array<{ id: number; action: string }>> {
  return db
    .selectFrom("audit_events")
    .select(["id", "action"])
    .where("id", ">", afterId)
    .where("action", "in", [...actions])
    .orderBy("id")
    .limit(limit)
    .execute();
}
