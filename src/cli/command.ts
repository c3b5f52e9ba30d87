import type { Command } from "commander";
import { ApiClient } from "./client.js";
import { Declined, reportFailure, UsageError } from "./failure.js";
import { createOutput, type Output } from "./output.js";
import { resolveConnection, type ResolvedConnection } from "./profile.js";
import { confirm, stdinIsTerminal } from "./prompt.js";

/** The options every client command accepts, before or after its name. */
export interface GlobalOptions {
  profile?: string;
  output?: string;
  quiet?: boolean;
}

type Env = Record<string, string | undefined>;

/** What a client command works with: how to print, and (on demand) a client for the configured server. */
export class Context {
  #connection: ResolvedConnection | undefined;
  #client: ApiClient | undefined;

  constructor(
    readonly output: Output,
    readonly env: Env,
    readonly globals: GlobalOptions,
  ) {}

  get connection(): ResolvedConnection {
    this.#connection ??= resolveConnection(this.env, this.globals.profile);
    return this.#connection;
  }

  get client(): ApiClient {
    this.#client ??= new ApiClient(this.connection);
    return this.#client;
  }

  /**
   * Asks before a destructive action unless `--yes` was given. Without a
   * terminal to ask on, it refuses (exit 2) rather than guess (docs/cli.md).
   */
  async confirm(yes: boolean | undefined, question: () => Promise<string>): Promise<void> {
    if (yes === true) return;
    if (!stdinIsTerminal()) throw new UsageError("refusing to delete without confirmation: standard input is not a terminal; pass --yes");
    if (!(await confirm(await question()))) throw new Declined("not confirmed; nothing was deleted");
  }
}

/**
 * Runs a command's body, client or server: any failure becomes its line(s) on
 * stderr and an exit code (reportFailure, src/cli/exit-codes.ts).
 */
export async function runCommand(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    reportFailure(error);
  }
}

/**
 * Wraps a client command's action: builds its Context and runs it through
 * runCommand. Positional arguments arrive in order, then the command's own options.
 */
export function clientAction<O>(handler: (ctx: Context, args: string[], options: O) => Promise<void>) {
  return async (...params: unknown[]): Promise<void> => {
    const command = params[params.length - 1] as Command;
    const globals = command.optsWithGlobals<GlobalOptions>();
    await runCommand(async () => {
      const ctx = new Context(createOutput(globals, process.env, process.stdout.isTTY === true), process.env, globals);
      const args = params
        .slice(0, -2)
        .flat()
        .filter((arg): arg is string => typeof arg === "string");
      await handler(ctx, args, command.opts<O & object>());
    });
  };
}
