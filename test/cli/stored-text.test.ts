import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { insertOrganization } from "../../src/store/queries/identity.js";
import { cliSession, type CliSession } from "../support/cli-client.js";
import { createKey } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";

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

/** Every character that could reorder or hide terminal text. */
const UNSAFE = /[\u0080-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

describe("the CLI prints stored text with bidi and invisible characters escaped", () => {
  // The API refuses these names now; a store written before it did may hold them, so they are put there directly.
  it("an organization named with U+202E shows as \\u202E in tables, in get, and as a JSON escape in -o json", async () => {
    const db = t.server.store.db;
    const account = await db.selectFrom("accounts").select("id").executeTakeFirstOrThrow();
    const org = await insertOrganization(db, {
      account_id: account.id,
      name: "invoice\u202Efdp.exe",
      description: "zero\u200bwidth and \u0085next line",
      created_at: Date.now(),
    });
    const table = await cli.run(["organizations", "list"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).not.toMatch(UNSAFE);
    expect(table.stdout).toContain("invoice\\u202Efdp.exe");
    expect(table.stdout).toContain("zero\\u200Bwidth and \\x85next line");

    const listed = JSON.parse((await cli.run(["organizations", "list", "-o", "json"])).stdout);
    const id = listed.organizations.find((o: { name: string }) => o.name === "invoice\u202Efdp.exe").id;
    const get = await cli.run(["organizations", "get", id]);
    expect(get.stdout).not.toMatch(UNSAFE);
    expect(get.stdout).toMatch(/^Name: +invoice\\u202Efdp\.exe$/m);

    const json = await cli.run(["organizations", "get", id, "-o", "json"]);
    expect(json.stdout).not.toMatch(UNSAFE);
    expect(json.stdout).toContain('"invoice\\u202efdp.exe"');
    expect(JSON.parse(json.stdout)).toMatchObject({ name: "invoice\u202Efdp.exe", description: "zero\u200bwidth and \u0085next line" });
    expect(org.id).toBeGreaterThan(0);
  });

  it("an API key renamed in the store to hold U+202E and U+2066 is listed escaped", async () => {
    const { id } = await createKey(t, { name: "plain" });
    await t.server.store.db.updateTable("api_keys").set({ name: "a\u2066b\u202Ec" }).where("name", "=", "plain").execute();
    const listed = await cli.run(["api-keys", "list"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).not.toMatch(UNSAFE);
    expect(listed.stdout).toContain("a\\u2066b\\u202Ec");
    expect(id).toBeTruthy();
  });
});
