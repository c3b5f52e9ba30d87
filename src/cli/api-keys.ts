import { Option, type Command } from "commander";
import type { ApiKey as ApiKeyView, ApiKeyDetail } from "../features/apikeys/index.js";
import { clientAction, type Context } from "./command.js";
import { runList, pagingOptions, type ListSpec, type PagingOptions } from "./listing.js";
import { cell, paint, printJson, renderDetails, statusCell, whenCell, whenDetail, type Column } from "./output.js";
import { printResource, registerDeleteCommand, resourcePath } from "./resource.js";
import { parseDurationSeconds, parseExpiresAt, parseText } from "./parse.js";
import { resolveSpace, resolveUser } from "./resolve.js";
import { formatDuration, oneLine } from "./text.js";

export type IssuedKey = ApiKeyView & { key: string };

const MEMBER_ROLES = ["admin", "member", "read-only"];

/** A key past its expiry still says "active" on the wire; the table says "expired". */
function effectiveStatus(key: ApiKeyView, now: number): string {
  return key.status === "active" && key.expires_at !== undefined && Date.parse(key.expires_at) <= now ? "expired" : key.status;
}

const KEY_LIST: ListSpec<ApiKeyView> = {
  path: "/v2/api-keys",
  listKey: "api_keys",
  noun: "API keys",
  id: (key) => key.id,
  columns: (ctx): Column<ApiKeyView>[] => [
    { header: "id", value: (key) => cell(key.id) },
    { header: "name", value: (key) => cell(key.name), max: 32 },
    { header: "type", value: (key) => cell(key.key_type) },
    { header: "status", value: (key) => statusCell(ctx.output, effectiveStatus(key, ctx.output.now)) },
    { header: "key", value: (key) => cell(key.redacted_key) },
    { header: "created", value: (key) => whenCell(ctx.output, key.created_at) },
    { header: "expires", value: (key) => (key.expires_at === undefined ? "never" : whenCell(ctx.output, key.expires_at)) },
    { header: "last used", value: (key) => (key.last_used_at === undefined ? "never" : whenCell(ctx.output, key.last_used_at)) },
  ],
};

/** Label/value lines of a key; the space of a service key comes from GET /v2/api-keys/{id} (extension) or from the create request. */
function keyDetails(ctx: Context, key: ApiKeyDetail): [string, string][] {
  const { output } = ctx;
  const pairs: [string, string][] = [
    ["ID", cell(key.id)],
    ["Name", cell(key.name)],
    ["Description", cell(key.description)],
    ["Type", cell(key.key_type)],
    ["Status", statusCell(output, effectiveStatus(key, output.now))],
    ["Key", cell(key.redacted_key)],
  ];
  if (key.space_id !== undefined) pairs.push(["Space", cell(key.space_id)]);
  pairs.push(
    ["Created", whenDetail(output, key.created_at)],
    ["Created by", cell(key.created_by_user_id)],
    ["Expires", key.expires_at === undefined ? "never" : whenDetail(output, key.expires_at)],
    ["Last used", key.last_used_at === undefined ? "never" : whenDetail(output, key.last_used_at)],
  );
  return pairs;
}

/**
 * Prints a newly issued raw key: on a line of its own so it copies cleanly,
 * with a warning on stderr that it will not be shown again. --quiet prints the
 * key alone; JSON prints the server's response, which includes it.
 */
export function printIssuedKey(ctx: Context, issued: IssuedKey, headline: string, footnote?: string, spaceId?: string): void {
  const { output } = ctx;
  if (output.format === "json") return printJson(output, issued);
  if (output.quiet) return output.out(issued.key);
  // Arize's ApiKeyCreated does not name the space: a service key's is the one the request named.
  const details = keyDetails(ctx, spaceId === undefined ? issued : { ...issued, space_id: spaceId });
  output.out(`${headline}\n\n${renderDetails(details)}\n\n${issued.key}\n`);
  if (footnote !== undefined) output.err(footnote);
  output.err(paint(output, "yellow", "Copy this key now: it will not be shown again (keyhouse keeps only a hash of it)."));
}

interface ListOptions extends PagingOptions {
  keyType?: string;
  status?: string;
  space?: string;
  userId?: string;
}

interface CreateOptions {
  name: string;
  description?: string;
  expiresAt?: string;
  space?: string;
  spaceRole?: string;
  orgRole?: string;
  accountRole?: string;
}

/** The body of POST /v2/api-keys (or /v2/users/{id}/api-keys) for a user key. */
export function userKeyBody(options: CreateOptions): Record<string, unknown> {
  return { name: options.name, description: options.description, expires_at: options.expiresAt };
}

