import type { Context, MiddlewareHandler } from "hono";
import { guard, type GuardOptions } from "./guard.js";
import type { Verification } from "./types.js";

// Hono: `app.use("/api/*", keyhouse({ verifier }))`; the verified answer is
// `c.get("keyhouse")`.

export type KeyhouseEnv = { Variables: { keyhouse: Verification } };
export type KeyhouseHonoOptions = GuardOptions<Context>;

export function keyhouse(options: KeyhouseHonoOptions): MiddlewareHandler<KeyhouseEnv> {
  if (options?.verifier === undefined) throw new TypeError("@keyhouse/verify/hono needs { verifier } (from createVerifier)");
  return async (c, next) => {
    const outcome = await guard<Context>(options, c, c.req.header("authorization"));
    if (!outcome.ok)
      return c.body(JSON.stringify(outcome.problem), outcome.status as 401, {
        ...outcome.headers,
        "content-type": "application/problem+json",
      });
    c.set("keyhouse", outcome.verification);
    await next();
  };
}
