import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster, type Node } from "../support/cluster.js";
import type { HttpResponse, Json } from "../support/http.js";
import { recordFigures } from "../support/hygiene.js";
import { forEachStore } from "../support/stores.js";
import { eventsAbout, eventually, serial, shuffled } from "./race-support.js";

/**
 * Identity changes racing with the requests they govern, through two processes
 * on one store: a user deleted while creating keys, and a member's role changed
 * while the member's permission checks run (through the authentication cache).
 */

const ROUNDS = Number(process.env.KEYHOUSE_RACE_ROUNDS || 12);

function expectStatus(res: HttpResponse, status: number): Json {
  expect(res.status, res.text).toBe(status);
  return res.body;
}

describe("races between identity changes and the requests they govern", () => {
  forEachStore((store) => {
    let cluster: Cluster;
    let a: Node;
    let b: Node;
    let orgId: string;
    let spaceId: string;
    const figures = {
      user_deletion_rounds: 0,
      creates_racing_deletion: 0,
      creates_refused: 0,
      role_change_rounds: 0,
      permission_checks: 0,
    };

    beforeAll(async () => {
      cluster = await startCluster(store, 2, { KEYHOUSE_AUTH_FAILURE_LIMIT: "1000000" });
      [a, b] = cluster.nodes as [Node, Node];
      // The first organization and its first space (a space names no organization: list with org_id).
      orgId = (await a.call("/v2/organizations?limit=1")).body.organizations[0].id;
      spaceId = (await a.call(`/v2/spaces?limit=1&org_id=${encodeURIComponent(orgId)}`)).body.spaces[0].id;
    }, 60_000);
    afterAll(async () => {
      recordFigures(`races-identity-${store}`, figures);
      await cluster.close();
    });

    /** A developer with a member role in the default organization and space, and a key (warm in both caches). */
    async function member(round: number): Promise<{ id: string; key: string }> {
      const user = expectStatus(
        await a.call("/v2/users", {
          method: "POST",
          body: { name: `Racer ${round}`, email: `racer-${round}-${Date.now()}@example.test`, role: "member" },
        }),
        201,
      );
      expectStatus(await a.call(`/v2/organizations/${orgId}/users`, { method: "POST", body: { user_id: user.id, role: "member" } }), 200);
      expectStatus(await a.call(`/v2/spaces/${spaceId}/users`, { method: "POST", body: { user_id: user.id, role: "member" } }), 200);
      const key = expectStatus(await a.call(`/v2/users/${user.id}/api-keys`, { method: "POST", body: { name: "first" } }), 201).key;
      for (const node of cluster.nodes) expectStatus(await node.call("/v2/whoami", { key }), 200);
      return { id: user.id, key };
    }

    it("deleting a user while the user creates keys leaves no working key of theirs, and nothing done as them after the deletion", async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const user = await member(round);
        // Keys the user made before: rotating them races the deletion too.
        const before = [
          expectStatus(await a.call("/v2/api-keys", { method: "POST", body: { name: "before" }, key: user.key }), 201),
          expectStatus(
            await a.call("/v2/api-keys", {
              method: "POST",
              body: { name: "before svc", key_type: "service", space_id: spaceId },
              key: user.key,
            }),
            201,
          ),
        ];
        const creates = Array.from({ length: 6 }, (_, i) => ({
          node: cluster.nodes[(round + i) % 2] ?? a,
          body: i % 2 === 0 ? { name: `mine ${i}` } : { name: `svc ${i}`, key_type: "service", space_id: spaceId },
          issue: i === 5,
        }));
        const deleting = round % 2 === 0 ? a : b;
        const results = await Promise.all(
          shuffled([
            ...creates.map((c) => async () => ({
              kind: c.issue ? "issue" : "create",
              res: c.issue
                ? await c.node.call(`/v2/users/${user.id}/api-keys`, { method: "POST", body: { name: "issued" } })
                : await c.node.call("/v2/api-keys", { method: "POST", body: c.body, key: user.key }),
            })),
            ...before.map((key, i) => async () => ({
              kind: "refresh",
              res: await (cluster.nodes[(round + i + 1) % 2] ?? a).call(`/v2/api-keys/${key.id}/refresh`, {
                method: "POST",
                key: user.key,
              }),
            })),
            async () => {
              // A little jitter (never asserted on) so the deletion lands at different points among the creates.
              await new Promise((r) => setTimeout(r, Math.random() * 15));
              return { kind: "delete", res: await deleting.call(`/v2/users/${user.id}`, { method: "DELETE" }) };
            },
          ]).map((run) => run()),
        );
        // Authentication reads the key and user, then the memberships, in two statements: a deletion
        // committing between them leaves an active user without roles, refused with 403 (or 404 for
        // a key it can no longer see) instead of 401. Refused all the same.
        // An admin issuing a key for the user gets 404 once the deletion committed (a deleted user is gone from
        // the API), 422 when the deletion commits while the issue is in flight.
        const refused = [401, 403, 404];
        for (const { kind, res } of results) {
          const allowed =
            kind === "delete"
              ? [204]
              : kind === "issue"
                ? [201, 404, 422]
                : kind === "refresh"
                  ? [200, 422, ...refused]
                  : [201, ...refused];
          expect(allowed, `${kind} answered ${res.status}: ${res.text}`).toContain(res.status);
        }
        const made = results.filter((r) => r.kind !== "delete" && (r.res.status === 201 || r.res.status === 200)).map((r) => r.res.body);

        // The user's own key and every user key acting as them (made before, during, or by rotation) are refused, on both processes, and deleted.
        for (const node of cluster.nodes) {
          await eventually(
            async () => (await node.call("/v2/whoami", { key: user.key })).status === 401,
            "the deleted user's key is refused",
          );
          for (const key of made.filter((k) => k.key_type === "user")) {
            await eventually(
              async () => (await node.call("/v2/whoami", { key: key.key })).status === 401,
              "a key of the deleted user is refused",
            );
          }
        }
        for (const key of [...before, ...made].filter((k) => k.key_type === "user"))
          expect((await a.call(`/v2/api-keys/${key.id}`)).body.status).toBe("deleted");
        const active = await a.call(`/v2/api-keys?user_id=${encodeURIComponent(user.id)}&limit=100`);
        expect(active.body.api_keys, "an active user key of a deleted user").toEqual([]);

        // Nothing was done as the user, or issued for them, after their deletion was written.
        const events = await eventsAbout(a, user.id);
        const deletion = events.find((e) => e.action === "user.deleted");
        expect(deletion).toBeDefined();
        for (const key of made) {
          const created = (await eventsAbout(a, key.id)).find(
            (e) =>
              ["api_key.created", "api_key.issued"].includes(e.action) ||
              (e.action === "api_key.refreshed" && e.details.new_key_id === key.id),
          );
          expect(created, `the creation of ${key.id} is audited`).toBeDefined();
          expect(serial(created.id), `${key.key_type} key ${key.id} created after its creator's deletion`).toBeLessThan(
            serial(deletion.id),
          );
        }
        // Service keys made before the deletion keep working (SPEC §7).
        for (const key of made.filter((k) => k.key_type === "service"))
          expect((await b.call("/v2/whoami", { key: key.key })).status).toBe(200);

        figures.user_deletion_rounds += 1;
        figures.creates_racing_deletion += creates.length + before.length;
        figures.creates_refused += creates.length + before.length - made.length;
      }
    }, 300_000);

    it("a role change is in force on the process that made it before it answers, on the other soon after, and never yields a 5xx", async () => {
      const user = await member(1000);
      const roles = ["read-only", "member", "removed", "member", "read-only", "removed", "member"] as const;
      const allowedToCreate = (role: string) => role === "member";
      let noise = true;
      const noiseStatuses: number[] = [];
      const racing = Promise.all(
        cluster.nodes.map(async (node) => {
          while (noise) {
            const create = await node.call("/v2/api-keys", {
              method: "POST",
              body: { name: "noise", key_type: "service", space_id: spaceId },
              key: user.key,
            });
            const list = await node.call(`/v2/api-keys?space_id=${encodeURIComponent(spaceId)}&limit=1`, { key: user.key });
            noiseStatuses.push(create.status, list.status);
          }
        }),
      );
      try {
        for (let i = 0; i < ROUNDS; i++) {
          const role = roles[i % roles.length] ?? "member";
          const changer = i % 2 === 0 ? a : b;
          const other = changer === a ? b : a;
          const change =
            role === "removed"
              ? await changer.call(`/v2/spaces/${spaceId}/users/${user.id}`, { method: "DELETE" })
              : await changer.call(`/v2/spaces/${spaceId}/users`, { method: "POST", body: { user_id: user.id, role } });
          expect(change.status, change.text).toBe(role === "removed" ? 204 : 200);
          // On the process that answered: in force at once.
          const create = await changer.call("/v2/api-keys", {
            method: "POST",
            body: { name: "check", key_type: "service", space_id: spaceId },
            key: user.key,
          });
          if (allowedToCreate(role)) expect(create.status, `${role} may create service keys: ${create.text}`).toBe(201);
          else expect([403, 404], `${role} may not create service keys: ${create.text}`).toContain(create.status);
          const list = await changer.call(`/v2/api-keys?space_id=${encodeURIComponent(spaceId)}&limit=1`, { key: user.key });
          // A removed member no longer sees the space at all: 404, as for a missing space (docs/identity.md).
          expect(list.status, `${role} ${role === "removed" ? "may not" : "may"} read service keys`).toBe(role === "removed" ? 404 : 200);
          // On the other process: soon.
          await eventually(async () => {
            const res = await other.call(`/v2/api-keys?space_id=${encodeURIComponent(spaceId)}&limit=1`, { key: user.key });
            return res.status === (role === "removed" ? 404 : 200);
          }, `the other process applies the change to ${role}`);
          figures.role_change_rounds += 1;
          figures.permission_checks += 3;
        }
      } finally {
        noise = false;
        await racing;
      }
      figures.permission_checks += noiseStatuses.length;
      const unexpected = noiseStatuses.filter((s) => ![200, 201, 403, 404].includes(s));
      expect(unexpected, "answers to permission checks racing role changes").toEqual([]);
    }, 300_000);
  });
});
