// Child processes of the benchmark: servers pinned to one core, helpers run to
// completion, and the small waits between them.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/** The core the server under test runs on, and the one the load generator runs on. */
export const SERVER_CPU = "0";
export const LOAD_CPU = "1";

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A TCP port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers one of `statuses`, or throws after `timeoutMs`. */
export async function waitForHttp(url, timeoutMs, child, statuses = [200]) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before ${url} answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (statuses.includes(response.status)) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = error.message;
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer ${statuses.join("/")} within ${timeoutMs} ms (${last})`);
}

/**
 * Starts a long-running server. With `cpu`, it runs under `taskset -c <cpu>`;
 * taskset execs the command, so the pid is the server's own and /proc/<pid>
 * describes it. Output goes to `logFile`.
 */
export function startProcess({ command, args, env, cpu, cwd, logFile }) {
  const argv = cpu === undefined ? [command, ...args] : ["taskset", "-c", cpu, command, ...args];
  // The log file is the child's own stdout and stderr: a pipe through this
  // process would throttle a server that logs synchronously (pino does)
  // whenever this process is slow to drain it.
  const log = openSync(logFile, "a");
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    pid: child.pid,
    /** Resident set size in bytes, and the peak (VmHWM), from /proc. */
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
      return { rssBytes: kb("VmRSS") * 1024, peakBytes: kb("VmHWM") * 1024 };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to completion; resolves with its stdout, rejects with its stderr on failure. */
export function run(command, args, { env, cwd, cpu, timeoutMs = 30 * 60_000 } = {}) {
  const argv = cpu === undefined ? [command, ...args] : ["taskset", "-c", cpu, command, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${argv.slice(-2).join(" ").slice(0, 120)} exited with ${code}: ${errorLines(stderr)}`));
    });
  });
}

/** The lines of a failed command's stderr that say what went wrong. */
function errorLines(stderr) {
  const lines = stderr.trim().split("\n");
  const error = lines.findIndex((l) => /^\w*(Error|error)\b|^keyhouse:/.test(l.trim()));
  return (error >= 0 ? lines.slice(error, error + 3) : lines.slice(-3)).join(" / ").slice(0, 600);
}

/** The last line of `text` that parses as JSON. */
export function lastJsonLine(text) {
  const lines = text.trim().split("\n").reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line);
    } catch {
      // Not the result line.
    }
  }
  throw new Error(`no JSON line in output: ${text.slice(-500)}`);
}
