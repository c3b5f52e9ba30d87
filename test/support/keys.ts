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

/**
 * Asserts an RFC 9457 problem response with this status (and code, when given:
 * the registry name, `INVALID_CURSOR`, which the wire carries as the last segment
 * of `type`, `urn:keyhouse:problem:invalid-cursor`). The body has exactly the
 * five members of Arize's `Problem`; the request id is in X-Request-Id.
 */
export function expectProblem(res: HttpResponse, status: number, code?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
  expect(Object.keys(res.body).sort()).toEqual(PROBLEM_MEMBERS);
  expect(res.body.status).toBe(status);
  expect(typeof res.body.title).toBe("string");
  expect(typeof res.body.detail).toBe("string");
  expect(res.body.type).toMatch(/^urn:keyhouse:problem:[a-z]+(-[a-z]+)*$/);
  expect(typeof res.body.instance).toBe("string");
  expect(res.headers["x-request-id"]).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  if (code !== undefined) expect(problemCode(res.body)).toBe(code);
}

const PROBLEM_MEMBERS = ["detail", "instance", "status", "title", "type"];

/**
 * A problem body's machine code as a client reads it, the last segment of
 * `type`, in the registry's spelling (`invalid-cursor` -> `INVALID_CURSOR`), so
 * tests name codes as src/http/problem.ts does.
 */
export function problemCode(body: Json): string | undefined {
  if (typeof body?.type !== "string") return undefined;
  return String(body.type.split(":").pop()).toUpperCase().replaceAll("-", "_");
}

/** An RFC 3339 time `seconds` from now. */
export function inSeconds(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}
