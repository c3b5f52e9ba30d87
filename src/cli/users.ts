import { Option, type Command } from "commander";
import type { User as UserView } from "../features/identity/index.js";
import { printIssuedKey, userKeyBody, expiryOption, type IssuedKey } from "./api-keys.js";
import { clientAction, type Context } from "./command.js";
import { runList, pagingOptions, type PagingOptions } from "./listing.js";
import { cell, statusCell, whenCell, whenDetail, type Column } from "./output.js";
import { parseText } from "./parse.js";
import { patchBody, printResource, registerDeleteCommand, resourcePath } from "./resource.js";
import { resolveUser } from "./resolve.js";
import { oneLine } from "./text.js";
import { registerClaimLinkCommands } from "./invitations.js";

/** A user as the server returns it (SPEC §7). */
type User = UserView;

const ACCOUNT_ROLES = ["admin", "member", "annotator"];

function userDetails(ctx: Context, user: User): [string, string][] {
  return [
    ["ID", cell(user.id)],
    ["Name", cell(user.name)],
    ["Email", cell(user.email)],
    ["Role", cell(user.role.name)],
    ["Developer", user.is_developer ? "yes" : "no"],
    ["Status", statusCell(ctx.output, user.status)],
    ["Created", whenDetail(ctx.output, user.created_at)],
  ];
}

function userColumns(ctx: Context): Column<User>[] {
  return [
    { header: "id", value: (u) => cell(u.id) },
    { header: "name", value: (u) => cell(u.name), max: 32 },
    { header: "email", value: (u) => cell(u.email), max: 40 },
    { header: "role", value: (u) => cell(u.role.name) },
    { header: "developer", value: (u) => (u.is_developer ? "yes" : "no") },
    { header: "status", value: (u) => statusCell(ctx.output, u.status) },
    { header: "created", value: (u) => whenCell(ctx.output, u.created_at) },
  ];
}

/** --developer and --no-developer, absent unless given. */
function developerOptions(command: Command): Command {
  return command.option("--developer", "may use the API").option("--no-developer", "may not use the API");
}

interface UserOptions {
  name?: string;
  email?: string;
  role?: string;
  inviteMode?: string;
  developer?: boolean;
}

function registerUserLifecycle(users: Command): void {
  developerOptions(
    users
      .command("create")
      .description("create a user (account admins)")
      .requiredOption("--name <name>", "their name", parseText)
      .requiredOption("--email <email>", "their email, unique in the account")
      .addOption(new Option("--role <role>", "their account role").choices(ACCOUNT_ROLES).makeOptionMandatory())
      .addOption(
        new Option(
          "--invite-mode <mode>",
          "none (active at once, default) or email_link (invited, with a one-time link: see invite-link)",
        ).choices(["none", "email_link"]),
      ),
  ).action(
    clientAction<UserOptions>(async (ctx, _args, options) => {
      const created = await ctx.client.post<User>("/v2/users", {
        name: options.name,
        email: options.email,
        role: { type: "predefined", name: options.role },
        invite_mode: options.inviteMode,
        is_developer: options.developer,
      });
      printResource(ctx, created, (user) => userDetails(ctx, user));
      if (created.status === "invited" && ctx.output.format === "table" && !ctx.output.quiet) {
        ctx.output.err(
          `Invited: the link is mailed when the server has KEYHOUSE_SMTP_URL; otherwise hand it over with: keyhouse users invite-link ${created.id}`,
        );
      }
    }),
  );

  developerOptions(
    users
      .command("update")
      .description("rename a user, or change their role or developer flag")
      .argument("<user>", "id or email")
      .option("--name <name>", "their new name", parseText)
      .addOption(new Option("--role <role>", "their new account role").choices(ACCOUNT_ROLES)),
  ).action(
    clientAction<UserOptions>(async (ctx, [reference = ""], options) => {
      const body = patchBody(
        {
          name: options.name,
          role: options.role === undefined ? undefined : { type: "predefined", name: options.role },
          is_developer: options.developer,
        },
        "--name, --role, --developer or --no-developer",
      );
      const id = await resolveUser(ctx.client, reference);
      printResource(ctx, await ctx.client.patch<User>(resourcePath("/v2/users", id), body), (user) => userDetails(ctx, user));
    }),
  );

  registerDeleteCommand<User>(users, {
    noun: "user",
    description: "delete a user: gone from the API for good, memberships removed, their user keys deleted",
    argument: ["<user>", "id or email"],
    base: "/v2/users",
    resolve: resolveUser,
    question: (user) => `Delete user ${oneLine(user.name)} <${oneLine(user.email)}>? Their user keys stop working at once.`,
  });
}

/** `keyhouse users ...` (SPEC §7), including `issue-key`. */
export function registerUserCommands(program: Command): void {
  const users = program.command("users").description("list and manage users, and issue a user's first key");

  pagingOptions(
    users
      .command("list")
      .description("list the users you can see (deleted users are gone)")
      .option("--email <text>", "only users whose email contains this (case-insensitive)")
      .addOption(new Option("--status <status>", "only users with this status").choices(["active", "invited", "expired"])),
  ).action(
    clientAction<PagingOptions & { email?: string; status?: string }>(async (ctx, _args, options) => {
      const spec = { path: "/v2/users", listKey: "users", noun: "users", id: (u: User) => u.id, columns: userColumns };
      await runList(ctx, spec, { email: options.email, status: options.status }, options);
    }),
  );

  users
    .command("get")
    .description("show one user")
    .argument("<user>", "id or email")
    .action(
      clientAction(async (ctx, [reference = ""]) => {
        const id = await resolveUser(ctx.client, reference);
        printResource(ctx, await ctx.client.get<User>(resourcePath("/v2/users", id)), (user) => userDetails(ctx, user));
      }),
    );

  registerUserLifecycle(users);
  registerClaimLinkCommands(users);

  users
    .command("issue-key")
    .description("issue a user key that acts as this user (account admins); prints the raw key once")
    .argument("<user>", "id or email")
    .requiredOption("--name <name>", "the key's name", parseText)
    .option("--description <text>", "what the key is for")
    .addOption(expiryOption())
    .action(
      clientAction<{ name: string; description?: string; expiresAt?: string }>(async (ctx, [reference = ""], options) => {
        const id = await resolveUser(ctx.client, reference);
        const issued = await ctx.client.post<IssuedKey>(resourcePath("/v2/users", id, "api-keys"), {
          ...userKeyBody(options),
          key_type: "user",
        });
        printIssuedKey(ctx, issued, `Issued user key "${oneLine(issued.name)}" for user ${oneLine(id)}.`);
      }),
    );
}
