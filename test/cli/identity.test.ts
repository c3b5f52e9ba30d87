import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cliSession, type CliSession } from "../support/cli-client.js";
import { tokenIn } from "../support/claims.js";
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

describe("keyhouse organizations", () => {
  it("create, list, get by name, update, delete: table, JSON and --quiet", async () => {
    const created = await cli.run(["organizations", "create", "--name", `Acme ${n}`, "--description", "the company"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`^Name: +Acme ${n}$`, "m"));
    const id = /^ID: +(\S+)$/m.exec(created.stdout)?.[1] ?? "";
    const table = await cli.run(["orgs", "list"]);
    expect(table.stdout).toMatch(/^ID +NAME +DESCRIPTION +CREATED$/m);
    expect(table.stdout).toContain(`Acme ${n}`);
    expect((await json(["organizations", "list"])).organizations.map((o: { id: string }) => o.id)).toContain(id);
    // --name filters by a case-insensitive substring (the server's `name` filter).
    expect((await cli.run(["orgs", "list", "--name", `ACME ${n}`, "-q"])).stdout).toBe(`${id}\n`);
    expect((await json(["orgs", "list", "--name", `no such org ${n}`])).organizations).toEqual([]);
    expect((await cli.run(["organizations", "get", `acme ${n}`, "-q"])).stdout).toBe(`${id}\n`);
    const renamed = await json(["organizations", "update", id, "--name", `Acme Corp ${n}`]);
    expect(renamed).toMatchObject({ id, name: `Acme Corp ${n}`, description: "the company" });
    const nothing = await cli.run(["organizations", "update", id]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("nothing to change");
    expect((await cli.run(["organizations", "delete", id])).code).toBe(2);
    const deleted = await cli.run(["organizations", "delete", `Acme Corp ${n}`, "--yes"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(`Deleted organization ${id}.\n`);
    const gone = await cli.run(["organizations", "get", id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^keyhouse: .+\(404 Not found\)\n$/);
  });

  it("a duplicate name is the server's 409 in one line, exit 1", async () => {
    const res = await cli.run(["organizations", "create", "--name", "default"]);
    expect(res.code).toBe(1);
    expect(res.stderr.split("\n")).toHaveLength(2);
    expect(res.stderr).toContain("(409 Conflict)");
  });
});

describe("keyhouse spaces", () => {
  it("create in an organization given by name, list filtered by organization and name, get, update, delete", async () => {
    const org = await json(["organizations", "create", "--name", `Spaces Org ${n}`]);
    const space = await json(["spaces", "create", "--name", `Payments ${n}`, "--org", `spaces org ${n}`, "--description", "money"]);
    expect(space).toMatchObject({ name: `Payments ${n}`, description: "money" });
    expect("organization_id" in space).toBe(false);
    const listed = await json(["spaces", "list", "--org", org.id]);
    expect(listed.spaces.map((s: { id: string }) => s.id)).toEqual([space.id]);
    const table = await cli.run(["spaces", "list", "--name", `payments ${n}`]);
    expect(table.stdout).toMatch(/^ID +NAME +ORGANIZATION +DESCRIPTION +CREATED$/m);
    expect(table.stdout.trim().split("\n")).toHaveLength(2);
    // The space object does not name its organization: the CLI finds it (org_id filter) and shows its name.
    expect(table.stdout).toMatch(new RegExp(`Payments ${n} +Spaces Org ${n} +money`));
    const details = await cli.run(["spaces", "get", `PAYMENTS ${n}`]);
    expect(details.stdout).toMatch(new RegExp(`^Organization: +Spaces Org ${n}$`, "m"));
    const filtered = await cli.run(["spaces", "list", "--org", org.id]);
    expect(filtered.stdout).toMatch(new RegExp(`Payments ${n} +Spaces Org ${n} +money`));
    expect((await json(["spaces", "update", space.id, "--description", "more money"])).description).toBe("more money");
    expect((await cli.run(["spaces", "delete", space.id, "-y", "-q"])).stdout).toBe(`${space.id}\n`);
  });

  it("says clearly when a space name matches none, or several (in different organizations)", async () => {
    const none = await cli.run(["spaces", "get", `no such space ${n}`]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no space with name "no such space ${n}"`);
    for (const org of [`Left ${n}`, `Right ${n}`]) {
      await json(["organizations", "create", "--name", org]);
      await json(["spaces", "create", "--name", `Shared ${n}`, "--org", org]);
    }
    const two = await cli.run(["api-keys", "list", "--space", `shared ${n}`]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain(`2 spaces have name "shared ${n}"`);
    expect(two.stderr).toContain("give the id instead");
    // A substring match alone is not a match: "Shared" is not "Share".
    const prefix = await cli.run(["spaces", "get", `Share ${n}`]);
    expect(prefix.code, prefix.stderr).toBe(2);
  });

  it("lets api-keys take a space by name: create-service-key and list --space", async () => {
    await json(["spaces", "create", "--name", `Deploys ${n}`, "--org", "default"]);
    const key = await json(["api-keys", "create-service-key", "--name", "ci", "--space", `deploys ${n}`, "--org-role", "read-only"]);
    expect(key.key_type).toBe("service");
    const listed = await cli.run(["api-keys", "list", "--space", `Deploys ${n}`, "-q"]);
    expect(listed.stdout).toBe(`${key.id}\n`);
  });
});

describe("keyhouse users and memberships", () => {
  it("create, list by email, get by email, update, issue-key, delete", async () => {
    const email = `ada${n}@example.com`;
    const created = await cli.run(["users", "create", "--name", "Ada Lovelace", "--email", email, "--role", "member", "--no-developer"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^Developer: +no$/m);
    const id = /^ID: +(\S+)$/m.exec(created.stdout)?.[1] ?? "";
    const table = await cli.run(["users", "list", "--email", `ADA${n}@`]);
    expect(table.stdout).toMatch(/^ID +NAME +EMAIL +ROLE +DEVELOPER +STATUS +CREATED$/m);
    expect(table.stdout).toMatch(new RegExp(`Ada Lovelace +${email} +member +no +active`));
    expect((await cli.run(["users", "get", email.toUpperCase(), "-q"])).stdout).toBe(`${id}\n`);
    const updated = await json(["users", "update", email, "--developer", "--role", "admin"]);
    expect(updated).toMatchObject({ id, is_developer: true, role: { type: "predefined", name: "admin" } });

    const issued = await cli.run(["users", "issue-key", email, "--name", "laptop", "--expires-at", "2099-01-01"]);
    expect(issued.code, issued.stderr).toBe(0);
    const raw = issued.stdout.split("\n").find((line) => /^ak-[0-9A-Za-z]{48}$/.test(line)) ?? "";
    expect(issued.stderr).toContain("will not be shown again");
    const who = await t.call("/v2/whoami", { key: raw });
    expect(who.body.user.id).toBe(id);
    expect((await cli.run(["api-keys", "list", "--user-id", email, "-q"])).stdout.trim().split("\n")).toHaveLength(1);

    const deleted = await cli.run(["users", "delete", email, "--yes"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await t.call("/v2/whoami", { key: raw })).status).toBe(401);
    expect((await json(["users", "list"])).users.map((u: { id: string }) => u.id)).not.toContain(id);
    expect((await cli.run(["users", "get", id])).code).toBe(1);
  });

  it("adds a user to an organization and a space, lists members, changes the role, removes them", async () => {
    const email = `grace${n}@example.com`;
    const user = await json(["users", "create", "--name", "Grace Hopper", "--email", email, "--role", "member"]);
    const org = await json(["organizations", "create", "--name", `Navy ${n}`]);
    const space = await json(["spaces", "create", "--name", `Cobol ${n}`, "--org", org.id]);

    const early = await cli.run(["spaces", "add-member", space.id, email, "--role", "member"]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("(422 ");

    const joined = await cli.run(["organizations", "add-member", `navy ${n}`, email, "--role", "member"]);
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stdout).toBe(`User ${user.id} is now member of organization ${org.id}.\n`);
    const membership = await json(["spaces", "add-member", `cobol ${n}`, user.id, "--role", "read-only"]);
    expect(membership).toMatchObject({ user_id: user.id, space_id: space.id, role: { type: "predefined", name: "read-only" } });
    await json(["spaces", "add-member", space.id, email, "--role", "admin"]);
    const members = await cli.run(["spaces", "members", space.id]);
    expect(members.stdout).toMatch(/^USER ID +ROLE +MEMBERSHIP ID$/m);
    expect(members.stdout).toMatch(new RegExp(`^${user.id.replaceAll("+", "\\+")} +admin +\\S+$`, "m"));
    expect((await cli.run(["organizations", "members", org.id, "-q"])).stdout).toBe(`${user.id}\n`);

    const bad = await cli.run(["spaces", "add-member", space.id, email, "--role", "owner"]);
    expect(bad.code).toBe(2);
    const left = await cli.run(["spaces", "remove-member", `cobol ${n}`, email, "-q"]);
    expect(left.stdout).toBe(`${user.id}\n`);
    expect((await json(["spaces", "members", space.id])).memberships).toEqual([]);
    await json(["spaces", "add-member", space.id, email, "--role", "member"]);
    const removed = await cli.run(["organizations", "remove-member", org.id, email]);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await json(["spaces", "members", space.id])).memberships).toEqual([]);
  });
});

describe("keyhouse audit list", () => {
  it("lists events newest first, filtered by action, actor, target and time; JSON carries the details", async () => {
    const key = await json(["api-keys", "create", "--name", `audited ${n}`]);
    const table = await cli.run(["audit", "list", "--limit", "3"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^TIME +ACTION +ACTOR +KEY +ADDRESS +TARGETS$/m);
    expect(table.stdout.split("\n")[1]).toMatch(/^now +api_key\.created /);
    const byTarget = await json(["audit", "list", "--target", key.id, "--action", "api_key.created", "--since", "1h"]);
    expect(byTarget.audit_events).toHaveLength(1);
    expect(byTarget.audit_events[0]).toMatchObject({ action: "api_key.created", actor_user_id: t.adminUserId });
    expect(JSON.stringify(byTarget)).not.toContain(key.key);
    const byActor = await json(["audit", "list", "--actor", "admin@keyhouse.local", "--all"]);
    expect(byActor.audit_events.length).toBeGreaterThan(1);
    expect(byActor.pagination).toEqual({ has_more: false });
    expect((await json(["audit", "list", "--until", "2000-01-01"])).audit_events).toEqual([]);
    const badTime = await cli.run(["audit", "list", "--since", "last tuesday"]);
    expect(badTime.code).toBe(2);
  });

  it("is refused to a non-admin with the server's 403 in one line", async () => {
    const user = await json(["users", "create", "--name", "Member", "--email", `member${n}@example.com`, "--role", "member"]);
    const issued = await json(["users", "issue-key", user.id, "--name", "k"]);
    const res = await cli.run(["audit", "list"], { env: { KEYHOUSE_API_KEY: issued.key } });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^keyhouse: .+\(403 Forbidden\)\n$/);
  });
});

describe("keyhouse users invite-link, resend-invitation, reset-password", () => {
  it("prints a fresh claim link an admin can hand over; the link mints the invited user's first key", async () => {
    const email = `invitee${n}@example.com`;
    const user = await json(["users", "create", "--name", "Invitee", "--email", email, "--role", "member", "--invite-mode", "email_link"]);
    expect(user).toMatchObject({ status: "invited", invite_mode: "email_link" });

    const printed = await cli.run(["users", "invite-link", email]);
    expect(printed.code, printed.stderr).toBe(0);
    const token = tokenIn(printed.stdout);
    expect(printed.stdout.trim()).toMatch(new RegExp(`^http://[^ ]+/#/claim/${token}$`));
    expect(printed.stderr).toContain("works once");
    const described = await json(["users", "invite-link", user.id]);
    expect(described).toMatchObject({ kind: "invitation" });
    const latest = tokenIn(described.url);
    // The second link replaced the first.
    expect((await t.call("/v2/claims/inspect", { method: "POST", body: { token }, key: null })).status).toBe(404);
    const redeemed = await t.call("/v2/claims/redeem", { method: "POST", body: { token: latest, name: "cli" }, key: null });
    expect(redeemed.status, redeemed.text).toBe(201);

    // Active now: resend-invitation is refused with the server's words; reset-password is accepted.
    const resend = await cli.run(["users", "resend-invitation", email]);
    expect(resend.code).toBe(1);
    expect(resend.stderr).toContain("reset-password");
    const reset = await cli.run(["users", "reset-password", email]);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toContain("Recovery link issued");
    expect((await json(["users", "invite-link", email])).kind).toBe("recovery");
  });
});
