import type { FastifyRequest } from "fastify";
import { ProblemError } from "./problem.js";

/** Refuses a query parameter given twice (`?limit=1&limit=2`): which one was meant is unknowable. */
export async function refuseRepeatedQuery(request: FastifyRequest): Promise<void> {
  const query: unknown = request.query;
  if (typeof query !== "object" || query === null) return;
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) {
      throw new ProblemError("VALIDATION_FAILED", { detail: `query parameter "${name}" must not be repeated` });
    }
  }
}
