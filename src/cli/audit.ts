import type { Command } from "commander";
import type { AuditEvent as AuditEventView } from "../features/audit/index.js";
import { clientAction, type Context } from "./command.js";
import { runList, pagingOptions, type PagingOptions } from "./listing.js";
import { cell, whenCell, type Column } from "./output.js";
import { parsePastTime } from "./parse.js";
import { resolveUser } from "./resolve.js";

/** An audit event as the server returns it (SPEC §10). */
type AuditEvent = AuditEventView;

function auditColumns(ctx: Context): Column<AuditEvent>[] {
  return [
    { header: "time", value: (e) => whenCell(ctx.output, e.occurred_at) },
    { header: "action", value: (e) => cell(e.action) },
    { header: "actor", value: (e) => cell(e.actor_user_id) },
    { header: "key", value: (e) => cell(e.actor_key_id) },
    { header: "address", value: (e) => cell(e.client_address) },
    { header: "targets", value: (e) => cell(e.target_ids.join(" ")), max: 80 },
  ];
}

interface AuditOptions extends PagingOptions {
  action?: string;
  actor?: string;
  target?: string;
  since?: string;
  until?: string;
}

/** `keyhouse audit list` (SPEC §10, account admins). */
export function registerAuditCommands(program: Command): void {
  const audit = program.command("audit").description("read the audit trail (account admins)");
  pagingOptions(
    audit
      .command("list")
      .description("list audit events, newest first (--output json shows each event's details)")
      .option("--action <action>", "only this action, such as api_key.created")
      .option("--actor <user>", "only changes made by this user (id or email) or bot user (id)")
      .option("--target <id>", "only events about this key, user, organization, space or membership")
      .option("--since <when>", "events at or after: RFC 3339 time, date, or duration ago (24h)", (text) => parsePastTime(text))
      .option("--until <when>", "events before: RFC 3339 time, date, or duration ago", (text) => parsePastTime(text)),
  ).action(
    clientAction<AuditOptions>(async (ctx, _args, options) => {
      const query = {
        action: options.action,
        actor_user_id: options.actor === undefined ? undefined : await resolveUser(ctx.client, options.actor),
        target_id: options.target,
        since: options.since,
        until: options.until,
      };
      const spec = {
        path: "/v2/audit-events",
        listKey: "audit_events",
        noun: "audit events",
        id: (e: AuditEvent) => e.id,
        columns: auditColumns,
      };
      await runList(ctx, spec, query, options);
    }),
  );
}
