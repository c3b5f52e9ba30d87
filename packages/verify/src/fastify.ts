import type { FastifyPluginAsync, FastifyRequest, onRequestHookHandler } from "fastify";
import { guardFromCache, guardFromKeyhouse, type GuardOptions, type Outcome } from "./guard.js";
import type { Verification } from "./types.js";

// Fastify: `await app.register(keyhouse, { verifier })` protects every route
// registered after it in the context it is registered in (it is not
// encapsulated, like a plugin made with fastify-plugin); `request.keyhouse` is
// the verified answer. A route asks
// for more, or opts out, in its config:
//   app.get("/projects/:id", { config: { keyhouse: { permissions: ["PROJECT_READ"],
//     resource: (req) => ({ type: "PROJECT", id: req.params.id }) } } }, handler)
//   app.get("/health", { config: { keyhouse: false } }, handler)

declare module "fastify" {
  interface FastifyRequest {
    /** keyhouse's answer about the request's key (set on every protected route). */
    keyhouse: Verification | null;
  }
  interface FastifyContextConfig {
    /** This route's keyhouse requirements, or false for a public route. */
    keyhouse?: RouteRequirements | false;
  }
}

export type RouteRequirements = Pick<GuardOptions<FastifyRequest>, "permissions" | "resource">;
export type KeyhouseFastifyOptions = GuardOptions<FastifyRequest>;

const plugin: FastifyPluginAsync<KeyhouseFastifyOptions> = async (app, options) => {
  if (options?.verifier === undefined) throw new TypeError("@keyhouse/verify/fastify needs { verifier } (from createVerifier)");
  app.decorateRequest("keyhouse", null);
  // Each route registered from here on in this context gets its own hook, its options merged
  // once at registration (as @fastify/rate-limit does): nothing is looked up per request.
  app.addHook("onRoute", (route) => {
    const config = route.config?.keyhouse;
    if (config === false) return;
    const hook = protect(config === undefined ? options : { ...options, ...config });
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [hook, ...existing] as onRequestHookHandler[];
  });
};

/** The onRequest hook of one route: a callback hook, so a cached answer decides the request without a promise. */
function protect(options: KeyhouseFastifyOptions): onRequestHookHandler {
  return (request, reply, done) => {
    const settle = (outcome: Outcome) => {
      if (outcome.ok) {
        request.keyhouse = outcome.verification;
        done();
      } else {
        void reply.code(outcome.status).headers(outcome.headers).type("application/problem+json").send(outcome.problem);
      }
    };
    const known = guardFromCache(options, request, request.headers.authorization);
    if ("raw" in known) void guardFromKeyhouse(options, known.raw, known.asked).then(settle);
    else settle(known);
  };
}

// What fastify-plugin does: the hook and decorator belong to the registering context.
Object.assign(plugin, { [Symbol.for("skip-override")]: true, [Symbol.for("fastify.display-name")]: "@keyhouse/verify" });

export const keyhouse = plugin;
