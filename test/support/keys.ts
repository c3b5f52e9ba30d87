import { expect } from "vitest";
import type { HttpResponse, Json } from "./http.js";
import type { TestServer } from "./server.js";

/** Creates a key over HTTP and insists on 201. */
export async function createKey(
  t: TestServer,
  body: Record<string, unknown>,
  key?: string,
): Promise<{ id: string; key: string; body: Json }> {
  const res = await t.call("/v2/api-keys", { method: "POST", body, key });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id, key: res.body.key, body: res.body };
}

/** Asserts an RFC 9457 problem response with this status (and code, when given). */
export function expectProblem(res: HttpResponse, status: number, code?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
  expect(typeof res.body.title).toBe("string");
  expect(typeof res.body.detail).toBe("string");
  expect(typeof res.body.type).toBe("string");
  expect(typeof res.body.instance).toBe("string");
  if (code !== undefined) expect(res.body.code).toBe(code);
}

/** An RFC 3339 time `seconds` from now. */
export function inSeconds(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}
