import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster.js";
import type { HttpResponse } from "../support/http.js";
import { recordFigures } from "../support/hygiene.js";
import { forEachStore } from "../support/stores.js";
import { eventsAbout, eventually, probeWhile, serial, shuffled, Ticks } from "./race-support.js";

/**
 * Concurrent refresh, refresh with grace and delete of one key, sent through two
 * processes on one store, some of them authenticated by the key itself, while
 * both processes keep authenticating with it (so their caches hold it).
 */

const ROUNDS = Number(process.env.KEYHOUSE_RACE_ROUNDS || 12);

type Op = { kind: "refresh"; graceSeconds: number } | { kind: "delete" };

const OPS: Op[] = [
  { kind: "refresh", graceSeconds: 0 },
  { kind: "refresh", graceSeconds: 0 },
  { kind: "refresh", graceSeconds: 300 },
  { kind: "refresh", graceSeconds: 300 },
  { kind: "delete" },
  { kind: "delete" },
];

describe("races on one key", () => {
  forEachStore((store) => {
    let cluster: Cluster;
    const figures = { rounds: 0, requests: 0, probes: 0, refresh_wins: 0, deletes: 0, mutual_rotation_rounds: 0, revocation_rounds: 0 };
    beforeAll(async () => {
      cluster = await startCluster(store, 2, { KEYHOUSE_AUTH_FAILURE_LIMIT: "1000000" });
    }, 60_000);
    afterAll(async () => {
      recordFigures(`races-keys-${store}`, figures);
      await cluster.close();
    });

    it("lets one refresh win, ends the old key exactly when the answers say so, and audits each change once", async () => {
      const [a, b] = cluster.nodes;
      if (!a || !b) throw new Error("two nodes expected");
      const spaceId: string = (await a.call("/v2/spaces?limit=1")).body.spaces[0].id;
      for (let round = 0; round < ROUNDS; round++) {
        // User keys and service keys (whose roles are their bot user's) alternate.
        const body =
          round % 2 === 0
            ? { name: `race ${round}` }
            : { name: `race ${round}`, key_type: "service", space_id: spaceId, roles: { space_role: "admin" } };
        const created = await a.call("/v2/api-keys", { method: "POST", body });
        expect(created.status, created.text).toBe(201);
        const key: string = created.body.key;
        const id: string = created.body.id;
        for (const node of cluster.nodes) expect((await node.call("/v2/whoami", { key })).status).toBe(200);

        // Which ops, through which process, as whom: different every round.
        const plan = shuffled(OPS)
          .slice(0, 3 + (round % 4))
          .map((op, i) => ({ op, node: (round + i) % 2, asKey: i % 3 === 1 }));
        const ticks = new Ticks();
        const deadAt = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
        const answers: Array<{ op: Op; asKey: boolean; res: HttpResponse }> = [];
        const ops = Promise.all(
          plan.map(async ({ op, node, asKey }) => {
            const target = cluster.nodes[node] ?? a;
            const options = asKey ? { key } : {};
            const res =
              op.kind === "delete"
                ? await target.call(`/v2/api-keys/${id}`, { method: "DELETE", ...options })
                : await target.call(`/v2/api-keys/${id}/refresh`, {
                    method: "POST",
                    body: { grace_period_seconds: op.graceSeconds },
                    ...options,
                  });
            const at = ticks.next();
            answers.push({ op, asKey, res });
            // These answers say the old key no longer works: on this process, from now on.
            if ((op.kind === "delete" && res.status === 204) || (op.kind === "refresh" && op.graceSeconds === 0 && res.status === 200)) {
              deadAt[node] = Math.min(deadAt[node] ?? at, at);
            }
          }),
        );
        const probes = await probeWhile(cluster.nodes, key, ticks, ops);
        await ops;

        // Every answer is one the contract allows; the key itself may be refused once it is gone.
        for (const { op, asKey, res } of answers) {
          const allowed = op.kind === "delete" ? [204] : [200, 422];
          expect([...allowed, ...(asKey ? [401] : [])], `${op.kind} answered ${res.status}: ${res.text}`).toContain(res.status);
        }
        const wins = answers.filter(({ op, res }) => op.kind === "refresh" && res.status === 200);
        expect(wins.length).toBeLessThanOrEqual(1);
        const deleted = answers.some(({ op, res }) => op.kind === "delete" && res.status === 204);
        const win = wins[0];
        const graceWin = win !== undefined && win.op.kind === "refresh" && win.op.graceSeconds > 0;

        // A probe sent after an answer that ended the key, on the process that answered, is refused.
        for (const probe of probes) {
          if (probe.sentAt > (deadAt[probe.node] ?? Number.POSITIVE_INFINITY))
            expect(probe.status, `probe on node ${probe.node}`).toBe(401);
          expect([200, 401]).toContain(probe.status);
        }
        // The old key works at the end exactly when nothing ended it; both processes agree (eventually).
        const alive = !deleted && (win === undefined || graceWin);
        for (const node of cluster.nodes) {
          await eventually(
            async () => (await node.call("/v2/whoami", { key })).status === (alive ? 200 : 401),
            `old key ${alive ? "works" : "refused"} on every process`,
          );
        }
        // The winner's new key works everywhere, whatever happened to the old one.
        if (win) for (const node of cluster.nodes) expect((await node.call("/v2/whoami", { key: win.res.body.key })).status).toBe(200);

        // The audit trail holds each change once: one refresh at most, and a deletion only if a delete made one.
        const events = await eventsAbout(a, id);
        const count = (action: string) => events.filter((e) => e.action === action).length;
        expect(count("api_key.refreshed")).toBe(wins.length);
        const status = (await a.call(`/v2/api-keys/${id}`)).body.status;
        const deletedByRefresh = win !== undefined && !graceWin;
        expect(status).toBe(deleted || deletedByRefresh ? "deleted" : "active");
        expect(count("api_key.deleted")).toBe(deleted && !deletedByRefresh ? 1 : 0);

        figures.rounds += 1;
        figures.requests += plan.length;
        figures.probes += probes.length;
        figures.refresh_wins += wins.length;
        figures.deletes += deleted ? 1 : 0;
      }
    }, 300_000);

    it("two keys rotating each other at once both get an answer, never a 5xx (no deadlock)", async () => {
      const [a, b] = cluster.nodes;
      if (!a || !b) throw new Error("two nodes expected");
      for (let round = 0; round < ROUNDS; round++) {
        const one = (await a.call("/v2/api-keys", { method: "POST", body: { name: `one ${round}` } })).body;
        const two = (await a.call("/v2/api-keys", { method: "POST", body: { name: `two ${round}` } })).body;
        const results = await Promise.all([
          a.call(`/v2/api-keys/${one.id}/refresh`, { method: "POST", body: { grace_period_seconds: 60 }, key: two.key }),
          b.call(`/v2/api-keys/${two.id}/refresh`, { method: "POST", body: { grace_period_seconds: 60 }, key: one.key }),
          b.call(`/v2/api-keys/${one.id}/refresh`, { method: "POST", key: one.key }),
          a.call(`/v2/api-keys/${two.id}/refresh`, { method: "POST", key: two.key }),
        ]);
        for (const res of results) expect([200, 401, 422], res.text).toContain(res.status);
        figures.requests += results.length;
        figures.mutual_rotation_rounds += 1;
      }
    }, 300_000);

    it("a key revoked while it creates and rotates keys mints nothing after its revocation", async () => {
      const [a, b] = cluster.nodes;
      if (!a || !b) throw new Error("two nodes expected");
      const spaceId: string = (await a.call("/v2/spaces?limit=1")).body.spaces[0].id;
      for (let round = 0; round < ROUNDS; round++) {
        const caller = (await a.call("/v2/api-keys", { method: "POST", body: { name: `revoked ${round}` } })).body;
        const victim = (
          await a.call("/v2/api-keys", { method: "POST", body: { name: `victim ${round}`, key_type: "service", space_id: spaceId } })
        ).body;
        for (const node of cluster.nodes) expect((await node.call("/v2/whoami", { key: caller.key })).status).toBe(200);
        const node = (i: number) => cluster.nodes[(round + i) % 2] ?? a;
        const results = await Promise.all(
          shuffled([
            ...[0, 1, 2, 3].map(
              (i) => () =>
                node(i).call("/v2/api-keys", {
                  method: "POST",
                  body: i % 2 ? { name: "user" } : { name: "svc", key_type: "service", space_id: spaceId },
                  key: caller.key,
                }),
            ),
            () => node(4).call(`/v2/api-keys/${victim.id}/refresh`, { method: "POST", key: caller.key }),
            () => node(5).call(`/v2/api-keys/${caller.id}`, { method: "DELETE" }),
          ]).map((run) => run()),
        );
        for (const res of results) expect([200, 201, 204, 401], res.text).toContain(res.status);
        const revocation = (await eventsAbout(a, caller.id)).find((e) => e.action === "api_key.deleted");
        expect(revocation).toBeDefined();
        const minted = results.filter((r) => r.status === 200 || r.status === 201).map((r) => r.body);
        for (const key of minted) {
          const made = (await eventsAbout(a, key.id)).find((e) => e.action === "api_key.created" || e.action === "api_key.refreshed");
          expect(made.actor_key_id).toBe(caller.id);
          expect(serial(made.id), `key ${key.id} minted by a key after its revocation`).toBeLessThan(serial(revocation.id));
        }
        figures.revocation_rounds += 1;
        figures.requests += results.length;
      }
    }, 300_000);
  });
});