function registerList(keys: Command): void {
  pagingOptions(
    keys
      .command("list")
      .description("list API keys (your own user keys unless filtered)")
      .addOption(new Option("--key-type <type>", "user or service").choices(["user", "service"]))
      .addOption(new Option("--status <status>", "active (default), deleted or expired").choices(["active", "deleted", "expired"]))
      .option("--space <space>", "service keys of this space (name or id)")
      .option("--user-id <user>", "keys of this user (id or email; account admins)"),
  ).action(
    clientAction<ListOptions>(async (ctx, _args, options) => {
      const query = {
        key_type: options.keyType,
        status: options.status,
        space_id: options.space === undefined ? undefined : await resolveSpace(ctx.client, options.space),
        user_id: options.userId === undefined ? undefined : await resolveUser(ctx.client, options.userId),
      };
      await runList(ctx, KEY_LIST, query, options);
    }),
  );
}

export function expiryOption(): Option {
  return new Option("--expires-at <when>", "expiry: RFC 3339 time, date (UTC midnight) or duration from now (30d)").argParser((text) =>
    parseExpiresAt(text),
  );
}

function registerCreate(keys: Command): void {
  keys
    .command("create")
    .description("create a user key that acts as you; prints the raw key once")
    .requiredOption("--name <name>", "the key's name", parseText)
    .option("--description <text>", "what the key is for")
    .addOption(expiryOption())
    .action(
      clientAction<CreateOptions>(async (ctx, _args, options) => {
        const issued = await ctx.client.post<IssuedKey>("/v2/api-keys", { ...userKeyBody(options), key_type: "user" });
        printIssuedKey(ctx, issued, `Created user key "${oneLine(issued.name)}".`);
      }),
    );

  keys
    .command("create-service-key")
    .description("create a service key scoped to one space, acting as a new bot user; prints the raw key once")
    .requiredOption("--name <name>", "the key's name", parseText)
    .requiredOption("--space <space>", "the space (name or id)")
    .option("--description <text>", "what the key is for")
    .addOption(expiryOption())
    .addOption(new Option("--space-role <role>", "the bot user's role in the space (default member)").choices(MEMBER_ROLES))
    .addOption(new Option("--org-role <role>", "its role in the space's organization (default read-only)").choices(MEMBER_ROLES))
    .addOption(new Option("--account-role <role>", "its account role (default member)").choices(["admin", "member"]))
    .action(
      clientAction<CreateOptions>(async (ctx, _args, options) => {
        const roles = { space_role: options.spaceRole, org_role: options.orgRole, account_role: options.accountRole };
        const anyRole = Object.values(roles).some((role) => role !== undefined);
        const spaceId = await resolveSpace(ctx.client, options.space ?? "");
        const issued = await ctx.client.post<IssuedKey>("/v2/api-keys", {
          ...userKeyBody(options),
          key_type: "service",
          space_id: spaceId,
          roles: anyRole ? roles : undefined,
        });
        printIssuedKey(ctx, issued, `Created service key "${oneLine(issued.name)}".`, undefined, spaceId);
      }),
    );
}

function registerOne(keys: Command): void {
  keys
    .command("get")
    .description("show one API key")
    .argument("<id>", "the key's id")
    .action(
      clientAction(async (ctx, [id = ""]) => {
        printResource(ctx, await ctx.client.get<ApiKeyDetail>(resourcePath("/v2/api-keys", id)), (key) => keyDetails(ctx, key));
      }),
    );

  registerDeleteCommand<ApiKeyView>(keys, {
    noun: "API key",
    description: "delete an API key: it stops working at once",
    argument: ["<id>", "the key's id"],
    base: "/v2/api-keys",
    question: (key) => `Delete ${key.key_type} key "${oneLine(key.name)}" (${oneLine(key.redacted_key)})? It stops working at once.`,
  });

  keys
    .command("refresh")
    .description("rotate a key: issue a new one (printed once) and retire the old one")
    .argument("<id>", "the key's id")
    .addOption(new Option("--expires-at <when>", "expiry of the new key (default: never)").argParser((text) => parseExpiresAt(text)))
    .option(
      "--grace-period <duration>",
      "how long the old key keeps working: seconds or 30s, 15m, 1h, up to 24h (default 0)",
      parseDurationSeconds,
    )
    .action(
      clientAction<{ expiresAt?: string; gracePeriod?: number }>(async (ctx, [id = ""], options) => {
        const issued = await ctx.client.post<IssuedKey>(resourcePath("/v2/api-keys", id, "refresh"), {
          expires_at: options.expiresAt,
          grace_period_seconds: options.gracePeriod,
        });
        const grace = options.gracePeriod ?? 0;
        const old =
          grace === 0
            ? `The old key ${oneLine(id)} no longer works.`
            : `The old key ${oneLine(id)} keeps working for ${formatDuration(grace)} more (or until its own expiry, if sooner).`;
        printIssuedKey(ctx, issued, `Refreshed key "${oneLine(issued.name)}": new id ${issued.id}.`, old);
      }),
    );
}

/** `keyhouse api-keys ...` (SPEC §6). */
export function registerApiKeyCommands(program: Command): void {
  const keys = program.command("api-keys").description("list, create, rotate and delete API keys");
  registerList(keys);
  registerCreate(keys);
  registerOne(keys);
}
