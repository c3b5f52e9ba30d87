import type { Kysely } from "kysely";
import { types, withId, type DialectName, type Migration } from "./types.js";

export const audit: Migration = {
  name: "0003-audit",
  async up(db: Kysely<unknown>, dialect: DialectName) {
    const { bigint } = types(dialect);
    await withId(db.schema.createTable("audit_events"), dialect)
      .addColumn("occurred_at", bigint, (col) => col.notNull())
      .addColumn("action", "text", (col) => col.notNull())
      .addColumn("actor_user_id", bigint)
      .addColumn("actor_key_id", bigint)
      .addColumn("client_address", "text")
      .addColumn("request_id", "text")
      .addColumn("details", "text", (col) => col.notNull())
      .execute();
    await db.schema.createIndex("audit_events_by_time").on("audit_events").columns(["occurred_at", "id"]).execute();
    await db.schema.createIndex("audit_events_by_action").on("audit_events").columns(["action", "occurred_at", "id"]).execute();
    await db.schema.createIndex("audit_events_by_actor").on("audit_events").columns(["actor_user_id", "occurred_at", "id"]).execute();
    await db.schema
      .createTable("audit_event_targets")
      .addColumn("event_id", bigint, (col) => col.notNull().references("audit_events.id"))
      .addColumn("target_id", "text", (col) => col.notNull())
      .addPrimaryKeyConstraint("audit_event_targets_pk", ["event_id", "target_id"])
      .execute();
    await db.schema.createIndex("audit_event_targets_by_target").on("audit_event_targets").columns(["target_id", "event_id"]).execute();
  },
};
