import type { Command } from "commander";
import type { ClaimLink } from "../features/invitations/index.js";
import { clientAction } from "./command.js";
import { paint, printJson } from "./output.js";
import { resourcePath } from "./resource.js";
import { resolveUser } from "./resolve.js";
import { oneLine } from "./text.js";

/**
 * `keyhouse users invite-link | resend-invitation | reset-password` (SPEC §14,
 * docs/invitations.md): claim links, for account admins.
 */
export function registerClaimLinkCommands(users: Command): void {
  users
    .command("invite-link")
    .description(
      "print a fresh claim link for a user (account admins): an invitation for invited or expired users, a recovery link for " +
        "active ones; their previous link of that kind stops working",
    )
    .argument("<user>", "id or email")
    .action(
      clientAction(async (ctx, [reference = ""]) => {
        const id = await resolveUser(ctx.client, reference);
        const link = await ctx.client.post<ClaimLink>(resourcePath("/v2/users", id, "claim-link"));
        const { output } = ctx;
        if (output.format === "json") return printJson(output, link);
        output.out(link.url);
        if (output.quiet) return;
        output.err(
          paint(
            output,
            "yellow",
            `This ${link.kind} link works once, until ${link.expires_at}; whoever opens it can create an API key acting as user ${oneLine(id)}. ` +
              "Hand it to them only.",
          ),
        );
      }),
    );

  const mailing = [
    ["resend-invitation", "mail an invited or expired user a new invitation link (7 days); the old link stops working"],
    ["reset-password", "mail an active user a one-time recovery link (24 hours) to create a new key; their keys keep working"],
  ] as const;
  for (const [name, description] of mailing) {
    users
      .command(name)
      .description(`${description} (account admins; needs KEYHOUSE_SMTP_URL on the server, else use invite-link)`)
      .argument("<user>", "id or email")
      .action(
        clientAction(async (ctx, [reference = ""]) => {
          const id = await resolveUser(ctx.client, reference);
          await ctx.client.post<void>(resourcePath("/v2/users", id, name));
          if (!ctx.output.quiet)
            ctx.output.err(`${name === "reset-password" ? "Recovery" : "Invitation"} link issued for user ${oneLine(id)}.`);
        }),
      );
  }
}
