import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateRawKey, redactKey } from "../../src/auth/key-format.js";
import { BIN } from "../support/cli.js";
import { cliSession, type CliSession } from "../support/cli-client.js";
import { startTestServer, type TestServer } from "../support/server.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let t: TestServer;
let cli: CliSession;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());
beforeEach(() => {
  // No KEYHOUSE_URL/KEYHOUSE_API_KEY: these tests are about profiles.
  cli = cliSession();
});
afterEach(() => cli.cleanup());

/** What `ps` shows: the command line of every process on the machine (NUL-separated arguments). */
function everyCommandLine(): string {
  const lines: string[] = [];
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      lines.push(readFileSync(`/proc/${entry}/cmdline`, "utf8"));
    } catch {
      // The process ended while we looked.
    }
  }
  return lines.join("\n");
}

function profilesFile(): string {
  return join(cli.configDir, "profiles.json");
}

describe("keyhouse login", () => {
  it("reads the key from a pipe; it is never in the process's command line or environment, nor in any process's", async () => {
    const child = spawn(process.execPath, [BIN, "login", "--url", t.url], { env: { PATH: process.env.PATH ?? "", ...cli.env } });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    // The key is in the process now (it reads to end of input), and the process is still waiting.
    child.stdin.write(`${t.adminKey}\n`);
    await sleep(300);
    expect(child.exitCode).toBeNull();
    const pid = child.pid ?? 0;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
    expect(cmdline).toContain("login");
    expect(cmdline).not.toContain(t.adminKey);
    expect(environ).not.toContain(t.adminKey);
    const everyProcess = everyCommandLine();
    expect(everyProcess).toContain(`${BIN}\0login`);
    expect(everyProcess).not.toContain(t.adminKey);
    child.stdin.end();
    expect(await exited, output).toBe(0);
    expect(output).not.toContain(t.adminKey);
    expect(output).toContain(redactKey(t.adminKey));
  });

  it("stores the profile with mode 0600 in a 0700 directory, the raw key exactly once, beside only non-secret fields", async () => {
    const res = await cli.run(["login", "--url", `${t.url}/`], { input: `${t.adminKey}\n` });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Saved profile "default" in ${profilesFile()}`);
    expect(statSync(profilesFile()).mode & 0o777).toBe(0o600);
    expect(statSync(cli.configDir).mode & 0o777).toBe(0o700);
    expect(readdirSync(cli.configDir)).toEqual(["profiles.json"]);
    const text = readFileSync(profilesFile(), "utf8");
    expect(text.split(t.adminKey)).toHaveLength(2);
    const profile = JSON.parse(text).profiles.default;
    expect(Object.keys(profile).sort()).toEqual(["api_key", "key_id", "redacted_key", "saved_at", "url"]);
    expect(profile).toMatchObject({ url: t.url, api_key: t.adminKey, redacted_key: redactKey(t.adminKey) });
  });

  it("reads the key from a hidden prompt on a terminal and never echoes it", async () => {
    const res = await cli.tty(["login", "--url", t.url], { answers: [{ after: /input is hidden\): $/, type: `${t.adminKey}\r` }] });
    expect(res.code, res.stdout).toBe(0);
    expect(res.stdout).toContain(`API key for ${t.url} (input is hidden):`);
    expect(res.stdout).toContain("Logged in to");
    expect(res.stdout).not.toContain(t.adminKey);
    expect(JSON.parse(readFileSync(profilesFile(), "utf8")).profiles.default.api_key).toBe(t.adminKey);
  });

  it("refuses a key the server rejects (exit 1) and a malformed one (exit 2), saving nothing", async () => {
    const unknown = await cli.run(["login", "--url", t.url], { input: generateRawKey() });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^keyhouse: a valid API key is required.*\(401 Unauthorized\)/);
    const cut = await cli.run(["login", "--url", t.url], { input: t.adminKey.slice(0, 30) });
    expect(cut.code).toBe(2);
    expect(cut.stderr).toContain("is not a keyhouse API key");
    expect(cut.stderr).not.toContain(t.adminKey.slice(0, 30));
    const none = await cli.run(["login", "--url", t.url], { input: "" });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no API key on standard input");
    expect(() => statSync(profilesFile())).toThrow();
  });

  it("takes no key as an argument, and refuses a missing or bad URL as usage errors", async () => {
    const asArgument = await cli.run(["login", "--url", t.url, t.adminKey]);
    expect(asArgument.code).toBe(2);
    expect(asArgument.stderr).toContain("too many arguments");
    expect((await cli.run(["login"], { input: t.adminKey })).code).toBe(2);
    const bad = await cli.run(["login", "--url", "ftp://example.test"], { input: t.adminKey });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("must start with http:// or https://");
  });

  it("warns that a plain-HTTP URL to another host sends the key unencrypted", async () => {
    // A malformed key stops the login before any request, so no network is needed.
    const res = await cli.run(["login", "--url", "http://keys.example.test"], { input: "ak-short" });
    expect(res.stderr).toContain("keyhouse: warning: http://keys.example.test is plain HTTP");
    expect(res.code).toBe(2);
    const local = await cli.run(["login", "--url", "http://localhost:1"], { input: "ak-short" });
    expect(local.stderr).not.toContain("plain HTTP");
  });

  it("saves named profiles side by side; --profile picks one", async () => {
    const other = await t.call("/v2/api-keys", { method: "POST", body: { name: "second" } });
    expect((await cli.run(["login", "--url", t.url], { input: t.adminKey })).code).toBe(0);
    expect((await cli.run(["--profile", "second", "login", "--url", t.url], { input: other.body.key })).code).toBe(0);
    const profiles = JSON.parse(readFileSync(profilesFile(), "utf8")).profiles;
    expect(Object.keys(profiles).sort()).toEqual(["default", "second"]);
    const who = await cli.run(["whoami", "--profile", "second", "-o", "json"]);
    expect(JSON.parse(who.stdout).api_key.id).toBe(other.body.id);
    const missing = await cli.run(["whoami", "--profile", "nope"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no profile "nope"');
  });
});

describe("keyhouse whoami", () => {
  it("shows the user, role and key as a table, JSON, or just the user id", async () => {
    await cli.run(["login", "--url", t.url], { input: t.adminKey });
    const table = await cli.run(["whoami"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^User: +Admin <admin@keyhouse\.local>$/m);
    expect(table.stdout).toMatch(/^Role: +admin, developer$/m);
    expect(table.stdout).toMatch(/^Credentials: +profile "default"$/m);
    const json = JSON.parse((await cli.run(["whoami", "--output", "json"])).stdout);
    expect(json.user).toMatchObject({ id: t.adminUserId, role: { type: "predefined", name: "admin" }, kind: "human" });
    expect(json.url).toBe(t.url);
    expect((await cli.run(["whoami", "-q"])).stdout).toBe(`${t.adminUserId}\n`);
  });

  it("without a profile or environment is a usage error that says how to log in", async () => {
    const res = await cli.run(["whoami"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("not logged in");
    expect(res.stderr).toContain("keyhouse login --url");
  });

  it("lets KEYHOUSE_API_KEY override the default profile and --profile override both, but never sends a stored key to another KEYHOUSE_URL", async () => {
    await cli.run(["login", "--url", t.url], { input: t.adminKey });
    const service = await t.call("/v2/api-keys", { method: "POST", body: { name: "svc", key_type: "service", space_id: t.spaceId } });
    const viaEnv = await cli.run(["whoami", "-o", "json"], { env: { KEYHOUSE_API_KEY: service.body.key } });
    expect(JSON.parse(viaEnv.stdout).user.kind).toBe("bot");
    const elsewhere = await cli.run(["whoami"], { env: { KEYHOUSE_URL: "http://127.0.0.1:9" } });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain("a stored key is only sent to its own server");
    const same = await cli.run(["whoami", "-q"], { env: { KEYHOUSE_URL: `${t.url}/` } });
    expect(same.stdout).toBe(`${t.adminUserId}\n`);
    // An explicit --profile wins over the environment.
    const flag = await cli.run(["whoami", "-q", "--profile", "default"], {
      env: { KEYHOUSE_API_KEY: service.body.key, KEYHOUSE_URL: "http://127.0.0.1:9" },
    });
    expect(flag.stdout).toBe(`${t.adminUserId}\n`);
  });
});

describe("keyhouse logout", () => {
  it("removes the profile and says how to revoke the key, which still works", async () => {
    await cli.run(["login", "--url", t.url], { input: t.adminKey });
    const res = await cli.run(["logout"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain("keyhouse api-keys delete");
    expect(readFileSync(profilesFile(), "utf8")).not.toContain(t.adminKey);
    expect((await cli.run(["whoami"])).code).toBe(2);
    expect((await cli.run(["logout"])).code).toBe(2);
  });
});
