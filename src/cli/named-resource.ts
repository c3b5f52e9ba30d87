import type { Command } from "commander";
import type { Organization } from "../features/identity/index.js";
import type { ApiClient } from "./client.js";
import { clientAction, type Context } from "./command.js";
import { registerMemberCommands, type MemberScope } from "./members.js";
import { cell, whenCell, whenDetail, type Column } from "./output.js";
import { patchBody, printResource, registerDeleteCommand, resourcePath } from "./resource.js";
import { oneLine } from "./text.js";

/** An organization or a space as the server returns it (SPEC §7): the two have the same members. */
export type NamedResource = Organization;

/** Label/value lines of an organization or space; a space also names its organization, when known. */
export function namedDetails(ctx: Context, item: NamedResource, organization?: string): [string, string][] {
  const pairs: [string, string][] = [
    ["ID", cell(item.id)],
    ["Name", cell(item.name)],
    ["Description", cell(item.description)],
  ];
  if (organization !== undefined) pairs.push(["Organization", cell(organization)]);
  pairs.push(["Created", whenDetail(ctx.output, item.created_at)]);
  return pairs;
}

/** Prints an organization or space; for a space, its organization is looked up only when the output shows it. */
async function printNamed(
  ctx: Context,
  item: NamedResource,
  organizationOf?: (client: ApiClient, item: NamedResource) => Promise<string | undefined>,
): Promise<void> {
  const shown = organizationOf !== undefined && ctx.output.format !== "json" && !ctx.output.quiet;
  const organization = shown ? await organizationOf(ctx.client, item) : undefined;
  printResource(ctx, item, (it) => namedDetails(ctx, it, organization));
}

/** The list columns of an organization or space. */
export function namedColumns(ctx: Context, extra: Column<NamedResource>[] = []): Column<NamedResource>[] {
  return [
    { header: "id", value: (item) => cell(item.id) },
    { header: "name", value: (item) => cell(item.name), max: 40 },
    ...extra,
    { header: "description", value: (item) => cell(item.description), max: 50 },
    { header: "created", value: (item) => whenCell(ctx.output, item.created_at) },
  ];
}

/**
 * `get`, `update`, `delete` and the member commands, shared by organizations
 * and spaces: both are named, described, and have members.
 */
export function registerNamedResourceCommands(
  group: Command,
  scope: MemberScope & {
    consequence: string;
    /** A space's organization (its name), which the space object itself does not carry. */
    organizationOf?: (client: ApiClient, item: NamedResource) => Promise<string | undefined>;
  },
): void {
  group
    .command("get")
    .description(`show one ${scope.noun}`)
    .argument(`<${scope.noun}>`, "name or id")
    .action(
      clientAction(async (ctx, [reference = ""]) => {
        const id = await scope.resolve(ctx.client, reference);
        await printNamed(ctx, await ctx.client.get<NamedResource>(resourcePath(scope.base, id)), scope.organizationOf);
      }),
    );

  group
    .command("update")
    .description(`rename or describe a ${scope.noun}`)
    .argument(`<${scope.noun}>`, "name or id")
    .option("--name <name>", "the new name")
    .option("--description <text>", "the new description")
    .action(
      clientAction<{ name?: string; description?: string }>(async (ctx, [reference = ""], options) => {
        const body = patchBody({ name: options.name, description: options.description }, "--name or --description");
        const id = await scope.resolve(ctx.client, reference);
        await printNamed(ctx, await ctx.client.patch<NamedResource>(resourcePath(scope.base, id), body), scope.organizationOf);
      }),
    );

  registerDeleteCommand<NamedResource>(group, {
    noun: scope.noun,
    description: `delete a ${scope.noun}`,
    argument: [`<${scope.noun}>`, "name or id"],
    base: scope.base,
    resolve: scope.resolve,
    question: (item) => `Delete ${scope.noun} "${oneLine(item.name)}"? ${scope.consequence}`,
  });

  registerMemberCommands(group, scope);
}
