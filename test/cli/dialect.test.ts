import { afterAll, beforeAll, expect, it } from "vitest";
import { cliSession } from "../support/cli-client.js";
import { startTestServer, type TestServer } from "../support/server.js";

let t: TestServer;
beforeAll(async () => {
  // A server whose default wire is the current Arize client's (UPPER_SNAKE values).
  t = await startTestServer({ env: { KEYHOUSE_DIALECT: "2026-07" } });
});
afterAll(async () => t.close());

it("pins 2026-06 with Keyhouse-Dialect, so it shows and filters keys whatever KEYHOUSE_DIALECT says", async () => {
  expect((await t.call("/v2/api-keys")).body.api_keys[0].status).toBe("ACTIVE");
  const cli = cliSession(t);
  try {
    const created = await cli.run(["api-keys", "create", "--name", "pinned", "--output", "json"]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ key_type: "user", status: "active" });
    const listed = await cli.run(["api-keys", "list", "--output", "json"]);
    expect(listed.code, listed.stderr).toBe(0);
    const keys = JSON.parse(listed.stdout) as { name: string; status: string }[] | { api_keys: { name: string; status: string }[] };
    const rows = Array.isArray(keys) ? keys : keys.api_keys;
    expect(rows.find((k) => k.name === "pinned")?.status).toBe("active");
    const table = await cli.run(["api-keys", "list"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("pinned");
  } finally {
    cli.cleanup();
  }
});
