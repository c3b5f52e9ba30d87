import type { LogEvent, RootOperationNode } from "kysely";
import type { StoreObserver } from "../http/observer.js";
import { preciseNow } from "./invalidation.js";
import { tableOf } from "./write-watch.js";

const OPERATIONS: Partial<Record<RootOperationNode["kind"], string>> = {
  SelectQueryNode: "select",
  InsertQueryNode: "insert",
  UpdateQueryNode: "update",
  DeleteQueryNode: "delete",
};

function tableOfStatement(node: RootOperationNode): string {
  switch (node.kind) {
    case "SelectQueryNode":
      return tableOf(node.from) ?? "none";
    case "InsertQueryNode":
      return tableOf(node.into) ?? "none";
    case "UpdateQueryNode":
      return tableOf(node.table) ?? "none";
    case "DeleteQueryNode":
      return tableOf(node.from) ?? "none";
    default:
      return "none";
  }
}

/** Kysely's `log` option reporting every statement to `observer` (src/http/telemetry.ts, docs/observability.md). */
export function queryLogger(observer: StoreObserver): (event: LogEvent) => void {
  return (event) => {
    const node = event.query.query;
    observer.query({
      operation: OPERATIONS[node.kind] ?? "raw",
      table: tableOfStatement(node),
      sql: event.query.sql,
      endedAt: preciseNow(),
      durationMs: event.queryDurationMillis,
      failed: event.level === "error",
    });
  };
}
