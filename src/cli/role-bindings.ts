import { Option, type Command } from "commander";
import type { RoleBinding } from "../features/access/index.js";
import { clientAction, type Context } from "./command.js";
import { UsageError } from "./failure.js";
import { runList, pagingOptions, type PagingOptions } from "./listing.js";
import { cell, whenCell, whenDetail, type Column } from "./output.js";
import { printResource, registerDeleteCommand, resourcePath } from "./resource.js";
import { resolveProject, resolveRole, resolveSpace, resolveUser } from "./resolve.js";

function bindingDetails(ctx: Context, binding: RoleBinding): [string, string][] {
  return [
    ["ID", cell(binding.id)],
    ["User", cell(binding.user_id)],
    ["Role", cell(binding.role_id)],
    ["Resource type", cell(binding.resource_type)],
    ["Resource", cell(binding.resource_id)],
    ["Created", whenDetail(ctx.output, binding.created_at)],
    ["Updated", whenDetail(ctx.output, binding.updated_at)],
  ];
}

function bindingColumns(ctx: Context): Column<RoleBinding>[] {
  return [
    { header: "id", value: (b) => cell(b.id) },
    { header: "user", value: (b) => cell(b.user_id) },
    { header: "role", value: (b) => cell(b.role_id) },
    { header: "on", value: (b) => cell(b.resource_type) },
    { header: "resource", value: (b) => cell(b.resource_id) },
    { header: "created", value: (b) => whenCell(ctx.output, b.created_at) },
  ];
}

/** The resource of `create`: exactly one of --space and --project. */
async function resourceOf(
  ctx: Context,
  options: { space?: string; project?: string },
): Promise<{ resource_type: string; resource_id: string }> {
  if ((options.space === undefined) === (options.project === undefined)) throw new UsageError("give exactly one of --space and --project");
  if (options.space !== undefined) return { resource_type: "SPACE", resource_id: await resolveSpace(ctx.client, options.space) };
  return { resource_type: "PROJECT", resource_id: await resolveProject(ctx.client, options.project ?? "") };
}

/** `keyhouse role-bindings ...` (SPEC §12): a user, a role, and a space or project. */
export function registerRoleBindingCommands(program: Command): void {
  const bindings = program.command("role-bindings").description("grant roles to users on spaces and projects");

  pagingOptions(
    bindings
      .command("list")
      .description("list the role bindings on the spaces you administer")
      .option("--user <user>", "only this user's bindings (email or id)")
      .addOption(new Option("--resource-type <type>", "only bindings on spaces or on projects").choices(["SPACE", "PROJECT"])),
  ).action(
    clientAction<PagingOptions & { user?: string; resourceType?: string }>(async (ctx, _args, options) => {
      const query = {
        user_id: options.user === undefined ? undefined : await resolveUser(ctx.client, options.user),
        resource_type: options.resourceType,
      };
      const spec = {
        path: "/v2/role-bindings",
        listKey: "role_bindings",
        noun: "role bindings",
        id: (b: RoleBinding) => b.id,
        columns: bindingColumns,
      };
      await runList(ctx, spec, query, options);
    }),
  );

  bindings
    .command("create")
    .description("grant a role to a user on a space or a project (admins of the space)")
    .requiredOption("--user <user>", "the user (email or id)")
    .requiredOption("--role <role>", "the role (name or id)")
    .option("--space <space>", "on this space (name or id)")
    .option("--project <project>", "on this project (name or id)")
    .action(
      clientAction<{ user: string; role: string; space?: string; project?: string }>(async (ctx, _args, options) => {
        const body = {
          user_id: await resolveUser(ctx.client, options.user),
          role_id: await resolveRole(ctx.client, options.role),
          ...(await resourceOf(ctx, options)),
        };
        printResource(ctx, await ctx.client.post<RoleBinding>("/v2/role-bindings", body), (b) => bindingDetails(ctx, b));
      }),
    );

  bindings
    .command("get")
    .description("show one role binding")
    .argument("<binding>", "id")
    .action(
      clientAction(async (ctx, [id = ""]) => {
        printResource(ctx, await ctx.client.get<RoleBinding>(resourcePath("/v2/role-bindings", id)), (b) => bindingDetails(ctx, b));
      }),
    );

  bindings
    .command("update")
    .description("change the role a binding grants")
    .argument("<binding>", "id")
    .requiredOption("--role <role>", "the role (name or id)")
    .action(
      clientAction<{ role: string }>(async (ctx, [id = ""], options) => {
        const body = { role_id: await resolveRole(ctx.client, options.role) };
        printResource(ctx, await ctx.client.patch<RoleBinding>(resourcePath("/v2/role-bindings", id), body), (b) => bindingDetails(ctx, b));
      }),
    );

  registerDeleteCommand<RoleBinding>(bindings, {
    noun: "role binding",
    description: "delete a role binding",
    argument: ["<binding>", "id"],
    base: "/v2/role-bindings",
    question: (binding) => `Delete the binding of role ${binding.role_id} for user ${binding.user_id}?`,
  });
}
