import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, runCli, startServeProcess } from "../support/cli.js";
import { send, type HttpResponse } from "../support/http.js";
import { hygieneDir, keepArtifact, keepFiles, recordFigures, recordIssuedKey } from "../support/hygiene.js";
import { storeBytes } from "../support/scan.js";
import { freshPostgresSchema } from "../support/server.js";
import { forEachStore } from "../support/stores.js";
import { encodeId } from "../../src/http/ids.js";
import { inconsistencies, readStore, type StoreRows } from "./crash-support.js";

/**
 * Crash safety: real `keyhouse serve` processes under a load of creates,
 * refreshes (with and without grace) and deletes are killed with SIGKILL at
 * random moments and restarted on the same store. After every restart: every
 * key whose create or refresh was answered with success is there and
 * authenticates, every acknowledged delete or rotation holds, an operation cut
 * off by the kill happened entirely or not at all, and rows and audit trail
 * agree (test/reliability/crash-support.ts).
 *
 * A second test kills a process that runs the key service's transactions in a
 * tight loop, so that the kill lands inside a transaction: none may be half done.
 *
 * KEYHOUSE_CRASHES sets the kills per store and test (the default makes 44 a run).
 */
const CRASHES = Number(process.env.KEYHOUSE_CRASHES || 11);
/** The compiled server the writer runs (npm run build). */
const DIST = join(import.meta.dirname, "..", "..", "dist");
const WORKERS = 6;

type State = "active" | "grace" | "deleted";

interface KnownKey {
  id: string;
  key: string;
  state: State;
  /** An operation on the key was cut off by a kill: its outcome is read back after the restart. */
  uncertain: boolean;
  /** An operation on the key is in flight. */
  busy: boolean;
  /** The state last confirmed by a check after a restart. */
  checked?: State;
}

interface Figures {
  crashes: number;
  writer_crashes: number;
  writer_commits_acknowledged: number;
  acknowledged_creates: number;
  acknowledged_refreshes: number;
  acknowledged_deletes: number;
  cut_off_by_kill: number;
  keys_checked: number;
  keys_lost: number;
  inconsistencies: number;
}

