import { ConfigError } from "../config/config.js";
import { ApiError, NetworkError } from "./client.js";
import { EXIT } from "./exit-codes.js";
import { oneLine } from "./text.js";

/** Bad arguments, missing login, or a refusal to act without confirmation: exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The user answered no at a confirmation prompt: nothing was done, exit 1. */
export class Declined extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Declined";
  }
}

function describeApiError(error: ApiError): string {
  const what = oneLine(error.detail || error.title);
  const status = error.title && error.detail ? `${error.status} ${oneLine(error.title)}` : String(error.status);
  let line = `${what} (${status})`;
  if (error.status === 401) line += "; check the key, or log in again: keyhouse login";
  if (error.status === 429 && error.retryAfter !== undefined) line += `; retry in ${oneLine(error.retryAfter)} s`;
  if (error.status >= 500 && error.requestId !== undefined && !what.includes(error.requestId))
    line += ` [request ${oneLine(error.requestId)}]`;
  return line;
}

/**
 * The lines to print and the exit code for any failure of any command, client
 * or server (exit codes: src/cli/exit-codes.ts). One line, except invalid
 * configuration: one line per invalid variable.
 */
function describeFailure(error: unknown): { lines: string[]; exitCode: number } {
  if (error instanceof ConfigError) {
    return { lines: error.problems.map((p) => `invalid configuration: ${p.variable}: ${oneLine(p.message)}`), exitCode: EXIT.USAGE };
  }
  if (error instanceof UsageError) return { lines: [oneLine(error.message)], exitCode: EXIT.USAGE };
  if (error instanceof ApiError) return { lines: [describeApiError(error)], exitCode: EXIT.ERROR };
  if (error instanceof NetworkError || error instanceof Declined) return { lines: [oneLine(error.message)], exitCode: EXIT.ERROR };
  return { lines: [oneLine(error instanceof Error ? error.message : String(error))], exitCode: EXIT.ERROR };
}

/** Prints a failure on stderr (each line after `keyhouse: `) and sets the exit code: the one failure path of every command. */
export function reportFailure(error: unknown): void {
  const { lines, exitCode } = describeFailure(error);
  for (const line of lines) process.stderr.write(`keyhouse: ${line}\n`);
  process.exitCode = exitCode;
}
