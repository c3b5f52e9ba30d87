import { Option, type Command } from "commander";
import type { Role } from "../features/access/index.js";
import { clientAction, type Context } from "./command.js";
import { runList, pagingOptions, type PagingOptions } from "./listing.js";
import { cell, whenCell, whenDetail, type Column } from "./output.js";
import { parseText } from "./parse.js";
import { patchBody, printResource, registerDeleteCommand, resourcePath } from "./resource.js";
import { resolveRole } from "./resolve.js";
import { oneLine } from "./text.js";

function roleDetails(ctx: Context, role: Role): [string, string][] {
  return [
    ["ID", cell(role.id)],
    ["Name", cell(role.name)],
    ["Description", cell(role.description ?? "")],
    ["Kind", role.is_predefined ? "predefined" : "custom"],
    ["Permissions", cell(role.permissions.join(", "))],
    ["Created", whenDetail(ctx.output, role.created_at)],
    ["Updated", whenDetail(ctx.output, role.updated_at)],
  ];
}

function roleColumns(ctx: Context): Column<Role>[] {
  return [
    { header: "id", value: (r) => cell(r.id) },
    { header: "name", value: (r) => cell(r.name), max: 32 },
    { header: "kind", value: (r) => (r.is_predefined ? "predefined" : "custom") },
    { header: "permissions", value: (r) => String(r.permissions.length) },
    { header: "description", value: (r) => cell(r.description ?? ""), max: 40 },
    { header: "created", value: (r) => whenCell(ctx.output, r.created_at) },
  ];
}

/** Collects a repeatable --permission, also accepting comma-separated lists. */
function collectPermissions(value: string, previous: string[] | undefined): string[] {
  const given = value
    .split(",")
    .map((p) => p.trim().toUpperCase())
    .filter((p) => p !== "");
  return [...(previous ?? []), ...given];
}

/** `keyhouse roles ...` (SPEC §12): predefined roles to read, custom roles to manage (account admins). */
export function registerRoleCommands(program: Command): void {
  const roles = program.command("roles").description("list roles and manage custom roles");

  pagingOptions(
    roles
      .command("list")
      .description("list the predefined roles and the account's custom roles")
      .addOption(new Option("--kind <kind>", "only predefined or only custom roles").choices(["predefined", "custom"])),
  ).action(
    clientAction<PagingOptions & { kind?: string }>(async (ctx, _args, options) => {
      const query = { is_predefined: options.kind === undefined ? undefined : String(options.kind === "predefined") };
      await runList(
        ctx,
        { path: "/v2/roles", listKey: "roles", noun: "roles", id: (r: Role) => r.id, columns: roleColumns },
        query,
        options,
      );
    }),
  );

  roles
    .command("get")
    .description("show one role and its permissions")
    .argument("<role>", "name or id")
    .action(
      clientAction(async (ctx, [reference = ""]) => {
        const id = await resolveRole(ctx.client, reference);
        printResource(ctx, await ctx.client.get<Role>(resourcePath("/v2/roles", id)), (r) => roleDetails(ctx, r));
      }),
    );

  roles
    .command("create")
    .description("create a custom role (account admins)")
    .requiredOption("--name <name>", "its name, unique in the account", parseText)
    .requiredOption("--permission <permission...>", "a permission it grants (repeat, or separate with commas)", collectPermissions)
    .option("--description <text>", "what it is for")
    .action(
      clientAction<{ name: string; permission: string[]; description?: string }>(async (ctx, _args, options) => {
        const body = { name: options.name, description: options.description, permissions: options.permission };
        printResource(ctx, await ctx.client.post<Role>("/v2/roles", body), (r) => roleDetails(ctx, r));
      }),
    );

  roles
    .command("update")
    .description("rename, describe or replace the permissions of a custom role")
    .argument("<role>", "name or id")
    .option("--name <name>", "the new name", parseText)
    .option("--description <text>", "the new description")
    .option("--permission <permission...>", "the permissions it grants from now on (replaces them all)", collectPermissions)
    .action(
      clientAction<{ name?: string; description?: string; permission?: string[] }>(async (ctx, [reference = ""], options) => {
        const body = patchBody(
          { name: options.name, description: options.description, permissions: options.permission },
          "--name, --description or --permission",
        );
        const id = await resolveRole(ctx.client, reference);
        printResource(ctx, await ctx.client.patch<Role>(resourcePath("/v2/roles", id), body), (r) => roleDetails(ctx, r));
      }),
    );

  registerDeleteCommand<Role>(roles, {
    noun: "role",
    description: "delete a custom role (refused while it is bound)",
    argument: ["<role>", "name or id"],
    base: "/v2/roles",
    resolve: resolveRole,
    question: (role) => `Delete role "${oneLine(role.name)}"?`,
  });
}
