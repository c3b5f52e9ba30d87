import { Command, CommanderError } from "commander";
import { VERSION } from "../server.js";
import { EXIT } from "./exit-codes.js";
import { registerServerCommands } from "./server-commands.js";

/** Builds the keyhouse command line. */
export function buildProgram(): Command {
  const program = new Command("keyhouse")
    .description("keyhouse: a self-hostable API key service")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerServerCommands(program);
  return program;
}

/** Runs the command line; usage errors exit 2. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help";
      process.exitCode = ok ? EXIT.OK : EXIT.USAGE;
      return;
    }
    throw error;
  }
}
