import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { guardFromCache, guardFromKeyhouse, type GuardOptions, type Outcome } from "./guard.js";
import type { Verification } from "./types.js";

// Fastify: `await app.register(keyhouse, { verifier })` protects every route of
// the context it is registered in (it is not encapsulated, like a plugin made
// with fastify-plugin); `request.keyhouse` is the verified answer. A route asks
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
  const perRoute = new WeakMap<object, KeyhouseFastifyOptions>();
  // A callback hook, not an async one: a cached answer decides the request without a promise.
  app.addHook("onRequest", (request, reply, done) => {
    const config = request.routeOptions.config.keyhouse;
    if (config === false) return done();
    let effective = options;
    if (config !== undefined) {
      effective = perRoute.get(config) ?? { ...options, ...config };
      perRoute.set(config, effective);
    }
    const settle = (outcome: Outcome) => {
      if (outcome.ok) {
        request.keyhouse = outcome.verification;
        done();
      } else {
        void reply.code(outcome.status).headers(outcome.headers).type("application/problem+json").send(outcome.problem);
      }
    };
    const known = guardFromCache(effective, request, request.headers.authorization);
    if ("raw" in known) void guardFromKeyhouse(effective, known.raw, known.asked).then(settle);
    else settle(known);
  });
};

// What fastify-plugin does: the hook and decorator belong to the registering context.
Object.assign(plugin, { [Symbol.for("skip-override")]: true, [Symbol.for("fastify.display-name")]: "@keyhouse/verify" });

export const keyhouse = plugin;
