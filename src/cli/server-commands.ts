import { resolve } from "node:path";
import type { Command } from "commander";
import { loadConfig, type Config } from "../config/config.js";
import type { RunningServer } from "../server.js";
import type { Store } from "../store/store.js";
import { runCommand } from "./command.js";
import { EXIT } from "./exit-codes.js";

// The server's modules (Fastify, the stores) load only when a server command
// runs, so the client commands start quickly. Failures take the client
// commands' path (runCommand): invalid configuration exits 2 with one line per
// variable, a refused store or any other failure exits 1 with one line.

const POSTGRES_BACKUP =
  "backup and restore are for SQLite stores; back up PostgreSQL with pg_dump --format=custom and restore with pg_restore (docs/deploy.md)";

/** The first key's banner: printed once, when `serve` or `init` initializes the store. */
function firstKeyBanner(apiKey: string, userId: string): string {
  return (
    [
      "",
      "keyhouse initialized a new store. The admin's first API key (shown only this once):",
      "",
      `    ${apiKey}`,
      "",
      `Admin user id: ${userId}`,
      "Store it now: keyhouse keeps only a hash of it.",
      "",
    ].join("\n") + "\n"
  );
}

/** Opens the configured store, applies its pending migrations (prepareStore), runs `use`, and closes it. */
async function withMigratedStore<T>(config: Config, use: (store: Store, applied: string[]) => Promise<T>): Promise<T> {
  const [{ openStore }, { prepareStore }] = await Promise.all([import("../store/open.js"), import("../store/prepare.js")]);
  const store = await openStore(config.database);
  try {
    return await use(store, await prepareStore(store, { migrate: true }));
  } finally {
    await store.close();
  }
}

/**
 * Graceful shutdown on SIGTERM and SIGINT (docs/deploy.md): exit 0 when every
 * request in flight finished, 1 when some were cut off at the timeout or the
 * shutdown failed. A second signal exits at once (1). A watchdog exits (1) if
 * the shutdown itself hangs past the timeout and the store's grace.
 */
function stopOnSignals(server: RunningServer, timeoutMs: number, storeGraceMs: number): void {
  const log = server.app.log;
  let stopping = false;
  const exit = (code: number) => {
    server.flushLogs();
    process.exit(code);
  };
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now, without waiting for requests in flight");
      exit(EXIT.ERROR);
    }
    stopping = true;
    const started = performance.now();
    log.info({ signal, timeout_seconds: timeoutMs / 1000 }, "shutting down: refusing new requests, finishing those in flight");
    setTimeout(
      () => {
        log.error("shutdown did not finish in time; exiting");
        exit(EXIT.ERROR);
      },
      timeoutMs + storeGraceMs + 1_000,
    ).unref();
    try {
      const result = await server.shutdown(timeoutMs);
      const ms = Math.round(performance.now() - started);
      if (result.cut > 0) log.warn({ connections_cut: result.cut, ms }, "requests still in flight at the shutdown timeout were cut off");
      if (result.storeLeftOpen) log.warn("the store did not close in time after the cut; its open transactions end with the process");
      log.info({ ms }, "keyhouse stopped");
      exit(result.cut > 0 ? EXIT.ERROR : EXIT.OK);
    } catch (error) {
      log.error({ err: error }, "shutdown failed");
      exit(EXIT.ERROR);
    }
  };
  process.on("SIGTERM", (signal) => void stop(signal));
  process.on("SIGINT", (signal) => void stop(signal));
}

