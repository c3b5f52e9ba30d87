import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliSession, type CliSession } from "../support/cli-client.js";

const hasZsh = spawnSync("zsh", ["-c", "true"]).status === 0;

let cli: CliSession;
let bashScript: string;
let zshScript: string;
beforeAll(async () => {
  cli = cliSession();
  const bash = await cli.run(["completion", "bash"]);
  expect(bash.code, bash.stderr).toBe(0);
  bashScript = join(cli.home, "keyhouse.bash");
  writeFileSync(bashScript, bash.stdout);
  const zsh = await cli.run(["completion", "zsh"]);
  expect(zsh.code, zsh.stderr).toBe(0);
  zshScript = join(cli.home, "_keyhouse");
  writeFileSync(zshScript, zsh.stdout);
});
afterAll(() => cli.cleanup());

/** What bash offers after the typed words (the last one is being completed). */
function bashComplete(...words: string[]): string[] {
  const quoted = ["keyhouse", ...words].map((w) => `'${w}'`).join(" ");
  const script = `source '${bashScript}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length}; _keyhouse; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const res = spawnSync("bash", ["--norc", "-c", script], { encoding: "utf8" });
  expect(res.status, res.stderr).toBe(0);
  return res.stdout.split("\n").filter((line) => line !== "");
}

describe("keyhouse completion bash", () => {
  it("is valid bash that registers a completion for keyhouse", () => {
    const res = spawnSync("bash", ["--norc", "-c", `source '${bashScript}' && complete -p keyhouse`], { encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain("complete -F _keyhouse keyhouse");
  });

  it("completes commands, subcommands, options and option values at every level", () => {
    expect(bashComplete("")).toEqual(
      expect.arrayContaining(["login", "whoami", "api-keys", "spaces", "organizations", "users", "audit", "completion"]),
    );
    expect(bashComplete("api")).toEqual(["api-keys"]);
    expect(bashComplete("api-keys", "")).toEqual(
      expect.arrayContaining(["list", "get", "create", "create-service-key", "delete", "refresh"]),
    );
    expect(bashComplete("api-keys", "list", "--s")).toEqual(["--status", "--space"]);
    expect(bashComplete("api-keys", "list", "--key-type", "")).toEqual(["user", "service"]);
    expect(bashComplete("--output", "json", "api-keys", "list", "--status", "")).toEqual(["active", "deleted", "expired"]);
    expect(bashComplete("api-keys", "delete", "--")).toEqual(
      expect.arrayContaining(["--yes", "--profile", "--output", "--quiet", "--help"]),
    );
    expect(bashComplete("spaces", "add-member", "s", "u", "--role", "")).toEqual(["admin", "member", "read-only", "annotator"]);
  });
});

describe.skipIf(!hasZsh)(`keyhouse completion zsh${hasZsh ? "" : " (skipped: zsh is not installed)"}`, () => {
  /** Runs the zsh function with the completion builtins replaced by printers. */
  function zshComplete(...words: string[]): string {
    const quoted = ["keyhouse", ...words].map((w) => `'${w}'`).join(" ");
    const script = [
      "compdef() { :; }",
      `_describe() { print -rl -- "\${(@P)4}"; }`,
      'compadd() { shift; print -rl -- "$@"; }',
      `source '${zshScript}'`,
      `words=(${quoted}); CURRENT=\${#words}; _keyhouse`,
    ].join("\n");
    const res = spawnSync("zsh", ["-f", "-c", script], { encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
    return res.stdout;
  }

  it("is valid zsh", () => {
    expect(spawnSync("zsh", ["-n", zshScript]).status).toBe(0);
  });

  it("offers commands with their descriptions, options, and option values", () => {
    expect(zshComplete("")).toMatch(/^api-keys:list, create, rotate and delete API keys$/m);
    expect(zshComplete("api-keys", "")).toMatch(/^create-service-key:create a service key/m);
    expect(zshComplete("api-keys", "refresh", "--")).toMatch(/^--grace-period:how long the old key keeps working/m);
    expect(zshComplete("users", "create", "--role", "").trim().split("\n")).toEqual(["admin", "member", "annotator"]);
  });
});

describe("keyhouse completion", () => {
  it("refuses other shells as a usage error", async () => {
    const res = await cli.run(["completion", "fish"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("bash and zsh");
  });
});
