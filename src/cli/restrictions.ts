import type { Command } from "commander";
import type { ResourceRestriction } from "../features/access/index.js";
import { clientAction } from "./command.js";
import { printDone, resourcePath } from "./resource.js";
import { resolveProject, resolveSpace } from "./resolve.js";
import { oneLine } from "./text.js";

/** `keyhouse restrictions ...` (SPEC §12): a restricted project ignores roles granted above it. */
export function registerRestrictionCommands(program: Command): void {
  const restrictions = program.command("restrictions").description("restrict projects to the roles bound on them");
  const projectOf = async (client: Parameters<typeof resolveProject>[0], reference: string, space: string | undefined) =>
    resolveProject(client, reference, space === undefined ? undefined : await resolveSpace(client, space));

  restrictions
    .command("create")
    .alias("add")
    .description("restrict a project (admins of its space); only bindings on the project itself count there")
    .argument("<project>", "name or id")
    .option("--space <space>", "the project's space (name or id), to tell same-named projects apart")
    .action(
      clientAction<{ space?: string }>(async (ctx, [reference = ""], options) => {
        const id = await projectOf(ctx.client, reference, options.space);
        const body = await ctx.client.post<{ resource_restriction: ResourceRestriction }>("/v2/resource-restrictions", { resource_id: id });
        printDone(ctx, `Restricted project ${oneLine(id)} (since ${body.resource_restriction.created_at}).`, id, body);
      }),
    );

  restrictions
    .command("delete")
    .alias("remove")
    .description("lift a project's restriction")
    .argument("<project>", "name or id")
    .option("--space <space>", "the project's space (name or id), to tell same-named projects apart")
    .action(
      clientAction<{ space?: string }>(async (ctx, [reference = ""], options) => {
        const id = await projectOf(ctx.client, reference, options.space);
        await ctx.client.delete(resourcePath("/v2/resource-restrictions", id));
        printDone(ctx, `Lifted the restriction of project ${oneLine(id)}.`, id, { resource_id: id, restricted: false });
      }),
    );
}
