import type { Command } from "commander";
import { ConfigError, loadConfig } from "../config/config.js";
import { EXIT } from "./exit-codes.js";

// The server's modules (Fastify, the stores) load only when a server command
// runs, so the client commands start quickly.
const loadServer = () => import("../server.js");

/** Prints a failure (one line per invalid variable) and sets the exit code; config and startup refusals are expected failures. */
export async function fail(error: unknown): Promise<void> {
  const { StartupError } = await import("../store/prepare.js");
  if (error instanceof ConfigError) {
    for (const problem of error.problems) {
      process.stderr.write(`keyhouse: invalid configuration: ${problem.variable}: ${problem.message}\n`);
    }
    process.exitCode = EXIT.USAGE;
  } else if (error instanceof StartupError) {
    process.stderr.write(`keyhouse: ${error.message}\n`);
    process.exitCode = EXIT.ERROR;
  } else {
    process.stderr.write(`keyhouse: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.ERROR;
  }
}

function printFirstKey(apiKey: string, userId: string): void {
  process.stdout.write(
    [
      "",
      "keyhouse initialized a new store. The admin's first API key (shown only this once):",
      "",
      `    ${apiKey}`,
      "",
      `Admin user id: ${userId}`,
      "Store it now: keyhouse keeps only a hash of it.",
      "",
    ].join("\n") + "\n",
  );
}

export function registerServerCommands(program: Command): void {
  program
    .command("serve")
    .description("run the keyhouse HTTP server (initializes an empty store first)")
    .action(async () => {
      try {
        const config = loadConfig(process.env);
        const { startServer } = await loadServer();
        const server = await startServer(config);
        if (server.secretFile?.generated) {
          process.stderr.write(`keyhouse: generated a server secret in ${server.secretFile.path} (mode 0600); keep it with the database\n`);
        }
        if (server.initialized) printFirstKey(server.initialized.apiKey, server.initialized.userId);
        server.app.log.info({ url: server.url, store: server.store.dialect }, "keyhouse listening");
        const stop = async (signal: string) => {
          server.app.log.info({ signal }, "shutting down");
          await server.close();
          process.exit(EXIT.OK);
        };
        process.once("SIGTERM", () => void stop("SIGTERM"));
        process.once("SIGINT", () => void stop("SIGINT"));
      } catch (error) {
        await fail(error);
      }
    });

  program
    .command("init")
    .description("initialize an empty store and print the admin's first API key")
    .option("--json", "print the result as JSON")
    .option("--admin-email <email>", "the admin user's email (default admin@keyhouse.local)")
    .option("--admin-name <name>", "the admin user's name (default Admin)")
    .action(async (options: { json?: boolean; adminEmail?: string; adminName?: string }) => {
      try {
        const config = loadConfig(process.env);
        const [{ resolveSecret }, { openStore }, { prepareStore, StartupError }, { bootstrap, DEFAULT_ADMIN }] = await Promise.all([
          import("../config/secret.js"),
          import("../store/open.js"),
          import("../store/prepare.js"),
          import("../features/identity/index.js"),
        ]);
        const { secret } = resolveSecret(config);
        const store = await openStore(config.database);
        try {
          await prepareStore(store, { migrate: true });
          const result = await bootstrap(store, secret, { adminEmail: options.adminEmail ?? DEFAULT_ADMIN.adminEmail, adminName: options.adminName ?? DEFAULT_ADMIN.adminName }, Date.now());
          if (!result) {
            throw new StartupError("the store is already initialized; nothing was changed and no key was printed");
          }
          if (options.json) {
            process.stdout.write(
              `${JSON.stringify({ api_key: result.apiKey, user_id: result.userId, organization_id: result.organizationId, space_id: result.spaceId, url: config.publicUrl })}\n`,
            );
          } else {
            printFirstKey(result.apiKey, result.userId);
          }
        } finally {
          await store.close();
        }
      } catch (error) {
        await fail(error);
      }
    });

  program
    .command("migrate")
    .description("apply pending schema migrations to the configured store")
    .action(async () => {
      try {
        const config = loadConfig(process.env);
        const [{ openStore }, { prepareStore }] = await Promise.all([import("../store/open.js"), import("../store/prepare.js")]);
        const store = await openStore(config.database);
        try {
          const applied = await prepareStore(store, { migrate: true });
          process.stdout.write(applied.length === 0 ? "keyhouse: schema is up to date\n" : `keyhouse: applied ${applied.join(", ")}\n`);
        } finally {
          await store.close();
        }
      } catch (error) {
        await fail(error);
      }
    });
}
