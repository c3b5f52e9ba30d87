import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, type CliResult } from "./cli.js";
import type { TestServer } from "./server.js";

/**
 * Runs the real `keyhouse` client as a child process with a private HOME and
 * XDG_CONFIG_HOME, so no test reads or writes the real user's profiles. With a
 * server, KEYHOUSE_URL and KEYHOUSE_API_KEY point at it (the admin's key unless
 * another is given).
 */
export interface CliSession {
  home: string;
  configDir: string;
  env: Record<string, string>;
  run(args: string[], options?: { env?: Record<string, string>; input?: string }): Promise<CliResult>;
  /** Runs under a pseudo-terminal (util-linux `script`), typing each answer once its prompt appears; output is stdout and stderr together. */
  tty(args: string[], options?: { env?: Record<string, string>; answers?: { after: RegExp; type: string }[] }): Promise<CliResult>;
  cleanup(): void;
}

const shellQuote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

export function cliSession(server?: TestServer, key?: string): CliSession {
  const home = mkdtempSync(join(tmpdir(), "keyhouse-cli-home-"));
  const env: Record<string, string> = { HOME: home, XDG_CONFIG_HOME: join(home, ".config") };
  if (server) {
    env.KEYHOUSE_URL = server.url;
    env.KEYHOUSE_API_KEY = key ?? server.adminKey;
  }
  return {
    home,
    configDir: join(home, ".config", "keyhouse"),
    env,
    run: (args, options = {}) => runPiped(args, { ...env, ...options.env }, options.input ?? ""),
    tty: (args, options = {}) => runInTerminal(args, { ...env, ...options.env }, options.answers ?? []),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** Runs with stdin, stdout and stderr as pipes; stdin gets `input` then end of file. */
function runPiped(args: string[], env: Record<string, string>, input: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // A command that never reads its input may exit before the input is written.
    child.stdin.on("error", () => undefined);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

function runInTerminal(args: string[], env: Record<string, string>, answers: { after: RegExp; type: string }[]): Promise<CliResult> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], { env: { PATH: process.env.PATH ?? "", TERM: "xterm", ...env } });
    let output = "";
    const pending = [...answers];
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const next = pending[0];
      if (next && next.after.test(output)) {
        pending.shift();
        child.stdin.write(next.type);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      child.stdin.end();
      resolve({ code, stdout: output.replaceAll("\r\n", "\n"), stderr: "" });
    });
  });
}
