import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_CSP, consoleRoutes } from "../../src/http/console.js";
import { installErrorHandling } from "../../src/http/errors.js";
import { send } from "../support/http.js";
import { expectProblem, problemCode } from "../support/keys.js";
import { rawExchange, requestBytes, type RawResponse } from "../support/raw-http.js";
import { startTestServer, type TestServer } from "../support/server.js";

/**
 * Limits that protect the process: body size, header size, slow senders, and
 * requests that never reach a route. Every refusal is still problem+json with
 * the security headers. (Brute force from one address is throttled with 429
 * while other addresses are unaffected: test/http/authentication.test.ts.)
 */

function expectRawProblem(res: RawResponse | undefined, status: number, code: string): void {
  expect(res, "no response before the connection closed").toBeDefined();
  expect(res?.status).toBe(status);
  expect(res?.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res?.headers["x-content-type-options"]).toBe("nosniff");
  expect(res?.body?.status).toBe(status);
  expect(Object.keys(res?.body ?? {}).sort()).toEqual(["detail", "instance", "status", "title", "type"]);
  expect(problemCode(res?.body)).toBe(code);
  expect(res?.headers["x-request-id"]).toBeTruthy();
}

describe("limits that protect the process", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      env: { KEYHOUSE_BODY_LIMIT_BYTES: "4096", KEYHOUSE_HEADERS_TIMEOUT_SECONDS: "1", KEYHOUSE_REQUEST_TIMEOUT_SECONDS: "2" },
    });
  });
  afterAll(async () => t.close());

  it("answers 413 problem+json to a body over KEYHOUSE_BODY_LIMIT_BYTES, and changes nothing", async () => {
    const before = (await t.call("/v2/api-keys?limit=100")).body.api_keys.length;
    const res = await t.call("/v2/api-keys", { method: "POST", body: { name: "big", description: "d".repeat(5000) } });
    expectProblem(res, 413, "PAYLOAD_TOO_LARGE");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect((await t.call("/v2/api-keys?limit=100")).body.api_keys.length).toBe(before);
  });

  it("answers 431 problem+json when the request line and headers exceed 16 KiB", async () => {
    const exchange = await rawExchange(t.url, [
      requestBytes("GET", "/v2/api-keys", { authorization: `Bearer ${t.adminKey}`, "x-filler": "f".repeat(20_000) }),
    ]);
    expectRawProblem(exchange.responses[0], 431, "HEADERS_TOO_LARGE");
    expect(exchange.closedByServer).toBe(true);
  });

  it("answers 400 problem+json to bytes that are not HTTP", async () => {
    const exchange = await rawExchange(t.url, ["HELLO THERE\r\n\r\n"]);
    expectRawProblem(exchange.responses[0], 400, "VALIDATION_FAILED");
  });

  it("answers a HEAD request it cannot parse without a body", async () => {
    const exchange = await rawExchange(t.url, [Buffer.from("HEAD /\xff HTTP/1.1\r\nhost: keyhouse.test\r\n\r\n", "latin1")]);
    expect(exchange.responses[0]?.status).toBe(400);
    expect(exchange.raw.toString("latin1").endsWith("\r\n\r\n")).toBe(true);
  });

  it("answers 400 problem+json to a path it cannot decode and to an over-long path parameter", async () => {
    const undecodable = await t.call("/v2/api-keys/%zz%C0", { rawPath: true });
    expectProblem(undecodable, 400, "VALIDATION_FAILED");
    expect(undecodable.headers["x-content-type-options"]).toBe("nosniff");
    expect(undecodable.headers["cache-control"]).toBe("no-store");
    const long = await t.call(`/v2/api-keys/${"x".repeat(300)}`);
    expectProblem(long, 400, "INVALID_ID");
    expect(long.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("cuts off a client that trickles its headers with 408 problem+json (KEYHOUSE_HEADERS_TIMEOUT_SECONDS)", async () => {
    // A header line every 200 ms for up to 15 s: the server must close long before that.
    const trickle = Array.from({ length: 75 }, (_, i) => [{ pauseMs: 200 }, `x-slow-${i}: 1\r\n`]).flat();
    const exchange = await rawExchange(t.url, ["GET /v2/api-keys HTTP/1.1\r\nhost: keyhouse.test\r\n", ...trickle], 30_000);
    expect(exchange.closedByServer).toBe(true);
    expectRawProblem(exchange.responses[0], 408, "REQUEST_TIMEOUT");
  });

  it("cuts off a client that trickles its body with 408 problem+json (KEYHOUSE_REQUEST_TIMEOUT_SECONDS)", async () => {
    const head = `POST /v2/api-keys HTTP/1.1\r\nhost: keyhouse.test\r\nauthorization: Bearer ${t.adminKey}\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{"name":"`;
    const trickle = Array.from({ length: 75 }, () => [{ pauseMs: 200 }, "a"]).flat();
    const exchange = await rawExchange(t.url, [head, ...trickle], 30_000);
    expect(exchange.closedByServer).toBe(true);
    expectRawProblem(exchange.responses[0], 408, "REQUEST_TIMEOUT");
  });
});

describe("a request that arrives while the server shuts down", () => {
  // Since graceful shutdown (docs/deploy.md), an answer sent after shutdown began carries
  // `Connection: close`: a request pipelined behind it is never started, and the client
  // retries it elsewhere (RFC 9112 §9.3.2), instead of getting a 503 on a closing connection.
  it("finishes the request in flight with Connection: close and starts nothing pipelined behind it", async () => {
    const t = await startTestServer();
    let closing: Promise<void> | undefined;
    // Request 1 is routed, then waits for its body; meanwhile the server starts closing;
    // request 2, pipelined behind it on the same connection, arrives during the shutdown.
    const head = `POST /v2/api-keys HTTP/1.1\r\nhost: keyhouse.test\r\nauthorization: Bearer ${t.adminKey}\r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n`;
    const second = requestBytes("GET", "/v2/api-keys", { authorization: `Bearer ${t.adminKey}` });
    const exchange = await rawExchange(t.url, [
      head,
      '{"name"',
      { pauseMs: 300 },
      { until: () => ((closing ??= t.close()), true) },
      { pauseMs: 300 },
      ':"x1"}',
      second,
    ]);
    await closing;
    expect(exchange.responses[0]?.status).toBe(201);
    expect(exchange.responses[0]?.headers["connection"]).toBe("close");
    expect(exchange.responses).toHaveLength(1);
    expect(exchange.closedByServer || exchange.error !== undefined).toBe(true);
  });
});

describe("the console's static files under hostile requests", () => {
  let app: FastifyInstance;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), "keyhouse-console-"));
  beforeAll(async () => {
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><div id=root></div>");
    writeFileSync(join(dir, "assets", "app-1234.js"), "console.log(1)");
    app = Fastify();
    installErrorHandling(app);
    await consoleRoutes(app, dir);
    url = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the console and its assets under the strict CSP", async () => {
    for (const path of ["/", "/assets/app-1234.js"]) {
      const res = await send(url, path);
      expect(res.status).toBe(200);
      expect(res.headers["content-security-policy"]).toBe(CONSOLE_CSP);
      expect(CONSOLE_CSP).toContain("default-src 'none'");
      expect(CONSOLE_CSP).not.toContain("unsafe-");
    }
  });

  it("answers a path that climbs out of the assets with 404 problem+json, never 500", async () => {
    for (const path of ["/assets/../../package.json", "/assets/%2e%2e/%2e%2e/package.json", "/assets/..%2f..%2fpackage.json"]) {
      expectProblem(await send(url, path, { rawPath: true }), 404, "ROUTE_NOT_FOUND");
    }
  });

  it("answers an unsatisfiable Range or failed precondition with a 4xx problem, never 500", async () => {
    expect((await send(url, "/assets/app-1234.js")).status).toBe(200);
    const cases: Record<string, string>[] = [
      { range: "bytes=99999-" },
      { "if-match": '"nope"' },
      { "if-unmodified-since": "Thu, 01 Jan 1970 00:00:00 GMT" },
    ];
    for (const headers of cases) {
      const res = await send(url, "/assets/app-1234.js", { headers });
      expect(res.status, JSON.stringify(headers)).toBeLessThan(500);
      if (res.status >= 400) expectProblem(res, res.status);
    }
  });
});
