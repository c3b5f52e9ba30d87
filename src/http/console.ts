import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { sendProblem } from "./errors.js";

/**
 * The console's Content-Security-Policy: only this origin's own scripts, styles
 * and API, no inline code, no framing, no forms posting elsewhere. Vite builds
 * every script and stylesheet into external, content-hashed files, so nothing
 * needs 'unsafe-inline'.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Where `npm run build:web` puts the console (web/dist), from src/http or dist/http alike. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL("../../web/dist/", import.meta.url));

/**
 * Serves the web console at `/`: index.html is revalidated on every load, the
 * content-hashed files under /assets are cached for a year. The /v2 routes,
 * /healthz and /readyz are more specific and keep priority.
 */
export async function consoleRoutes(app: FastifyInstance, dir: string): Promise<void> {
  if (!existsSync(join(dir, "index.html"))) {
    app.get("/", { schema: { hide: true } }, async (request, reply) =>
      sendProblem(
        request,
        reply,
        "NOT_FOUND",
        "the web console is not built: run `npm run build` (or `npm run build:web`), then restart keyhouse",
      ),
    );
    return;
  }
  await app.register(async (scope) => {
    scope.addHook("onSend", async (_request, reply, payload) => {
      reply.header("content-security-policy", CONSOLE_CSP);
      // The same URL answers Brotli, gzip or plain bytes by Accept-Encoding: caches must key on it.
      reply.header("vary", "accept-encoding");
      return payload;
    });
    await scope.register(fastifyStatic, {
      root: join(dir, "assets"),
      prefix: "/assets/",
      index: false,
      redirect: false,
      dotfiles: "ignore",
      // web/dist holds a .br and a .gz beside each text file (web/vite.config.ts): sent when accepted.
      preCompressed: true,
      maxAge: 31_536_000_000,
      immutable: true,
    });
    scope.get("/", { schema: { hide: true } }, (_request, reply) =>
      reply.header("cache-control", "no-cache").sendFile("index.html", dir, { cacheControl: false }),
    );
  });
}
