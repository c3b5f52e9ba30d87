import { readFileSync } from "node:fs";

let version: string | undefined;

/**
 * The version in package.json. The command line reads it here rather than from
 * src/server.ts, which would load the whole server on every client command.
 */
export function cliVersion(): string {
  if (version === undefined) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    version = typeof pkg.version === "string" ? pkg.version : "unknown";
  }
  return version;
}
