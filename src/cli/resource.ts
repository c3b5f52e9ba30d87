import type { Command } from "commander";
import type { ApiClient } from "./client.js";
import { clientAction, type Context } from "./command.js";
import { UsageError } from "./failure.js";
import { printJson, renderDetails } from "./output.js";
import { oneLine } from "./text.js";

/** Prints one resource: JSON as the server sent it, its id with --quiet, else label/value lines. */
export function printResource<T extends { id: string }>(ctx: Context, item: T, details: (item: T) => [string, string][]): void {
  if (ctx.output.format === "json") printJson(ctx.output, item);
  else if (ctx.output.quiet) ctx.output.out(item.id);
  else ctx.output.out(renderDetails(details(item)));
}

/** Prints what a command did: a sentence, the id with --quiet, or a small JSON object. */
export function printDone(ctx: Context, sentence: string, id: string, json: Record<string, unknown>): void {
  if (ctx.output.format === "json") printJson(ctx.output, json);
  else if (ctx.output.quiet) ctx.output.out(oneLine(id));
  else ctx.output.out(sentence);
}

/** A resource path with a user-given id, safely encoded. */
export function resourcePath(base: string, id: string, ...rest: string[]): string {
  return [base, encodeURIComponent(id), ...rest.map(encodeURIComponent)].join("/");
}

/**
 * Registers `<group> delete <ref> [--yes]`: resolves the reference, asks on a
 * terminal (naming the thing, read with one GET, only when asking), deletes,
 * and says so.
 */
export function registerDeleteCommand<T>(
  group: Command,
  spec: {
    noun: string;
    description: string;
    argument: [string, string];
    base: string;
    resolve?: (client: ApiClient, reference: string) => Promise<string>;
    question: (item: T) => string;
  },
): void {
  group
    .command("delete")
    .description(`${spec.description} (asks first unless --yes)`)
    .argument(...spec.argument)
    .option("-y, --yes", "do not ask for confirmation")
    .action(
      clientAction<{ yes?: boolean }>(async (ctx, [reference = ""], options) => {
        const id = spec.resolve ? await spec.resolve(ctx.client, reference) : reference;
        const path = resourcePath(spec.base, id);
        await ctx.confirm(options.yes, async () => spec.question(await ctx.client.get<T>(path)));
        await ctx.client.delete(path);
        printDone(ctx, `Deleted ${spec.noun} ${oneLine(id)}.`, id, { id, deleted: true });
      }),
    );
}

/** The body of a PATCH: only the fields given; at least one is needed. */
export function patchBody(fields: Record<string, unknown>, flags: string): Record<string, unknown> {
  const body = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  if (Object.keys(body).length === 0) throw new UsageError(`nothing to change: give ${flags}`);
  return body;
}
