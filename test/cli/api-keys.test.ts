import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createServer, request as httpRequest } from "node:http";
import { freePort } from "../support/cli.js";
import { cliSession, type CliSession } from "../support/cli-client.js";
import { seedSpace, seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";

const RAW_KEY = /ak-[0-9A-Za-z]{48}/;
const ESC = "\u001b[";

let t: TestServer;
let cli: CliSession;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());
beforeEach(() => {
  cli = cliSession(t);
});
afterEach(() => cli.cleanup());

async function createUserKey(name: string, key = t.adminKey): Promise<{ id: string; key: string }> {
  const res = await t.call("/v2/api-keys", { method: "POST", body: { name }, key });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id, key: res.body.key };
}

async function status(id: string): Promise<string> {
  return (await t.call(`/v2/api-keys/${id}`)).body.status;
}

describe("keyhouse api-keys create", () => {
  it("prints the raw key once on a line of its own, with a warning on stderr that it will not be shown again", async () => {
    const res = await cli.run(["api-keys", "create", "--name", "ci", "--description", "for CI", "--expires-at", "30d"]);
    expect(res.code, res.stderr).toBe(0);
    const keyLines = res.stdout.split("\n").filter((line) => RAW_KEY.test(line));
    expect(keyLines).toHaveLength(1);
    expect(keyLines[0]).toMatch(/^ak-[0-9A-Za-z]{48}$/);
    expect(res.stdout).toMatch(/^Expires: +\S+ \(in 30 days\)$/m);
    expect(res.stdout).toMatch(/^Description: +for CI$/m);
    expect(res.stderr).toContain("will not be shown again");
    expect(res.stderr).not.toMatch(RAW_KEY);
    const who = await t.call("/v2/whoami", { key: keyLines[0] });
    expect(who.status).toBe(200);
  });

  it("with --quiet prints only the key, and with --output json the server's response", async () => {
    const quiet = await cli.run(["api-keys", "create", "--name", "quiet", "-q"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/^ak-[0-9A-Za-z]{48}\n$/);
    expect(quiet.stderr).toBe("");
    const json = await cli.run(["api-keys", "create", "--name", "json", "--output", "json"]);
    const body = JSON.parse(json.stdout);
    expect(body).toMatchObject({ name: "json", key_type: "user", status: "active" });
    expect(body.key).toMatch(/^ak-[0-9A-Za-z]{48}$/);
  });

  it("creates a service key in a space given by id, with roles", async () => {
    const space = await seedSpace(t, `Payments ${Date.now()}`);
    const res = await cli.run([
      "api-keys",
      "create-service-key",
      "--name",
      "deploy",
      "--space",
      space.wireId,
      "--space-role",
      "admin",
      "-o",
      "json",
    ]);
    expect(res.code, res.stderr).toBe(0);
    const body = JSON.parse(res.stdout);
    // JSON is the server's ApiKeyCreated, which does not name the space.
    expect(body).toMatchObject({ key_type: "service" });
    expect("space_id" in body).toBe(false);
    const who = await t.call("/v2/whoami", { key: body.key });
    expect(who.body.api_key.space_id).toBe(space.wireId);
    expect(who.body.user.kind).toBe("bot");
    // The details name the space the request named; `get` reads it from GET /v2/api-keys/{id} (extension).
    const shown = await cli.run(["api-keys", "create-service-key", "--name", "deploy 2", "--space", space.wireId]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^Space: +${space.wireId.replaceAll("+", "\\+")}$`, "m"));
    const got = await cli.run(["api-keys", "get", body.id]);
    expect(got.stdout).toMatch(new RegExp(`^Space: +${space.wireId.replaceAll("+", "\\+")}$`, "m"));
  });

  it("refuses bad options as usage errors (exit 2) before calling the server", async () => {
    for (const args of [
      ["api-keys", "create"],
      ["api-keys", "create", "--name", "x", "--expires-at", "someday"],
      ["api-keys", "create-service-key", "--name", "x", "--space", "default", "--space-role", "owner"],
      ["api-keys", "list", "--limit", "101"],
      ["api-keys", "list", "--status", "gone"],
      ["api-keys", "get"],
      ["api-keys", "frobnicate"],
      ["api-keys", "list", "--output", "yaml"],
    ]) {
      const res = await cli.run(args);
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stdout).toBe("");
    }
  });
});

describe("keyhouse api-keys list", () => {
  it("prints a table with relative times and no color when stdout is not a terminal", async () => {
    await createUserKey("table-key");
    const res = await cli.run(["api-keys", "list"]);
    expect(res.code, res.stderr).toBe(0);
    const [header, ...rows] = res.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^ID +NAME +TYPE +STATUS +KEY +CREATED +EXPIRES +LAST USED$/);
    expect(rows.find((row) => row.includes("table-key"))).toMatch(
      / user +active +ak-\w{3}\.\.\.\w{3} +(now|\d+ seconds? ago) +never +never$/,
    );
    expect(res.stdout).not.toContain(ESC);
  });

  it("colors the status on a terminal, and not with NO_COLOR", async () => {
    const colored = await cli.tty(["api-keys", "list"]);
    expect(colored.code, colored.stdout).toBe(0);
    expect(colored.stdout).toContain(`${ESC}32mactive${ESC}0m`);
    const plain = await cli.tty(["api-keys", "list"], { env: { NO_COLOR: "1" } });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("active");
    expect(plain.stdout).not.toContain(ESC);
  });

  it("prints the server's JSON, and only ids with --quiet", async () => {
    const made = await createUserKey("json-list");
    const json = JSON.parse((await cli.run(["api-keys", "list", "-o", "json"])).stdout);
    expect(json.pagination).toEqual({ has_more: false });
    expect(json.api_keys.map((k: { id: string }) => k.id)).toContain(made.id);
    const quiet = await cli.run(["api-keys", "list", "--quiet"]);
    expect(quiet.stdout.trim().split("\n")).toEqual(json.api_keys.map((k: { id: string }) => k.id));
  });

  it("pages with --limit/--cursor, says how to get the next page, and --all walks every page", async () => {
    const user = await seedUser(t, { role: "member" });
    const own = cliSession(t, user.key);
    try {
      for (let i = 0; i < 4; i++) await createUserKey(`page-${i}`, user.key);
      const first = await own.run(["api-keys", "list", "--limit", "2", "-q"]);
      expect(first.stdout.trim().split("\n")).toHaveLength(2);
      const hint = await own.run(["api-keys", "list", "--limit", "2"]);
      const cursor = /--cursor (\S+)/.exec(hint.stderr)?.[1];
      expect(cursor, hint.stderr).toBeDefined();
      const second = await own.run(["api-keys", "list", "--limit", "2", "--cursor", cursor ?? "", "-q"]);
      expect(second.stdout.trim().split("\n")).toHaveLength(2);
      const all = await own.run(["api-keys", "list", "--all", "--limit", "2", "-q"]);
      const ids = all.stdout.trim().split("\n");
      expect(ids).toHaveLength(5);
      expect(new Set(ids).size).toBe(5);
      expect(ids.slice(0, 4)).toEqual([...first.stdout.trim().split("\n"), ...second.stdout.trim().split("\n")]);
      const json = JSON.parse((await own.run(["api-keys", "list", "--all", "--limit", "2", "-o", "json"])).stdout);
      expect(json.api_keys).toHaveLength(5);
      expect(json.pagination).toEqual({ has_more: false });
      expect(all.stderr).toBe("");
    } finally {
      own.cleanup();
    }
  });

  it("shows a progress line on a terminal's stderr during a long --all walk, and erases it", async () => {
    const user = await seedUser(t, { role: "member" });
    for (let i = 0; i < 250; i++) await createUserKey(`walk-${i}`, user.key);
    // The line appears only after 300 ms; a fast machine walks 250 pages in less. The walk
    // goes through a real proxy that holds each page 4 ms, so it always lasts long enough.
    const slow = await delayingProxy(t.url, 4);
    try {
      const res = await cli.tty(["api-keys", "list", "--all", "--limit", "1"], {
        env: { KEYHOUSE_API_KEY: user.key, KEYHOUSE_URL: slow.url },
      });
      expectProgressShownAndErased(res);
    } finally {
      await slow.close();
    }
  });

  function expectProgressShownAndErased(res: { code: number | null; stdout: string }): void {
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Fetching API keys… \d+/);
    // Erased before the table is printed: the table's header starts a clean line.
    // eslint-disable-next-line no-control-regex -- matching the terminal's escape sequences is the point
    expect(res.stdout).toMatch(/\r\u001b\[K(\u001b\[1m)?ID +NAME/);
    expect(res.stdout.split("\n").filter((line) => line.includes("walk-"))).toHaveLength(250);
  }

  it("filters by type, status, space id and user id", async () => {
    const space = await seedSpace(t, `Filters ${Date.now()}`);
    const svc = await t.call("/v2/api-keys", { method: "POST", body: { name: "svc-filter", key_type: "service", space_id: space.wireId } });
    const bySpace = await cli.run(["api-keys", "list", "--space", space.wireId, "-q"]);
    expect(bySpace.stdout.trim()).toBe(svc.body.id);
    const service = await cli.run(["api-keys", "list", "--key-type", "service", "-q"]);
    expect(service.stdout).toContain(svc.body.id);
    const doomed = await createUserKey("doomed");
    await t.call(`/v2/api-keys/${doomed.id}`, { method: "DELETE" });
    const deleted = await cli.run(["api-keys", "list", "--status", "deleted", "-q"]);
    expect(deleted.stdout.trim().split("\n")).toContain(doomed.id);
    const user = await seedUser(t);
    const theirs = await cli.run(["api-keys", "list", "--user-id", user.wireId, "-o", "json"]);
    expect(JSON.parse(theirs.stdout).api_keys.map((k: { name: string }) => k.name)).toEqual(["seed"]);
  });
});

describe("keyhouse api-keys get, delete, refresh", () => {
  it("get shows one key as details, JSON or its id", async () => {
    const made = await createUserKey("get-me");
    const res = await cli.run(["api-keys", "get", made.id]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Name: +get-me$/m);
    expect(res.stdout).toMatch(/^Status: +active$/m);
    expect(res.stdout).not.toMatch(RAW_KEY);
    expect(JSON.parse((await cli.run(["api-keys", "get", made.id, "-o", "json"])).stdout).id).toBe(made.id);
    expect((await cli.run(["api-keys", "get", made.id, "-q"])).stdout).toBe(`${made.id}\n`);
  });

  it("turns the server's problem into one line on stderr and exit 1", async () => {
    const made = await createUserKey("gone");
    await t.call(`/v2/api-keys/${made.id}`, { method: "DELETE" });
    const wrongType = await cli.run(["api-keys", "get", t.spaceId]);
    expect(wrongType.code).toBe(1);
    expect(wrongType.stderr).toBe("keyhouse: path parameter api_key_id is not an API key id (400 Invalid id)\n");
    const refresh = await cli.run(["api-keys", "refresh", made.id]);
    expect(refresh.code).toBe(1);
    expect(refresh.stderr.split("\n")).toHaveLength(2);
    expect(refresh.stderr).toMatch(/^keyhouse: .+ \(422 Not allowed in the current state\)\n$/);
    const unauthorized = await cli.run(["api-keys", "list"], { env: { KEYHOUSE_API_KEY: made.key } });
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toContain("(401 Unauthorized); check the key, or log in again: keyhouse login");
  });

  it("reports an unreachable server in one line with exit 1", async () => {
    const port = await freePort();
    const res = await cli.run(["api-keys", "list"], { env: { KEYHOUSE_URL: `http://127.0.0.1:${port}` } });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`keyhouse: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });

  it("delete refuses without --yes when stdin is not a terminal (exit 2), and deletes with --yes", async () => {
    const made = await createUserKey("delete-me");
    const refused = await cli.run(["api-keys", "delete", made.id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("standard input is not a terminal; pass --yes");
    expect(await status(made.id)).toBe("active");
    const res = await cli.run(["api-keys", "delete", made.id, "--yes"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe(`Deleted API key ${made.id}.\n`);
    expect(await status(made.id)).toBe("deleted");
  });

  it("delete asks on a terminal: no keeps the key (exit 1), yes deletes it", async () => {
    const made = await createUserKey("ask-me");
    const declined = await cli.tty(["api-keys", "delete", made.id], { answers: [{ after: /\[y\/N\] /, type: "n\r" }] });
    expect(declined.stdout).toMatch(/Delete user key "ask-me" \(ak-\w{3}\.\.\.\w{3}\)\? It stops working at once\. \[y\/N\]/);
    expect(declined.code).toBe(1);
    expect(declined.stdout).toContain("nothing was deleted");
    expect(await status(made.id)).toBe("active");
    const accepted = await cli.tty(["api-keys", "delete", made.id], { answers: [{ after: /\[y\/N\] /, type: "yes\r" }] });
    expect(accepted.code, accepted.stdout).toBe(0);
    expect(await status(made.id)).toBe("deleted");
  });

  it("refresh prints the new key once and says how long the old one lasts", async () => {
    const made = await createUserKey("rotate-me");
    const res = await cli.run(["api-keys", "refresh", made.id, "--grace-period", "1h"]);
    expect(res.code, res.stderr).toBe(0);
    const fresh = res.stdout.split("\n").find((line) => /^ak-/.test(line)) ?? "";
    expect(fresh).toMatch(/^ak-[0-9A-Za-z]{48}$/);
    expect(fresh).not.toBe(made.key);
    expect(res.stderr).toContain(`The old key ${made.id} keeps working for 1 h more`);
    expect((await t.call("/v2/whoami", { key: made.key })).status).toBe(200);
    const quiet = await cli.run(["api-keys", "refresh", /new id (\S+)\./.exec(res.stdout)?.[1] ?? "", "-q", "--expires-at", "2099-01-01"]);
    expect(quiet.stdout).toMatch(/^ak-[0-9A-Za-z]{48}\n$/);
    expect((await t.call("/v2/whoami", { key: fresh })).status).toBe(401);
  });
});

/** A real HTTP proxy in front of `target` that holds every request `ms` milliseconds before forwarding it. */
async function delayingProxy(target: string, ms: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    setTimeout(() => {
      const upstream = httpRequest(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    }, ms);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
