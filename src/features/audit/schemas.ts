import { Type, type Static, type TSchema } from "typebox";
import { CursorQuery, IdString, LimitQuery, PaginationSchema, StringEnum, Timestamp } from "../../http/schemas.js";

const AuditEventSchema = Type.Object(
  {
    id: IdString("Audit event id"),
    occurred_at: Timestamp("When the change was made"),
    action: Type.String({ description: "What happened, such as user.deleted (docs/audit.md lists every action)" }),
    actor_user_id: Type.Optional(IdString("The user (or a service key's bot user) who made the change; absent for keyhouse init")),
    actor_key_id: Type.Optional(IdString("The API key the actor authenticated with")),
    target_ids: Type.Array(Type.String(), {
      description: "Ids of what the event is about (keys, users, organizations, spaces, memberships)",
    }),
    client_address: Type.Optional(Type.String({ description: "The client address of the request" })),
    request_id: Type.Optional(Type.String({ description: "The request id (X-Request-Id) of the request" })),
    details: Type.Record(Type.String(), Type.Unknown(), { description: "What changed; never a raw key or its hash" }),
  },
  { $id: "AuditEvent", additionalProperties: false },
);

/** An audit event on the wire (SPEC §10). */
export type AuditEvent = Static<typeof AuditEventSchema>;

export const AUDIT_SCHEMAS: TSchema[] = [AuditEventSchema];

export const AuditListQuery = Type.Object(
  {
    action: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: "^[a-z_.]+$", description: "Exact action, such as api_key.created" }),
    ),
    actor_user_id: Type.Optional(IdString("Events made by this user (or bot user)")),
    target_id: Type.Optional(IdString("Events about this key, user, organization, space or membership")),
    since: Type.Optional(Timestamp("Events at or after this time (RFC 3339)")),
    until: Type.Optional(Timestamp("Events before this time (RFC 3339)")),
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
  },
  { additionalProperties: false },
);
export type AuditListQuery = Static<typeof AuditListQuery>;

export const AuditListResponse = Type.Object(
  { audit_events: Type.Array(Type.Ref("AuditEvent")), pagination: PaginationSchema },
  { additionalProperties: false },
);

const AuditLogSchema = Type.Object(
  {
    id: IdString("Audit event id (the same as in /v2/audit-events)"),
    user_id: IdString("The user (or a service key's bot user) who made the change"),
    ip: Type.String({ description: "The client address of the request (empty when the change was made offline by the CLI)" }),
    operation_type: StringEnum(["QUERY", "MUTATION", "SUBSCRIPTION"], {
      description: "MUTATION: keyhouse's audit trail records changes only",
    }),
    operation_name: Type.Optional(Type.String({ description: "The Arize REST operation that made the change, such as create_api_key" })),
    operation_text: Type.Optional(Type.String({ description: "keyhouse's action, such as api_key.created (docs/audit.md)" })),
    variables: Type.Optional(
      Type.String({ description: "JSON: the event's targets and details; never a raw key, its hash or a claim token" }),
    ),
    created_at: Timestamp("When the change was made"),
  },
  { additionalProperties: false },
);

/** An audit event in Arize's shape (`AuditLog`, GET /v2/audit-logs). */
export type AuditLog = Static<typeof AuditLogSchema>;

export const AuditLogsQuery = Type.Object(
  {
    start_time: Type.Optional(Timestamp("Entries at or after this time (RFC 3339)")),
    end_time: Type.Optional(Timestamp("Entries before this time (RFC 3339)")),
    user_id: Type.Optional(IdString("Entries made by this user (or bot user)")),
    operation_type: Type.Optional(StringEnum(["QUERY", "MUTATION", "SUBSCRIPTION"])),
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
  },
  { additionalProperties: false },
);
export type AuditLogsQuery = Static<typeof AuditLogsQuery>;

export const AuditLogsResponse = Type.Object(
  { logs: Type.Array(AuditLogSchema), pagination: PaginationSchema },
  { additionalProperties: false },
);
