import { readFileSync } from "node:fs";

let version: string | undefined;

/**
 * The version in package.json, read once. It lives in its own module so the
 * command line can show it without loading the server.
 */
export function packageVersion(): string {
  if (version === undefined) {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    version = typeof pkg.version === "string" ? pkg.version : "unknown";
  }
  return version;
}
