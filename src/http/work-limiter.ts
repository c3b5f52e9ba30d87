import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ProblemError } from "./problem.js";

/**
 * A bound on concurrent expensive work. At most `maxRunning` requests do it at
 * once, at most `maxQueued` more wait in line (first come, first served); the
 * rest are answered at once with 503 OVERLOADED and Retry-After, so a burst can
 * neither pile unbounded work on the store (SQLite's single writer, PostgreSQL's
 * pool) nor hold unbounded memory in waiting requests.
 */
export class WorkLimiter {
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  /** Requests turned away (503 OVERLOADED) since start (read by the metrics). */
  refused = 0;

  constructor(
    readonly maxRunning: number,
    readonly maxQueued: number,
  ) {}

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Takes a slot, waiting in line when all are busy; false when the line is full too. */
  async acquire(): Promise<boolean> {
    if (this.#running < this.maxRunning) {
      this.#running += 1;
      return true;
    }
    if (this.#waiting.length >= this.maxQueued) {
      this.refused += 1;
      return false;
    }
    // A released slot passes straight to the first in line, so `running` never dips.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
    return true;
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running -= 1;
  }
}

/** Retry-After of an OVERLOADED answer, in seconds: work in line drains in well under that. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Expensive: every write (a transaction, and for keys an HMAC and a CSPRNG
 * draw) and every list page (up to 101 rows). Cheap, and never limited: reading
 * one object by id, and whoami.
 */
function isExpensive(method: string, route: string | undefined): boolean {
  if (method !== "GET" && method !== "HEAD") return true;
  if (route === undefined || route === "/v2/whoami" || route === "/v2/openapi.json") return false;
  // An event stream holds its connection for hours doing nothing but write a few lines: it must not hold a slot.
  if (route === "/v2/api-keys/events") return false;
  return !/\/:[a-z_]+$/.test(route);
}

/** The preHandler of the authenticated scope: holds a slot from the handler's start until the response is done. */
function limitExpensiveWork(limiter: WorkLimiter) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!isExpensive(request.method, request.routeOptions.url)) return;
    if (!(await limiter.acquire())) {
      throw new ProblemError("OVERLOADED", {
        detail: "the server is busy with other requests; retry shortly",
        headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
      });
    }
    const socket = reply.raw.socket;
    // The response's close event comes once, after it is sent or when the client is gone.
    if (socket === null || socket.destroyed) limiter.release();
    else reply.raw.once("close", () => limiter.release());
  };
}

/** Registers the limiter on a scope (the authenticated /v2 routes). */
export function installWorkLimiter(scope: FastifyInstance, limiter: WorkLimiter): void {
  scope.addHook("preHandler", limitExpensiveWork(limiter));
}
