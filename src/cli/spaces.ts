import type { Command } from "commander";
import type { ApiClient } from "./client.js";
import { clientAction, type Context } from "./command.js";
import { runList, pagingOptions, type PagingOptions } from "./listing.js";
import { namedColumns, namedDetails, registerNamedResourceCommands, type NamedResource } from "./named-resource.js";
import { cell } from "./output.js";
import { printResource, resourcePath } from "./resource.js";
import { resolveOrganization, resolveSpace, walkAll } from "./resolve.js";

interface ListOptions extends PagingOptions {
  org?: string;
  name?: string;
}

/**
 * The organization (by name) of each space, for tables and details. A space
 * object does not name its organization (it is exactly Arize's `Space`), so
 * each organization's spaces are listed with the `org_id` filter, narrowed by
 * name when only one space is wanted. Every space a caller sees belongs to an
 * organization it sees (docs/identity.md).
 */
async function spaceOrganizations(client: ApiClient, organizations: NamedResource[], spaceName?: string): Promise<Map<string, string>> {
  const held = new Map<string, string>();
  for (const org of organizations) {
    const spaces = await walkAll<NamedResource>(client, "/v2/spaces", "spaces", { org_id: org.id, name: spaceName });
    for (const space of spaces) held.set(space.id, org.name);
  }
  return held;
}

function visibleOrganizations(client: ApiClient): Promise<NamedResource[]> {
  return walkAll<NamedResource>(client, "/v2/organizations", "organizations", {});
}

/** The name of one space's organization. */
async function organizationOf(client: ApiClient, space: NamedResource): Promise<string | undefined> {
  return (await spaceOrganizations(client, await visibleOrganizations(client), space.name)).get(space.id);
}

/** Whether the output shows tables and details (not JSON, not --quiet): only then are organizations looked up. */
function showsDetails(ctx: Context): boolean {
  return ctx.output.format !== "json" && !ctx.output.quiet;
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
      const orgId = options.org === undefined ? undefined : await resolveOrganization(ctx.client, options.org);
      const query = { org_id: orgId, name: options.name };
      let held = new Map<string, string>();
      if (showsDetails(ctx)) {
        const organizations =
          orgId === undefined
            ? await visibleOrganizations(ctx.client)
            : [await ctx.client.get<NamedResource>(resourcePath("/v2/organizations", orgId))];
        held = await spaceOrganizations(ctx.client, organizations, options.name);
      }
      const columns = () => namedColumns(ctx, [{ header: "organization", value: (s: NamedResource) => cell(held.get(s.id)) }]);
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
        const orgId = await resolveOrganization(ctx.client, options.org);
        const created = await ctx.client.post<NamedResource>("/v2/spaces", {
          name: options.name,
          organization_id: orgId,
          description: options.description,
        });
        const organization = showsDetails(ctx)
          ? (await ctx.client.get<NamedResource>(resourcePath("/v2/organizations", orgId))).name
          : undefined;
        printResource(ctx, created, (item) => namedDetails(ctx, item, organization));
      }),
    );

  registerNamedResourceCommands(spaces, {
    noun: "space",
    base: "/v2/spaces",
    resolve: resolveSpace,
    consequence: "Its memberships are removed (refused while service keys of the space still work).",
    organizationOf,
  });
}
