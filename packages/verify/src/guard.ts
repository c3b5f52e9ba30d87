import type { Verification, VerifyOptions, Resource } from "./types.js";
import { VerifierUnavailableError, type Verifier } from "./verifier.js";

// What the three middlewares share: where the key comes from, what to ask, and
// the RFC 9457 problem a refused request gets.

/** An RFC 9457 problem, as the middlewares send it (application/problem+json). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

/** How a route is protected: the permissions to require, and on what. */
export interface GuardOptions<Request> {
  verifier: Verifier;
  /** Permissions the key must hold; with `resource`, on that resource, else on the account. */
  permissions?: readonly string[];
  /** The resource a request concerns (for example a project id from the path). */
  resource?: (request: Request) => Resource | undefined;
  /** Where the key is read from (default: `Authorization: Bearer <key>`). */
  key?: (request: Request) => string | undefined;
  /** Told when keyhouse could not answer (the request got a 503): log it. */
  onError?: (error: unknown) => void;
}

export type Outcome =
  { ok: true; verification: Verification } | { ok: false; status: number; problem: Problem; headers: Record<string, string> };

/** The key of an `Authorization: Bearer <key>` header (scheme case-insensitive). */
export function bearerKey(header: string | string[] | undefined): string | undefined {
  if (typeof header !== "string" || header.length < 8) return undefined;
  if (header.charCodeAt(6) !== 32 || header.slice(0, 6).toLowerCase() !== "bearer") return undefined;
  const key = header.slice(7).trim();
  return key === "" ? undefined : key;
}

const problem = (status: number, code: string, title: string, detail: string): Problem => ({
  type: `urn:keyhouse:problem:${code}`,
  title,
  status,
  detail,
});

const UNAUTHORIZED = { "www-authenticate": 'Bearer realm="api"' };

const MISSING: Outcome = {
  ok: false,
  status: 401,
  headers: UNAUTHORIZED,
  problem: problem(401, "missing-api-key", "Unauthorized", "Send your API key in the Authorization header: Bearer <key>."),
};

function refused(verification: Verification, asked: VerifyOptions | undefined): Outcome {
  switch (verification.code) {
    case "VALID":
      return { ok: true, verification };
    case "REVOKED":
      return {
        ok: false,
        status: 401,
        headers: UNAUTHORIZED,
        problem: problem(401, "revoked-api-key", "Unauthorized", "This API key was revoked."),
      };
    case "EXPIRED":
      return {
        ok: false,
        status: 401,
        headers: UNAUTHORIZED,
        problem: problem(401, "expired-api-key", "Unauthorized", "This API key has expired."),
      };
    case "FORBIDDEN":
      return {
        ok: false,
        status: 403,
        headers: {},
        problem: problem(403, "forbidden", "Forbidden", "The user of this API key may not use the API."),
      };
    case "INSUFFICIENT_PERMISSIONS": {
      const held = new Set(verification.permissions ?? []);
      const missing = (asked?.permissions ?? []).filter((p) => !held.has(p));
      const where = asked?.resource === undefined ? "" : ` on this ${asked.resource.type.toLowerCase()}`;
      return {
        ok: false,
        status: 403,
        headers: {},
        problem: problem(
          403,
          "insufficient-permissions",
          "Forbidden",
          missing.length > 0
            ? `This API key lacks the permission${missing.length > 1 ? "s" : ""} ${missing.join(", ")}${where}.`
            : `This API key has no access${where}.`,
        ),
      };
    }
    default:
      return {
        ok: false,
        status: 401,
        headers: UNAUTHORIZED,
        problem: problem(401, "invalid-api-key", "Unauthorized", "This API key is not valid."),
      };
  }
}

/**
 * The outcome when it is known without a call to keyhouse (no key, a malformed
 * key, a cached answer), else undefined; with the question to ask keyhouse.
 * Synchronous, so a middleware's hot path allocates no promise.
 */
export function guardFromCache<Request>(
  options: GuardOptions<Request>,
  request: Request,
  header: string | string[] | undefined,
): Outcome | { raw: string; asked: VerifyOptions | undefined } {
  const raw = options.key ? options.key(request) : bearerKey(header);
  if (raw === undefined) return MISSING;
  const resource = options.resource?.(request);
  const asked: VerifyOptions | undefined =
    options.permissions === undefined && resource === undefined ? undefined : { permissions: options.permissions, resource };
  const hit = options.verifier.cached(raw, asked);
  return hit === undefined ? { raw, asked } : refused(hit, asked);
}

/** Asks keyhouse (through the verifier) what the cache could not answer; never rejects. */
export async function guardFromKeyhouse<Request>(
  options: GuardOptions<Request>,
  raw: string,
  asked: VerifyOptions | undefined,
): Promise<Outcome> {
  try {
    return refused(await options.verifier.verify(raw, asked), asked);
  } catch (error) {
    options.onError?.(error);
    const detail =
      error instanceof VerifierUnavailableError
        ? "The API key could not be checked right now. Try again shortly."
        : "The API key could not be checked.";
    return {
      ok: false,
      status: 503,
      headers: { "retry-after": "1" },
      problem: problem(503, "verification-unavailable", "Service Unavailable", detail),
    };
  }
}

/** Verifies the request's key: a cached answer at once, else keyhouse's; never rejects. */
export async function guard<Request>(
  options: GuardOptions<Request>,
  request: Request,
  header: string | string[] | undefined,
): Promise<Outcome> {
  const known = guardFromCache(options, request, header);
  return "raw" in known ? guardFromKeyhouse(options, known.raw, known.asked) : known;
}
