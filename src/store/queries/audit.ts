import type { Db } from "../store.js";

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
