import type { Command } from "commander";
import { isWellFormedKey, redactKey } from "../auth/key-format.js";
import { ApiClient } from "./client.js";
import { clientAction, type Context } from "./command.js";
import { UsageError } from "./failure.js";
import { cell, printJson, renderDetails } from "./output.js";
import { checkProfileName, DEFAULT_PROFILE, normalizeUrl, removeProfile, saveProfile } from "./profile.js";
import { readSecret } from "./prompt.js";

/** The answer of GET /v2/whoami (src/auth/whoami-route.ts). */
interface Whoami {
  user: { id: string; name: string; email?: string; kind: string; role: { name: string }; is_developer: boolean; status: string };
  api_key: { id: string; key_type: string; space_id?: string };
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

function describeUser(who: Whoami): string {
  const user = who.user;
  const name = user.email === undefined ? cell(user.name) : `${cell(user.name)} <${cell(user.email)}>`;
  return user.kind === "bot" ? `${name} (bot user of a service key)` : name;
}

function whoamiDetails(who: Whoami, source: string, url: string): string {
  const pairs: [string, string][] = [
    ["User", describeUser(who)],
    ["User id", cell(who.user.id)],
    ["Role", `${cell(who.user.role.name)}${who.user.is_developer ? ", developer" : ""}`],
    ["Status", cell(who.user.status)],
    ["Key", `${cell(who.api_key.key_type)} key ${cell(who.api_key.id)}`],
  ];
  if (who.api_key.space_id !== undefined) pairs.push(["Space", cell(who.api_key.space_id)]);
  pairs.push(["Server", url], ["Credentials", source]);
  return renderDetails(pairs);
}

async function login(ctx: Context, options: { url?: string }): Promise<void> {
  const name = checkProfileName(ctx.globals.profile ?? DEFAULT_PROFILE);
  const given = options.url ?? ctx.env.KEYHOUSE_URL;
  if (given === undefined || given.trim() === "") throw new UsageError("give the server's address: keyhouse login --url <URL>");
  const url = normalizeUrl(given.trim());
  const host = new URL(url).hostname;
  if (url.startsWith("http:") && !LOOPBACK.test(host)) {
    ctx.output.err(`keyhouse: warning: ${url} is plain HTTP; the key will cross the network unencrypted`);
  }
  const apiKey = await readSecret(`API key for ${url} (input is hidden): `, "API key");
  if (!isWellFormedKey(apiKey)) {
    throw new UsageError(
      "that is not a keyhouse API key (ak- followed by 48 letters and digits, with a valid checksum); was it cut short?",
    );
  }
  // Prove the key works before saving it.
  const who = await new ApiClient({ url, apiKey }).get<Whoami>("/v2/whoami");
  const path = saveProfile(ctx.env, name, {
    url,
    api_key: apiKey,
    key_id: who.api_key.id,
    redacted_key: redactKey(apiKey),
    saved_at: new Date().toISOString(),
  });
  if (ctx.output.format === "json") {
    printJson(ctx.output, { profile: name, path, url, redacted_key: redactKey(apiKey), ...who });
  } else if (!ctx.output.quiet) {
    ctx.output.out(
      `Logged in to ${url} as ${describeUser(who)} with key ${redactKey(apiKey)}.\nSaved profile "${name}" in ${path} (mode 0600).`,
    );
  }
}

/** `keyhouse login`, `logout` and `whoami`. */
export function registerLoginCommands(program: Command): void {
  program
    .command("login")
    .description("save a server URL and API key as a profile; the key is read from a hidden prompt or from standard input")
    .option("--url <url>", "the keyhouse server, such as https://keys.example.com (default: KEYHOUSE_URL)")
    .action(clientAction<{ url?: string }>((ctx, _args, options) => login(ctx, options)));

  program
    .command("logout")
    .description("remove a saved profile (the key itself keeps working until it is deleted)")
    .action(
      clientAction(async (ctx) => {
        const name = checkProfileName(ctx.globals.profile ?? DEFAULT_PROFILE);
        const removed = removeProfile(ctx.env, name);
        if (removed === undefined) throw new UsageError(`there is no profile "${name}"`);
        if (ctx.output.format === "json") printJson(ctx.output, { profile: name, removed: true, key_id: removed.key_id });
        else if (!ctx.output.quiet) {
          ctx.output.out(
            `Removed profile "${name}". The key ${cell(removed.redacted_key)} still works; to revoke it: keyhouse api-keys delete ${cell(removed.key_id)}`,
          );
        }
      }),
    );

  program
    .command("whoami")
    .description("show the user the configured key acts as")
    .action(
      clientAction(async (ctx) => {
        const who = await ctx.client.get<Whoami>("/v2/whoami");
        if (ctx.output.format === "json") printJson(ctx.output, { ...who, url: ctx.connection.url });
        else if (ctx.output.quiet) ctx.output.out(who.user.id);
        else ctx.output.out(whoamiDetails(who, ctx.connection.source, ctx.connection.url));
      }),
    );
}
