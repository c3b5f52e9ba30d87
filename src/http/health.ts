import type { FastifyInstance } from "fastify";
import { sendProblem } from "./errors.js";

/** What /readyz asks: a round trip to the store, and its kind. */
export interface Readiness {
  ping(): Promise<unknown>;
  dialect: string;
}

/** GET /healthz (the process is up) and GET /readyz (the store answers). No auth. */
export function healthRoutes(app: FastifyInstance, store: Readiness): void {
  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (request, reply) => {
    try {
      await store.ping();
      return { status: "ok", store: store.dialect };
    } catch (error) {
      request.log.warn({ err: error }, "store is not reachable");
      return sendProblem(request, reply, "UNAVAILABLE", "the store is not reachable");
    }
  });
}
