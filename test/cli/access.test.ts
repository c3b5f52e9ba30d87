import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cliSession, type CliSession } from "../support/cli-client.js";
import type { Json } from "../support/http.js";
import { startTestServer, type TestServer } from "../support/server.js";

let t: TestServer;
let cli: CliSession;
let n = 0;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());
beforeEach(() => {
  cli = cliSession(t);
  n += 1;
});
afterEach(() => cli.cleanup());

/** Runs a command that must succeed and returns its stdout as JSON. */
async function json(args: string[]): Promise<Json> {
  const res = await cli.run([...args, "-o", "json"]);
  expect(res.code, `${args.join(" ")}: ${res.stderr}`).toBe(0);
  return JSON.parse(res.stdout);
}

describe("keyhouse projects", () => {
  it("create in a space given by name, list by space and name, get by name, rename, delete", async () => {
    const created = await cli.run(["projects", "create", "--name", `Checkout ${n}`, "--space", "default"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`^Name: +Checkout ${n}$`, "m"));
    const id = /^ID: +(\S+)$/m.exec(created.stdout)?.[1] ?? "";
    const table = await cli.run(["projects", "list", "--space", "DEFAULT", "--name", `checkout ${n}`]);
    expect(table.stdout).toMatch(/^ID +NAME +SPACE +CREATED$/m);
    expect(table.stdout.trim().split("\n")).toHaveLength(2);
    expect((await json(["projects", "list", "--space-name", "default"])).projects.map((p: { id: string }) => p.id)).toContain(id);
    expect((await cli.run(["projects", "get", `CHECKOUT ${n}`, "-q"])).stdout).toBe(`${id}\n`);
    expect(await json(["projects", "update", `checkout ${n}`, "--space", "default", "--name", `Cart ${n}`])).toMatchObject({
      id,
      name: `Cart ${n}`,
      space_id: t.spaceId,
    });
    const duplicate = await cli.run(["projects", "create", "--name", `cart ${n}`, "--space", t.spaceId]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain("(409 Conflict)");
    expect((await cli.run(["projects", "delete", `Cart ${n}`, "--yes", "-q"])).stdout).toBe(`${id}\n`);
    const gone = await cli.run(["projects", "get", id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("(404 Not found)");
  });
});

describe("keyhouse roles, role-bindings and restrictions", () => {
  it("a custom role bound to a user on a project given by names, the project restricted, then all undone", async () => {
    const role = await json(["roles", "create", "--name", `Deployers ${n}`, "--permission", "SERVICE_KEY_READ,service_key_create"]);
    expect(role).toMatchObject({ name: `Deployers ${n}`, is_predefined: false, permissions: ["SERVICE_KEY_CREATE", "SERVICE_KEY_READ"] });
    const roles = await cli.run(["roles", "list", "--kind", "predefined"]);
    expect(roles.stdout).toMatch(/^ID +NAME +KIND +PERMISSIONS +DESCRIPTION +CREATED$/m);
    expect(roles.stdout).toMatch(/ read-only +predefined /);
    expect(roles.stdout).not.toContain(`Deployers ${n}`);
    expect((await cli.run(["roles", "get", "member"])).stdout).toMatch(/^Permissions: +.*SERVICE_KEY_CREATE/m);

    const email = `grace${n}@example.com`;
    const user = await json(["users", "create", "--name", "Grace", "--email", email, "--role", "member"]);
    expect((await cli.run(["organizations", "add-member", "default", email, "--role", "member"])).code).toBe(0);
    const project = await json(["projects", "create", "--name", `Releases ${n}`, "--space", "default"]);
    const binding = await json(["role-bindings", "create", "--user", email, "--role", `deployers ${n}`, "--project", `releases ${n}`]);
    expect(binding).toMatchObject({ user_id: user.id, role_id: role.id, resource_type: "PROJECT", resource_id: project.id });
    const both = await cli.run(["role-bindings", "create", "--user", email, "--role", "member", "--space", "default", "--project", "x"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("exactly one of --space and --project");
    expect((await json(["role-bindings", "list", "--user", email])).role_bindings.map((b: { id: string }) => b.id)).toEqual([binding.id]);
    expect((await json(["role-bindings", "update", binding.id, "--role", "read-only"])).role_id).not.toBe(role.id);

    const restricted = await json(["restrictions", "add", `Releases ${n}`]);
    expect(restricted.resource_restriction).toMatchObject({ resource_type: "PROJECT", resource_id: project.id });
    expect((await cli.run(["restrictions", "remove", project.id])).stdout).toBe(`Lifted the restriction of project ${project.id}.\n`);
    const again = await cli.run(["restrictions", "delete", project.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("is not restricted");

    expect((await cli.run(["role-bindings", "delete", binding.id, "--yes"])).code).toBe(0);
    const deleted = await cli.run(["roles", "delete", `Deployers ${n}`, "--yes"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    const predefined = await cli.run(["roles", "delete", "admin", "--yes"]);
    expect(predefined.code).toBe(1);
    expect(predefined.stderr).toContain("(403 Forbidden)");
  });
});
