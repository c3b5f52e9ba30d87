import type { Command } from "commander";
import type { Query } from "./client.js";
import type { Context } from "./command.js";
import { printJson, renderTable, type Column } from "./output.js";
import { parseLimit } from "./parse.js";
import { Progress } from "./progress.js";
import { walkAll } from "./resolve.js";

/** What a list command prints and where it reads from. */
export interface ListSpec<T> {
  path: string;
  /** The array's key in the response body (`api_keys`, `spaces`, ...). */
  listKey: string;
  /** Plural, for messages: "API keys". */
  noun: string;
  columns: (ctx: Context) => Column<T>[];
  id: (item: T) => string;
}

export interface PagingOptions {
  limit?: number;
  cursor?: string;
  all?: boolean;
}

/** Adds --limit, --cursor and --all to a list command. */
export function pagingOptions(command: Command): Command {
  return command
    .option("--limit <n>", "items per page, 1 to 100 (server default 50)", parseLimit)
    .option("--cursor <cursor>", "continue from the cursor a previous page printed")
    .option("--all", "follow every page to the end (pages of --limit, default 100)");
}

/**
 * Runs a list: one page (and a hint on stderr when more follow), or with --all
 * every page, with a progress line on a terminal. JSON keeps the server's
 * shape, so `jq .api_keys` works either way.
 */
export async function runList<T>(ctx: Context, spec: ListSpec<T>, query: Query, paging: PagingOptions): Promise<void> {
  const { output } = ctx;
  let items: T[];
  let nextCursor: string | undefined;
  if (paging.all) {
    const progress = new Progress(`Fetching ${spec.noun}`, process.stderr.isTTY === true && !output.quiet);
    try {
      items = await walkAll<T>(ctx.client, spec.path, spec.listKey, { ...query, limit: paging.limit, cursor: paging.cursor }, (n) =>
        progress.update(n),
      );
    } finally {
      progress.stop();
    }
  } else {
    const page = await ctx.client.page<T>(spec.path, spec.listKey, { ...query, limit: paging.limit, cursor: paging.cursor });
    items = page.items;
    nextCursor = page.nextCursor;
  }
  if (output.format === "json") {
    printJson(output, {
      [spec.listKey]: items,
      pagination: nextCursor === undefined ? { has_more: false } : { has_more: true, next_cursor: nextCursor },
    });
    return;
  }
  if (output.quiet) {
    if (items.length > 0) output.out(items.map(spec.id).join("\n"));
  } else if (items.length === 0) {
    output.err(`No ${spec.noun}.`);
  } else {
    output.out(renderTable(output, spec.columns(ctx), items));
  }
  if (nextCursor !== undefined && !output.quiet) {
    output.err(`More ${spec.noun} follow: add --cursor ${nextCursor} for the next page, or --all for every page.`);
  }
}
