import type { Context } from "./command.js";
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
 * Deletes after confirmation (`describe` names the thing in the question, and
 * runs only when asking), then says so.
 */
export async function deleteResource(
  ctx: Context,
  spec: { path: string; id: string; noun: string; yes: boolean | undefined; describe: () => Promise<string> },
): Promise<void> {
  await ctx.confirm(spec.yes, spec.describe);
  await ctx.client.delete(spec.path);
  printDone(ctx, `Deleted ${spec.noun} ${oneLine(spec.id)}.`, spec.id, { id: spec.id, deleted: true });
}

/** The body of a PATCH: only the fields given; at least one is needed. */
export function patchBody(fields: Record<string, unknown>, flags: string): Record<string, unknown> {
  const body = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  if (Object.keys(body).length === 0) throw new UsageError(`nothing to change: give ${flags}`);
  return body;
}
