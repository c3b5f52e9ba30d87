import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/cli.js";
import { eventually } from "../support/clock.js";
import { send } from "../support/http.js";
import { keepArtifact } from "../support/hygiene.js";
import { expectStatus, person, unique } from "../support/identity.js";
import { createKey } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";

/**
 * Issue 17: the examples run as a user runs them, `npm start` in their folder
 * against a local keyhouse, and are exercised over HTTP: the Express and Hono
 * middleware are tested here, through the examples.
 */

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");

interface Service {
  url: string;
  child: ChildProcess;
  output(): string;
}

async function startExample(name: string, keyhouseUrl: string, verifyKey: string): Promise<Service> {
  const port = await freePort();
  const child = spawn("npm", ["start", "--silent"], {
    cwd: join(EXAMPLES, name),
    env: { PATH: process.env.PATH ?? "", KEYHOUSE_URL: keyhouseUrl, KEYHOUSE_VERIFY_KEY: verifyKey, PORT: String(port) },
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not start: ${output}`);
}

describe.each(["fastify-service", "express-service", "hono-service"])("examples/%s", (name) => {
  let t: TestServer;
  let service: Service;
  let projectId: string;

  beforeAll(async () => {
    t = await startTestServer({ store: "sqlite" });
    service = await startExample(name, t.url, t.adminKey);
    projectId = expectStatus(await t.call("/v2/projects", { method: "POST", body: { name: unique("p"), space_id: t.spaceId } }), 201).id;
  });
  afterAll(async () => {
    if (service?.child.pid !== undefined) {
      const exited = new Promise((resolve) => service.child.once("exit", resolve));
      process.kill(-service.child.pid, "SIGTERM");
      await exited;
      keepArtifact(`example-${name}.log`, service.output());
    }
    await t?.close();
  });

  it("refuses requests without a valid key with 401 problems", async () => {
    for (const key of [undefined, "not-a-key", `ak-${"B".repeat(48)}`]) {
      const res = await send(service.url, "/me", key === undefined ? {} : { key });
      expect(res.status).toBe(401);
      expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, title: "Unauthorized" });
    }
  });

  it("serves a valid key with its subject, and checks permissions on a project", async () => {
    const created = await createKey(t, { name: unique("k") });
    const me = await send(service.url, "/me", { key: created.key });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ subject: { id: t.adminUserId, kind: "human" }, key: { id: created.id } });

    const notes = `/projects/${projectId}/notes`;
    expect((await send(service.url, notes, { key: created.key })).body).toEqual({ notes: [] });
    const posted = await send(service.url, notes, { key: created.key, method: "POST", body: { text: "hello" } });
    expect(posted.status).toBe(201);
    expect((await send(service.url, notes, { key: created.key })).body.notes).toHaveLength(1);

    // A read-only member of the space may read its projects but not change them.
    const member = await person(t, { org: { id: t.organizationId, role: "member" }, space: { id: t.spaceId, role: "read-only" } });
    const read = await send(service.url, notes, { key: member.key });
    const write = await send(service.url, notes, { key: member.key, method: "POST", body: { text: "no" } });
    expect([read.status, write.status]).toEqual([200, 403]);
    expect(write.body).toMatchObject({ status: 403, type: "urn:keyhouse:problem:insufficient-permissions" });
    // Someone outside the organization sees nothing there.
    const outsider = await person(t);
    expect((await send(service.url, notes, { key: outsider.key })).status).toBe(403);
  });

  it("stops accepting a key once it is revoked in keyhouse", async () => {
    const created = await createKey(t, { name: unique("k") });
    expect((await send(service.url, "/me", { key: created.key })).status).toBe(200);
    expect((await t.call(`/v2/api-keys/${created.id}`, { method: "DELETE" })).status).toBe(204);
    await eventually(
      async () => (await send(service.url, "/me", { key: created.key })).status === 401,
      "the example refused the revoked key",
    );
  });
});
