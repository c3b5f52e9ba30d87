import type { ServerResponse } from "node:http";
import { requireApiAccess, requirePermission } from "../../auth/access.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { ACCOUNT } from "../../auth/engine.js";
import type { App } from "../../http/route.js";
import { problemResponses } from "../../http/schemas.js";
import { SECURITY_HEADERS } from "../../http/security-headers.js";
import { InvalidationStream, type StreamEvent } from "./events.js";

/** How the stream behaves (AppOptions, set by appOptionsFrom; tests shorten the heartbeat). */
export interface EventStreamOptions {
  /** A comment line this often keeps proxies and the client's liveness check satisfied. */
  heartbeatMs: number;
  /** Events kept for `Last-Event-ID` resumption. */
  retained: number;
}

export const EVENT_STREAM_DEFAULTS: EventStreamOptions = Object.freeze({ heartbeatMs: 15_000, retained: 1_000 });

/** The reconnection delay the stream asks EventSource clients to use. */
const RETRY_MS = 1_000;
/** A subscriber that lets this much pile up unread is cut off; it resumes (or flushes) when it reconnects. */
const MAX_BUFFERED_BYTES = 1 << 20;

function frame(event: StreamEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${event.data}\n\n`;
}

/** Registers GET /v2/api-keys/events (SPEC §13): Server-Sent Events of invalidations, for verifiers' caches. */
export function eventRoutes(
  app: App,
  deps: Pick<FeatureDeps, "store" | "random">,
  options: EventStreamOptions,
  onError: (error: unknown) => void,
): void {
  const stream = new InvalidationStream(deps.store, deps.random(6).toString("base64url"), options.retained, onError);
  const open = new Set<ServerResponse>();
  app.addHook("preClose", async () => {
    for (const response of open) response.end();
  });
  app.addHook("onClose", async () => stream.close());

  app.get(
    "/v2/api-keys/events",
    {
      schema: {
        tags: ["Extensions"],
        summary: "Server-Sent Events of invalidations (keys revoked or rotated, users and access changed, flush)",
        operationId: "apiKeyEvents",
        security: [{ bearerAuth: [] }],
        response: { 200: { description: "text/event-stream" }, ...problemResponses(401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { principal } = request.actor.caller;
      requireApiAccess(principal);
      requirePermission(principal, "API_KEY_VERIFY", ACCOUNT, "receive key invalidations");
      await stream.start();
      const lastEventId = request.headers["last-event-id"];
      const replay = typeof lastEventId === "string" && lastEventId !== "" ? stream.since(lastEventId) : [];
      const response = reply.raw;
      reply.hijack();
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        "x-request-id": request.id,
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      });
      // The server's idle-socket timeout would cut a quiet stream; heartbeats keep it busy instead.
      request.raw.socket.setTimeout(0);
      const send = (text: string): void => {
        if (response.writableLength > MAX_BUFFERED_BYTES) response.destroy();
        else response.write(text);
      };
      // A live stream opens with the id of its current position (an id without data dispatches no
      // event but sets the client's Last-Event-ID), so a client that hears nothing before a cut
      // still resumes instead of flushing.
      const position = replay === undefined ? "" : `id: ${replay.at(-1)?.id ?? stream.lastId}\n`;
      send(`retry: ${RETRY_MS}\n${position}: keyhouse invalidations, ${replay === undefined ? "resume impossible" : "live"}\n\n`);
      if (replay === undefined) send(frame(stream.flushEvent("resume_impossible")));
      else for (const event of replay) send(frame(event));
      const unsubscribe = stream.subscribe((event) => send(frame(event)));
      const heartbeat = setInterval(() => send(": heartbeat\n\n"), options.heartbeatMs);
      open.add(response);
      response.once("close", () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(response);
      });
    },
  );
}