forEachStore((store) => {
  describe("SIGKILL under load, then restart", () => {
    const dir = mkdtempSync(join(tmpdir(), "keyhouse-crash-"));
    const secret = randomBytes(32).toString("base64url");
    let databaseUrl = "";
    let readTarget = "";
    let dropSchema: (() => Promise<void>) | undefined;
    let adminKey = "";
    let spaceId = "";
    let child: ChildProcess | undefined;
    const known = new Map<string, KnownKey>();
    const figures: Figures = {
      crashes: 0,
      writer_crashes: 0,
      writer_commits_acknowledged: 0,
      acknowledged_creates: 0,
      acknowledged_refreshes: 0,
      acknowledged_deletes: 0,
      cut_off_by_kill: 0,
      keys_checked: 0,
      keys_lost: 0,
      inconsistencies: 0,
    };

    const env = () => ({
      KEYHOUSE_DATABASE_URL: databaseUrl,
      KEYHOUSE_SECRET: secret,
      KEYHOUSE_LOG_LEVEL: "info",
      KEYHOUSE_AUTH_FAILURE_LIMIT: "1000000",
    });

    beforeAll(async () => {
      if (store === "postgres") {
        const schema = await freshPostgresSchema();
        databaseUrl = schema.url;
        readTarget = schema.schema;
        dropSchema = schema.drop;
      } else {
        databaseUrl = join(dir, "keyhouse.db");
        readTarget = databaseUrl;
      }
      const init = await runCli(["init", "--json"], env());
      expect(init.code, init.stderr).toBe(0);
      const first = JSON.parse(init.stdout) as { api_key: string; space_id: string };
      adminKey = first.api_key;
      spaceId = first.space_id;
      recordIssuedKey(adminKey);
    }, 60_000);

    afterAll(async () => {
      if (child && child.exitCode === null) child.kill("SIGKILL");
      recordFigures(`crash-${store}`, { ...figures });
      keepFiles(`crash-${store}`, store === "sqlite" ? [databaseUrl, `${databaseUrl}-wal`] : []);
      if (store === "postgres" && hygieneDir())
        keepArtifact(`crash-${readTarget}.sql`, storeBytes({ dbPath: undefined, pgSchema: readTarget }));
      await dropSchema?.();
      rmSync(dir, { recursive: true, force: true });
    });

    async function start(cycle: number): Promise<string> {
      const started = await startServeProcess({ ...env(), KEYHOUSE_PORT: String(await freePort()) });
      child = started.child;
      started.child.once("exit", () => keepArtifact(`crash-${store}-${cycle}.log`, started.output()));
      return started.url;
    }

    /** Kills the server process without warning and waits until it is gone. */
    async function kill(): Promise<void> {
      const victim = child;
      if (!victim || victim.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        victim.once("exit", () => resolve());
        victim.kill("SIGKILL");
      });
    }

    const pick = (filter: (k: KnownKey) => boolean): KnownKey | undefined => {
      const candidates = [...known.values()].filter((k) => !k.busy && !k.uncertain && filter(k));
      return candidates[Math.floor(Math.random() * candidates.length)];
    };

    /** One operation of the load; an error (the kill) leaves its key uncertain. */
    async function operate(url: string): Promise<void> {
      const dice = Math.random();
      const call = (path: string, options: { method?: string; body?: unknown }) => send(url, path, { key: adminKey, ...options });
      if (dice < 0.45) {
        const body = dice < 0.3 ? { name: "crash user key" } : { name: "crash service key", key_type: "service", space_id: spaceId };
        let res: HttpResponse;
        try {
          res = await call("/v2/api-keys", { method: "POST", body });
        } catch {
          figures.cut_off_by_kill += 1;
          return;
        }
        expect(res.status, res.text).toBe(201);
        known.set(res.body.id, { id: res.body.id, key: res.body.key, state: "active", uncertain: false, busy: false });
        figures.acknowledged_creates += 1;
        return;
      }
      const refresh = dice < 0.75;
      const target = pick((k) => (refresh ? k.state === "active" : k.state !== "deleted"));
      if (!target) return;
      target.busy = true;
      const grace = Math.random() < 0.5 ? 0 : 3600;
      try {
        const res = refresh
          ? await call(`/v2/api-keys/${target.id}/refresh`, { method: "POST", body: { grace_period_seconds: grace } })
          : await call(`/v2/api-keys/${target.id}`, { method: "DELETE" });
        expect(res.status, res.text).toBe(refresh ? 200 : 204);
        if (refresh) {
          target.state = grace === 0 ? "deleted" : "grace";
          known.set(res.body.id, { id: res.body.id, key: res.body.key, state: "active", uncertain: false, busy: false });
          figures.acknowledged_refreshes += 1;
        } else {
          target.state = "deleted";
          figures.acknowledged_deletes += 1;
        }
      } catch (error) {
        if (error instanceof Error && error.name === "AssertionError") throw error;
        target.uncertain = true;
        figures.cut_off_by_kill += 1;
      } finally {
        target.busy = false;
      }
    }

    /**
     * Checks keys against what the server acknowledged. A key left uncertain by
     * the kill takes the state the store shows (deleted, rotated, untouched),
     * provided authentication and status agree on it.
     */
    async function verify(url: string, keys: KnownKey[], rows: StoreRows): Promise<void> {
      for (const k of keys) {
        const [auth, got] = await Promise.all([
          send(url, "/v2/whoami", { key: k.key }),
          send(url, `/v2/api-keys/${k.id}`, { key: adminKey }),
        ]);
        expect(got.status, `key ${k.id} is in the store`).toBe(200);
        const works = auth.status === 200;
        expect(works, `key ${k.id}: authentication (${auth.status}) and status (${got.body.status}) agree`).toBe(
          got.body.status === "active",
        );
        if (k.uncertain) {
          const row = rows.keys.find((r) => encodeId("ApiKey", r.id) === k.id);
          k.state = !works ? "deleted" : (row?.rotated_at ?? null) !== null ? "grace" : "active";
          k.uncertain = false;
        } else {
          const expected = k.state !== "deleted";
          if (expected && !works) figures.keys_lost += 1;
          expect(works, `key ${k.id} acknowledged ${k.state} ${works ? "works" : "is refused"}`).toBe(expected);
        }
        k.checked = k.state;
        figures.keys_checked += 1;
      }
    }

    async function checkStore(): Promise<StoreRows> {
      const rows = await readStore(store, readTarget);
      const problems = inconsistencies(rows);
      figures.inconsistencies += problems.length;
      expect(problems).toEqual([]);
      return rows;
    }

    it(`keeps every acknowledged key, rotation and deletion through ${CRASHES} kills, with no half-done change`, async () => {
      let url = await start(0);
      for (let cycle = 1; cycle <= CRASHES; cycle++) {
        let loading = true;
        const workers = Array.from({ length: WORKERS }, async () => {
          while (loading) await operate(url);
        });
        // A random moment: the load has been running between 50 and 500 ms.
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 450));
        await kill();
        figures.crashes += 1;
        loading = false;
        await Promise.all(workers);
        url = await start(cycle);
        const rows = await checkStore();
        // Keys whose state changed (or may have) since they were last checked.
        await verify(
          url,
          [...known.values()].filter((k) => k.uncertain || k.checked !== k.state),
          rows,
        );
      }
      // At the end, every key the load ever saw.
      await verify(url, [...known.values()], await checkStore());
      await kill();
      expect(figures.keys_lost).toBe(0);
      expect(figures.crashes).toBe(CRASHES);
      expect(figures.acknowledged_creates).toBeGreaterThan(CRASHES);
    }, 600_000);

    it(`leaves no transaction half done when a writer is killed inside one, ${CRASHES} times`, async () => {
      const space = Buffer.from(spaceId, "base64").toString("latin1").split(":")[1] ?? "";
      const writerEnv = { ...env(), PATH: process.env.PATH ?? "", CRASH_ADMIN_KEY: adminKey, CRASH_SPACE: space };
      for (let cycle = 1; cycle <= CRASHES; cycle++) {
        const writer = spawn(process.execPath, [join(import.meta.dirname, "crash-writer.mjs"), DIST], { env: writerEnv });
        let output = "";
        writer.stdout.on("data", (d: Buffer) => (output += d.toString()));
        writer.stderr.on("data", (d: Buffer) => (output += d.toString()));
        const exited = new Promise<void>((resolve) => writer.once("exit", () => resolve()));
        for (let i = 0; i < 400 && !output.includes("ready") && writer.exitCode === null; i++) await new Promise((r) => setTimeout(r, 25));
        expect(output, "the writer started").toContain("ready");
        // Killed at a random moment of a loop that is almost always inside a transaction.
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 300));
        writer.kill("SIGKILL");
        await exited;
        figures.writer_crashes += 1;
        const rows = await checkStore();
        // Every commit it acknowledged is there.
        const ids = new Map(rows.keys.map((k) => [k.id, k]));
        for (const line of output.split("\n")) {
          const [verb, first, second] = line.split(" ");
          if (verb === "created") expect(ids.has(Number(first)), line).toBe(true);
          if (verb === "refreshed") {
            expect(ids.get(Number(first))?.rotated_at ?? null, line).not.toBeNull();
            expect(ids.get(Number(second))?.rotated_from_id, line).toBe(Number(first));
          }
          if (verb === "created" || verb === "refreshed") figures.writer_commits_acknowledged += 1;
        }
      }
    }, 600_000);
  });
});
