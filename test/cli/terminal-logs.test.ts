import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, freePort, startServeProcess, stop } from "../support/cli.js";
import { withoutFirstKeyBanner } from "../support/cluster.js";
import { send } from "../support/http.js";
import { keepArtifact, recordIssuedKey } from "../support/hygiene.js";

/**
 * The log's format (docs/deploy.md, "Logs"): human-readable lines when
 * `keyhouse serve` runs in a terminal (a real pseudo-terminal from util-linux
 * `script`), JSON lines otherwise, either one forced by KEYHOUSE_LOG_FORMAT; the
 * first key's banner comes whole, never cut by a log line.
 */

const RAW_KEY = /ak-[0-9A-Za-z]{48}/;
const PRETTY_LINE = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN|ERROR|DEBUG): \S.*$/;
// eslint-disable-next-line no-control-regex -- the terminal's colour sequences are what is stripped
const ANSI = /\u001b\[[0-9;]*m/g;

interface TerminalServe {
  url: string;
  output(): string;
  /** Types Ctrl-C into the terminal and waits for the exit code. */
  interrupt(): Promise<number | null>;
}

/** `keyhouse serve` in a pseudo-terminal; resolves once it answers /healthz. */
async function serveInTerminal(env: Record<string, string>): Promise<TerminalServe> {
  const port = String(await freePort());
  const child = spawn("script", ["-qec", `exec '${BIN}' serve`, "/dev/null"], {
    env: { PATH: process.env.PATH ?? "", TERM: "xterm", KEYHOUSE_PORT: port, ...env },
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i === 100) {
      child.kill("SIGKILL");
      throw new Error(`keyhouse serve did not start in the terminal: ${output}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    output: () => output.replaceAll("\r\n", "\n"),
    interrupt: async () => {
      child.stdin.write("\x03");
      const code = await exited;
      child.stdin.end();
      return code;
    },
  };
}

/** The banner's lines, checked whole and contiguous; returns the output without them. */
function expectWholeBanner(lines: string[]): string[] {
  const start = lines.indexOf("keyhouse initialized a new store. The admin's first API key (shown only this once):");
  expect(start, lines.join("\n")).toBeGreaterThan(0);
  const banner = lines.slice(start - 1, start + 7);
  expect(banner[0]).toBe("");
  expect(banner[2]).toBe("");
  expect(banner[3]).toMatch(new RegExp(`^    ${RAW_KEY.source}$`));
  recordIssuedKey(banner[3]?.trim() ?? "");
  expect(banner[4]).toBe("");
  expect(banner[5]).toMatch(/^Admin user id: \S+$/);
  expect(banner[6]).toBe("Store it now: keyhouse keeps only a hash of it.");
  expect(banner[7]).toBe("");
  return [...lines.slice(0, start - 1), ...lines.slice(start + 7)];
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "keyhouse-tty-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("keyhouse serve's log", () => {
  it("in a terminal: human-readable lines, keys masked, the banner whole; Ctrl-C stops it cleanly", async () => {
    const serve = await serveInTerminal({ KEYHOUSE_DATABASE_URL: join(dir, "k.db") });
    // A key-shaped text in a URL is logged masked.
    await send(serve.url, `/v2/api-keys?probe=ak-${"x".repeat(48)}`);
    const code = await serve.interrupt();
    const output = serve.output();
    keepArtifact("tty-pretty.log", withoutFirstKeyBanner(output));
    expect(code, output).toBe(0);
    const lines = expectWholeBanner(output.replace(ANSI, "").split("\n"));
    expect(output).toMatch(ANSI); // coloured on a terminal
    const logLines = lines.filter((line) => line !== "" && !line.startsWith("keyhouse: generated a server secret"));
    for (const line of logLines) expect(line.replace(/^\^C/, "")).toMatch(PRETTY_LINE);
    expect(logLines.some((line) => /INFO: keyhouse listening \{"url":"http:\/\/127\.0\.0\.1:\d+","store":"sqlite"\}$/.test(line))).toBe(
      true,
    );
    expect(logLines.some((line) => line.includes('"url":"/v2/api-keys?probe=ak-[redacted]","status":401'))).toBe(true);
    expect(
      logLines.some((line) => line.includes('INFO: shutting down: refusing new requests, finishing those in flight {"signal":"SIGINT"')),
    ).toBe(true);
    expect(logLines.at(-1)).toMatch(/INFO: keyhouse stopped \{"ms":\d+\}$/);
    expect(withoutFirstKeyBanner(output)).not.toMatch(RAW_KEY);
  });

  it("in a terminal with KEYHOUSE_LOG_FORMAT=json: JSON lines, the banner whole", async () => {
    const serve = await serveInTerminal({ KEYHOUSE_DATABASE_URL: join(dir, "k.db"), KEYHOUSE_LOG_FORMAT: "json" });
    const code = await serve.interrupt();
    const output = serve.output();
    keepArtifact("tty-json.log", withoutFirstKeyBanner(output));
    expect(code, output).toBe(0);
    const lines = expectWholeBanner(output.split("\n")).filter((line) => line !== "" && !line.startsWith("keyhouse: generated"));
    const entries = lines.map((line) => JSON.parse(line.replace(/^\^C/, "")) as { msg: string; level: number });
    expect(entries.map((e) => e.msg)).toContain("keyhouse listening");
    expect(entries.at(-1)?.msg).toBe("keyhouse stopped");
  });

  it("off a terminal: JSON lines by default, pretty ones with KEYHOUSE_LOG_FORMAT=pretty (uncoloured); an unknown format is refused", async () => {
    for (const format of ["", "pretty"]) {
      const server = await startServeProcess(
        { KEYHOUSE_PORT: String(await freePort()), KEYHOUSE_DATABASE_URL: join(dir, `k${format}.db`), KEYHOUSE_LOG_FORMAT: format },
        dir,
      );
      expect(await stop(server.child)).toBe(0);
      const output = server.output();
      keepArtifact(`pipe-${format || "default"}.log`, withoutFirstKeyBanner(output));
      expect(output).not.toMatch(ANSI);
      const lines = expectWholeBanner(output.split("\n")).filter((line) => line !== "" && !line.startsWith("keyhouse: generated"));
      expect(lines.length).toBeGreaterThan(2);
      for (const line of lines) {
        if (format === "pretty") expect(line).toMatch(PRETTY_LINE);
        else expect(() => JSON.parse(line), line).not.toThrow();
      }
    }
    const { runCli } = await import("../support/cli.js");
    const refused = await runCli(["serve"], { KEYHOUSE_DATABASE_URL: join(dir, "x.db"), KEYHOUSE_LOG_FORMAT: "fancy" });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('keyhouse: invalid configuration: KEYHOUSE_LOG_FORMAT: must be one of auto, json, pretty, got "fancy"\n');
  });
});
