import { Command, CommanderError, Option } from "commander";
import { packageVersion } from "../version.js";
import { registerApiKeyCommands } from "./api-keys.js";
import { registerAuditCommands } from "./audit.js";
import { registerCompletionCommand } from "./completion.js";
import { EXIT } from "./exit-codes.js";
import { registerLoginCommands } from "./login.js";
import { registerOrganizationCommands } from "./organizations.js";
import { registerProjectCommands } from "./projects.js";
import { registerRestrictionCommands } from "./restrictions.js";
import { registerRoleBindingCommands } from "./role-bindings.js";
import { registerRoleCommands } from "./roles.js";
import { registerServerCommands } from "./server-commands.js";
import { registerSpaceCommands } from "./spaces.js";
import { registerUserCommands } from "./users.js";

/** Builds the keyhouse command line. */
export function buildProgram(): Command {
  const program = new Command("keyhouse")
    .description("keyhouse: a self-hostable API key service")
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, "keyhouse: ")) })
    .showHelpAfterError("(add --help for usage)")
    .configureHelp({ showGlobalOptions: true })
    .option("--profile <name>", "use this saved profile instead of the default one (see keyhouse login)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .option("-q, --quiet", "print only ids, or only the raw key");
  registerServerCommands(program);
  registerLoginCommands(program);
  registerApiKeyCommands(program);
  registerOrganizationCommands(program);
  registerSpaceCommands(program);
  registerUserCommands(program);
  registerProjectCommands(program);
  registerRoleCommands(program);
  registerRoleBindingCommands(program);
  registerRestrictionCommands(program);
  registerAuditCommands(program);
  registerCompletionCommand(program);
  return program;
}

/** Runs the command line; usage errors exit 2. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  // `keyhouse api-keys list | head -1` closes the pipe early; that is not a failure.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? EXIT.OK);
    throw error;
  });
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
