import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { get, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_CSP, consoleRoutes, DEFAULT_CONSOLE_DIR } from "../../src/http/console.js";
import { installErrorHandling } from "../../src/http/errors.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { requireConsoleBuild } from "./browser.js";

requireConsoleBuild();

/** A GET whose body is kept as the bytes on the wire (no decoding), with the Accept-Encoding given. */
function rawGet(base: string, path: string, acceptEncoding: string | undefined): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding };
    get(`${base}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    }).on("error", reject);
  });
}

describe("the console is served by keyhouse serve", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it("serves index.html at / with a strict CSP and revalidation on every load", async () => {
    const response = await t.call("/", { key: null });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.headers["content-security-policy"]).toBe(CONSOLE_CSP);
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(response.headers["x-frame-options"]).toBe("DENY");
    expect(response.text).toContain('<div id="root">');
    // No inline script or style: the CSP would refuse them.
    expect(response.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(response.text).not.toMatch(/<style|\sstyle=/);
    // Every referenced file is on this origin.
    expect(response.text).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("serves content-hashed assets cached for a year, immutable, under the same CSP", async () => {
    const assets = readdirSync(join(DEFAULT_CONSOLE_DIR, "assets"));
    expect(assets.some((name) => /^index-[\w-]+\.js$/.test(name))).toBe(true);
    for (const name of assets) {
      const response = await t.call(`/assets/${name}`, { key: null });
      expect(response.status, name).toBe(200);
      expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(response.headers["content-security-policy"]).toBe(CONSOLE_CSP);
    }
  });

  it("sends the build's Brotli or gzip copy when the browser accepts it, with Vary: Accept-Encoding, and plain bytes otherwise", async () => {
    const assets = readdirSync(join(DEFAULT_CONSOLE_DIR, "assets")).filter((name) => /\.(js|css)$/.test(name));
    const paths = ["/", ...assets.map((name) => `/assets/${name}`)];
    for (const path of paths) {
      const file = readFileSync(join(DEFAULT_CONSOLE_DIR, path === "/" ? "index.html" : path.slice(1)));
      const br = await rawGet(t.url, path, "br, gzip, deflate");
      expect(br.headers["content-encoding"], path).toBe("br");
      expect(br.headers.vary, path).toMatch(/accept-encoding/i);
      expect(br.headers["content-type"], path).toMatch(/^(text\/html|text\/css|text\/javascript|application\/javascript)/);
      expect(brotliDecompressSync(br.body).equals(file), path).toBe(true);
      if (file.length > 10_000) expect(br.body.length, path).toBeLessThan(file.length / 2);
      const gz = await rawGet(t.url, path, "gzip");
      expect(gz.headers["content-encoding"], path).toBe("gzip");
      expect(gunzipSync(gz.body).equals(file), path).toBe(true);
      const plain = await rawGet(t.url, path, undefined);
      expect(plain.headers["content-encoding"], path).toBeUndefined();
      expect(plain.headers.vary, path).toMatch(/accept-encoding/i);
      expect(plain.body.equals(file), path).toBe(true);
    }
  });

  it("answers a missing asset with a problem, not index.html", async () => {
    const response = await t.call("/assets/nope-123.js", { key: null });
    expect(response.status).toBe(404);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("keeps /v2, /healthz and /readyz ahead of the console", async () => {
    expect((await t.call("/healthz", { key: null })).status).toBe(200);
    expect((await t.call("/readyz", { key: null })).status).toBe(200);
    const unauthenticated = await t.call("/v2/api-keys", { key: null });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers["content-security-policy"]).toBeUndefined();
    const unknown = await t.call("/v2/nothing-here");
    expect(unknown.status).toBe(404);
    expect(unknown.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });
});

describe("without a built console", () => {
  it("answers / with a problem that says to run npm run build", async () => {
    const empty = mkdtempSync(join(tmpdir(), "keyhouse-no-console-"));
    const app = Fastify();
    installErrorHandling(app);
    await consoleRoutes(app, empty);
    try {
      const response = await app.inject({ method: "GET", url: "/" });
      expect(response.statusCode).toBe(404);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(response.json().detail).toContain("npm run build");
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
