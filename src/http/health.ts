import type { FastifyInstance } from "fastify";
import type { Store } from "../store/store.js";
import { sendProblem } from "./errors.js";

/** GET /healthz (the process is up) and GET /readyz (the store answers). No auth. */
export function healthRoutes(app: FastifyInstance, store: Store): void {
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
