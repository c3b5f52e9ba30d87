import { expect } from "vitest";
import type { Node } from "../support/cluster.js";
import type { HttpResponse, Json } from "../support/http.js";

/**
 * Helpers of the race suites: they run real requests at once against two real
 * `keyhouse serve` processes on one store, and check invariants afterwards
 * over HTTP only (what a client can observe).
 */

/** Every audit event about `targetId`, newest first. */
export async function eventsAbout(node: Node, targetId: string): Promise<Json[]> {
  const events: Json[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ target_id: targetId, limit: "100", ...(cursor ? { cursor } : {}) });
    const page = await node.call(`/v2/audit-events?${query}`);
    expect(page.status, page.text).toBe(200);
    events.push(...page.body.audit_events);
    cursor = page.body.pagination.next_cursor;
  } while (cursor);
  return events;
}

/** Polls until `check` holds (another process learns of a change within 100 ms by SPEC; this allows far more). */
export async function eventually(check: () => Promise<boolean>, what: string, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

/**
 * A logical clock for "happened after" without wall time: every request sent and
 * every answer received takes the next tick, so "a probe sent after this answer
 * arrived" is a comparison of ticks.
 */
export class Ticks {
  #now = 0;
  next(): number {
    this.#now += 1;
    return this.#now;
  }
}

export interface Probe {
  node: number;
  sentAt: number;
  status: number;
}

/**
 * Authenticates with `key` on every node, over and over, until `until` settles;
 * records when each probe was sent and what it got.
 */
export async function probeWhile(nodes: Node[], key: string, ticks: Ticks, until: Promise<unknown>): Promise<Probe[]> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const probes: Probe[] = [];
  await Promise.all(
    nodes.map(async (node, index) => {
      while (!done) {
        const sentAt = ticks.next();
        const res: HttpResponse = await node.call("/v2/whoami", { key });
        probes.push({ node: index, sentAt, status: res.status });
      }
    }),
  );
  return probes;
}

/** Shuffles a copy of `items` (Fisher-Yates on Math.random: every run tries other interleavings). */
export function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** The row number inside an opaque id (base64 of Type:number:suffix): audit events are numbered as they are written. */
export function serial(id: string): number {
  return Number(Buffer.from(id, "base64").toString("latin1").split(":")[1]);
}
