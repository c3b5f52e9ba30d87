import type { Command } from "commander";
import { clientAction } from "./command.js";
import { runList, pagingOptions, type PagingOptions } from "./listing.js";
import { namedColumns, namedDetails, registerNamedResourceCommands, type NamedResource } from "./named-resource.js";
import { cell } from "./output.js";
import { printResource } from "./resource.js";
import { resolveOrganization, resolveSpace } from "./resolve.js";

interface ListOptions extends PagingOptions {
  org?: string;
  name?: string;
}

/** `keyhouse spaces ...` (SPEC §7). */
export function registerSpaceCommands(program: Command): void {
  const spaces = program.command("spaces").description("list and manage spaces and their members");

  pagingOptions(
    spaces
      .command("list")
      .description("list the spaces you can see")
      .option("--org <organization>", "only spaces of this organization (name or id)")
      .option("--name <text>", "only spaces whose name contains this (case-insensitive)"),
  ).action(
    clientAction<ListOptions>(async (ctx, _args, options) => {
      const query = {
        org_id: options.org === undefined ? undefined : await resolveOrganization(ctx.client, options.org),
        name: options.name,
      };
      const columns = () => namedColumns(ctx, [{ header: "organization", value: (s: NamedResource) => cell(s.organization_id) }]);
      await runList(
        ctx,
        { path: "/v2/spaces", listKey: "spaces", noun: "spaces", id: (s: NamedResource) => s.id, columns },
        query,
        options,
      );
    }),
  );

  spaces
    .command("create")
    .description("create a space in an organization (its admins)")
    .requiredOption("--name <name>", "its name, unique in the organization")
    .requiredOption("--org <organization>", "the organization (name or id)")
    .option("--description <text>", "what it is for")
    .action(
      clientAction<{ name: string; org: string; description?: string }>(async (ctx, _args, options) => {
        const created = await ctx.client.post<NamedResource>("/v2/spaces", {
          name: options.name,
          organization_id: await resolveOrganization(ctx.client, options.org),
          description: options.description,
        });
        printResource(ctx, created, (item) => namedDetails(ctx, item));
      }),
    );

  registerNamedResourceCommands(spaces, {
    noun: "space",
    base: "/v2/spaces",
    resolve: resolveSpace,
    consequence: "Its memberships are removed (refused while service keys of the space still work).",
  });
}
