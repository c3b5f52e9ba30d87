import type { Command } from "commander";
import { clientAction } from "./command.js";
import { runList, pagingOptions, type PagingOptions } from "./listing.js";
import { namedColumns, namedDetails, registerNamedResourceCommands, type NamedResource } from "./named-resource.js";
import { printResource } from "./resource.js";
import { resolveOrganization } from "./resolve.js";

/** `keyhouse organizations ...` (alias `orgs`, SPEC §7). */
export function registerOrganizationCommands(program: Command): void {
  const orgs = program.command("organizations").alias("orgs").description("list and manage organizations and their members");

  pagingOptions(
    orgs
      .command("list")
      .description("list the organizations you can see")
      .option("--name <text>", "only organizations whose name contains this (case-insensitive)"),
  ).action(
    clientAction<PagingOptions & { name?: string }>(async (ctx, _args, options) => {
      const spec = {
        path: "/v2/organizations",
        listKey: "organizations",
        noun: "organizations",
        id: (o: NamedResource) => o.id,
        columns: namedColumns,
      };
      await runList(ctx, spec, { name: options.name }, options);
    }),
  );

  orgs
    .command("create")
    .description("create an organization (account admins)")
    .requiredOption("--name <name>", "its name, unique in the account")
    .option("--description <text>", "what it is for")
    .action(
      clientAction<{ name: string; description?: string }>(async (ctx, _args, options) => {
        const created = await ctx.client.post<NamedResource>("/v2/organizations", { name: options.name, description: options.description });
        printResource(ctx, created, (item) => namedDetails(ctx, item));
      }),
    );

  registerNamedResourceCommands(orgs, {
    noun: "organization",
    base: "/v2/organizations",
    resolve: resolveOrganization,
    consequence: "Its memberships are removed.",
  });
}
