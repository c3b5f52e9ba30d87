import { Option, type Command } from "commander";
import type { OrganizationMembership, SpaceMembership } from "../features/identity/index.js";
import type { ApiClient } from "./client.js";
import { clientAction } from "./command.js";
import { runList, pagingOptions, type PagingOptions } from "./listing.js";
import { cell, printJson } from "./output.js";
import { printDone, resourcePath } from "./resource.js";
import { resolveUser } from "./resolve.js";
import { oneLine } from "./text.js";

const MEMBER_ROLES = ["admin", "member", "read-only", "annotator"];

/** A membership as the server returns it (SPEC §7). */
type Membership = OrganizationMembership | SpaceMembership;

/** An organization or a space: the two things users are members of. */
export interface MemberScope {
  /** "organization" or "space". */
  noun: string;
  /** "/v2/organizations" or "/v2/spaces". */
  base: string;
  /** Turns a name or id into an id. */
  resolve: (client: ApiClient, reference: string) => Promise<string>;
}

/** `members`, `add-member` and `remove-member` under an organization or space group. */
export function registerMemberCommands(group: Command, scope: MemberScope): void {
  pagingOptions(
    group
      .command("members")
      .description(`list the members of a ${scope.noun} and their roles`)
      .argument(`<${scope.noun}>`, `the ${scope.noun} (name or id)`),
  ).action(
    clientAction<PagingOptions>(async (ctx, [reference = ""], options) => {
      const id = await scope.resolve(ctx.client, reference);
      const spec = {
        path: resourcePath(scope.base, id, "users"),
        listKey: "memberships",
        noun: "members",
        id: (m: Membership) => m.user_id,
        columns: () => [
          { header: "user id", value: (m: Membership) => cell(m.user_id) },
          { header: "role", value: (m: Membership) => cell(m.role.name) },
          { header: "membership id", value: (m: Membership) => cell(m.id) },
        ],
      };
      await runList(ctx, spec, {}, options);
    }),
  );

  group
    .command("add-member")
    .description(`add a user to a ${scope.noun}, or change their role there`)
    .argument(`<${scope.noun}>`, `the ${scope.noun} (name or id)`)
    .argument("<user>", "the user (id or email)")
    .addOption(new Option("--role <role>", "their role").choices(MEMBER_ROLES).makeOptionMandatory())
    .action(
      clientAction<{ role: string }>(async (ctx, [scopeRef = "", userRef = ""], options) => {
        const [scopeId, userId] = [await scope.resolve(ctx.client, scopeRef), await resolveUser(ctx.client, userRef)];
        const membership = await ctx.client.post<Membership>(resourcePath(scope.base, scopeId, "users"), {
          user_id: userId,
          role: { type: "predefined", name: options.role },
        });
        if (ctx.output.format === "json") return printJson(ctx.output, membership);
        printDone(
          ctx,
          `User ${oneLine(userId)} is now ${oneLine(membership.role.name)} of ${scope.noun} ${oneLine(scopeId)}.`,
          membership.id,
          {},
        );
      }),
    );

  group
    .command("remove-member")
    .description(`remove a user from a ${scope.noun}`)
    .argument(`<${scope.noun}>`, `the ${scope.noun} (name or id)`)
    .argument("<user>", "the user (id or email)")
    .action(
      clientAction(async (ctx, [scopeRef = "", userRef = ""]) => {
        const [scopeId, userId] = [await scope.resolve(ctx.client, scopeRef), await resolveUser(ctx.client, userRef)];
        await ctx.client.delete(resourcePath(scope.base, scopeId, "users", userId));
        printDone(ctx, `Removed user ${oneLine(userId)} from ${scope.noun} ${oneLine(scopeId)}.`, userId, {
          user_id: userId,
          [`${scope.noun}_id`]: scopeId,
          removed: true,
        });
      }),
    );
}
