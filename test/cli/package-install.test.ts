import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/cli.js";
import { withoutFirstKeyBanner } from "../support/cluster.js";
import { send } from "../support/http.js";
import { keepArtifact, recordFigures, recordIssuedKey } from "../support/hygiene.js";

/**
 * An install that is not a clone (docs/deploy.md, "Installing"): `npm pack`
 * makes a tarball, `npm install -g --prefix <tmp>` installs it with its runtime
 * dependencies only, and the installed `keyhouse serve` runs with its console.
 *
 * better-sqlite3's own install script runs as on any machine; it is handed this
 * checkout's compiled binary the way prebuild-install takes a local prebuild
 * (npm_config_better_sqlite3_local_prebuilds) instead of downloading one or
 * compiling (measured: 5 min 21 s compiling on the shared 2-core machine). Needs
 * dist/ and web/dist/ built (npm run build); the registry's packages come from
 * npm's cache when there (--prefer-offline), else from the registry.
 */

const execFileAsync = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const SQLITE_VERSION = (
  JSON.parse(readFileSync(join(ROOT, "node_modules", "better-sqlite3", "package.json"), "utf8")) as { version: string }
).version;

let dir: string;
let installed: string;
let prefix: string;
const figures: Record<string, number> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "keyhouse-install-"));
  prefix = join(dir, "prefix");
  const packed = await execFileAsync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT });
  const [pack] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  if (pack === undefined) throw new Error(`npm pack printed nothing: ${packed.stderr}`);
  figures.files_in_package = pack.files.length;
  const paths = pack.files.map((f) => f.path);
  expect(paths).toEqual(
    expect.arrayContaining(["bin/keyhouse.js", "dist/cli/main.js", "dist/server.js", "web/dist/index.html", "package.json"]),
  );
  expect(paths.filter((p) => /^(src|test|bench|web\/src|node_modules)\//.test(p))).toEqual([]);

  const prebuilds = join(dir, "prebuilds");
  mkdirSync(prebuilds);
  const prebuild = `better-sqlite3-v${SQLITE_VERSION}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await execFileAsync("tar", [
    "-czf",
    join(prebuilds, prebuild),
    "-C",
    join(ROOT, "node_modules", "better-sqlite3"),
    "build/Release/better_sqlite3.node",
  ]);

  const started = performance.now();
  await execFileAsync(
    "npm",
    [
      "install",
      "-g",
      "--prefix",
      prefix,
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--allow-scripts=better-sqlite3",
      join(dir, pack.filename),
    ],
    { cwd: dir, env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: prebuilds }, maxBuffer: 16 * 1024 * 1024 },
  );
  figures.install_ms = Math.round(performance.now() - started);
  installed = join(prefix, "lib", "node_modules", PKG.name);
}, 600_000);

afterAll(() => {
  recordFigures("package-install", figures);
  rmSync(dir, { recursive: true, force: true });
});

describe("npm pack, then npm install -g of the tarball", () => {
  it("installs the runtime dependencies only, and a keyhouse command", () => {
    const modules = join(installed, "node_modules");
    for (const dependency of Object.keys(PKG.dependencies)) expect(existsSync(join(modules, dependency)), dependency).toBe(true);
    const devOnly = Object.keys(PKG.devDependencies).filter((d) => !(d in PKG.dependencies));
    expect(devOnly.filter((d) => existsSync(join(modules, d)))).toEqual([]);
    expect(existsSync(join(prefix, "bin", "keyhouse"))).toBe(true);
    expect(existsSync(join(installed, "src"))).toBe(false);
  });

  it("runs keyhouse serve from the install: the API, the console, a clean stop", async () => {
    const port = String(await freePort());
    const work = join(dir, "run");
    mkdirSync(work);
    // A PATH with node and nothing of this checkout.
    const child = spawn(join(prefix, "bin", "keyhouse"), ["serve"], {
      cwd: work,
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, KEYHOUSE_PORT: port },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; ; i++) {
        if (child.exitCode !== null || i === 150) throw new Error(`the installed keyhouse serve did not start: ${output}`);
        try {
          if ((await fetch(`${url}/healthz`)).ok) break;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const key = /ak-[0-9A-Za-z]{48}/.exec(output)?.[0] ?? "";
      recordIssuedKey(key);
      expect(existsSync(join(work, "data", "keyhouse.db"))).toBe(true);
      expect((await send(url, "/v2/whoami", { key })).status).toBe(200);
      const created = await send(url, "/v2/api-keys", { method: "POST", key, body: { name: "from the package" } });
      expect(created.status, created.text).toBe(201);
      const page = await send(url, "/");
      expect(page.status).toBe(200);
      expect(String(page.headers["content-type"])).toMatch(/^text\/html/);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
      expect(script, page.text).toBeDefined();
      expect((await send(url, script ?? "")).status).toBe(200);
      const openapi = await send(url, "/v2/openapi.json");
      expect(openapi.body.info.version).toBe(PKG.version);
    } finally {
      child.kill("SIGTERM");
      const code = await exited;
      keepArtifact("package-install-serve.log", withoutFirstKeyBanner(output));
      expect(code, output).toBe(0);
    }
  });
});