export function registerServerCommands(program: Command): void {
  program
    .command("serve")
    .description("run the keyhouse HTTP server (initializes an empty store first)")
    .action(() =>
      runCommand(async () => {
        const config = loadConfig(process.env);
        const { startServer, STORE_CLOSE_GRACE_MS } = await import("../server.js");
        const server = await startServer(config);
        if (server.secretFile?.generated) {
          process.stderr.write(`keyhouse: generated a server secret in ${server.secretFile.path} (mode 0600); keep it with the database\n`);
        }
        // Through the log's output, so that no log line can come inside the banner.
        if (server.initialized) server.print(firstKeyBanner(server.initialized.apiKey, server.initialized.userId));
        server.app.log.info({ url: server.url, store: server.store.dialect }, "keyhouse listening");
        stopOnSignals(server, config.shutdownTimeoutSeconds * 1000, STORE_CLOSE_GRACE_MS);
      }),
    );

  program
    .command("init")
    .description("initialize an empty store and print the admin's first API key")
    .option("--json", "print the result as JSON")
    .option("--admin-email <email>", "the admin user's email (default admin@keyhouse.local)")
    .option("--admin-name <name>", "the admin user's name (default Admin)")
    .action((options: { json?: boolean; adminEmail?: string; adminName?: string }) =>
      runCommand(async () => {
        const config = loadConfig(process.env);
        const [{ resolveSecret }, { StartupError }, { bootstrap, DEFAULT_ADMIN }] = await Promise.all([
          import("../config/secret.js"),
          import("../store/prepare.js"),
          import("../features/identity/index.js"),
        ]);
        const { secret } = resolveSecret(config);
        const admin = {
          adminEmail: options.adminEmail ?? DEFAULT_ADMIN.adminEmail,
          adminName: options.adminName ?? DEFAULT_ADMIN.adminName,
        };
        const result = await withMigratedStore(config, (store) => bootstrap(store, secret, admin, Date.now()));
        if (!result) throw new StartupError("the store is already initialized; nothing was changed and no key was printed");
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ api_key: result.apiKey, user_id: result.userId, organization_id: result.organizationId, space_id: result.spaceId, url: config.publicUrl })}\n`,
          );
        } else {
          process.stdout.write(firstKeyBanner(result.apiKey, result.userId));
        }
      }),
    );

  program
    .command("backup")
    .description("copy the SQLite store into a new file while the server runs (PostgreSQL: pg_dump, see docs/deploy.md)")
    .argument("<file>", "the backup file to create (never overwritten)")
    .action((file: string) =>
      runCommand(async () => {
        const config = loadConfig(process.env);
        const [{ backupSqlite }, { StartupError }] = await Promise.all([import("../store/backup.js"), import("../store/prepare.js")]);
        if (config.database.kind !== "sqlite") throw new StartupError(POSTGRES_BACKUP);
        const made = await backupSqlite(config.database.path, resolve(file));
        process.stdout.write(
          `keyhouse: backed up ${config.database.path} to ${resolve(file)} (${made.keys} keys, schema ${made.applied.at(-1) ?? "empty"}, ${made.bytes} bytes)\n` +
            "keyhouse: the keys in it authenticate only with the same server secret (KEYHOUSE_SECRET or keyhouse.secret): keep it with the backup\n",
        );
      }),
    );

  program
    .command("restore")
    .description("replace the SQLite store with a backup, after checking it (stop the server first)")
    .argument("<file>", "a file made by keyhouse backup")
    .option("--force", "replace a store that is not empty")
    .action((file: string, options: { force?: boolean }) =>
      runCommand(async () => {
        const config = loadConfig(process.env);
        const [{ restoreSqlite }, { StartupError }] = await Promise.all([import("../store/backup.js"), import("../store/prepare.js")]);
        if (config.database.kind !== "sqlite") throw new StartupError(POSTGRES_BACKUP);
        const restored = await restoreSqlite(resolve(file), config.database.path, options.force === true);
        process.stdout.write(`keyhouse: restored ${resolve(file)} into ${config.database.path} (${restored.keys} keys)\n`);
        if (restored.pending.length > 0) {
          process.stdout.write(
            `keyhouse: its schema is behind this keyhouse (${restored.pending.join(", ")} pending); run: keyhouse migrate\n`,
          );
        }
      }),
    );

  program
    .command("migrate")
    .description("apply pending schema migrations to the configured store")
    .action(() =>
      runCommand(async () => {
        const applied = await withMigratedStore(loadConfig(process.env), async (_store, applied) => applied);
        process.stdout.write(applied.length === 0 ? "keyhouse: schema is up to date\n" : `keyhouse: applied ${applied.join(", ")}\n`);
      }),
    );
}
