import { packageVersion } from "../version.js";

/** Where to send requests and which key to send. */
export interface Connection {
  url: string;
  apiKey: string;
}

/**
 * The server answered with an error; `detail` comes from its problem body when
 * it sent one, `code` from the last segment of its `type`, the request id from
 * the X-Request-Id header.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfter: string | undefined;

  constructor(fields: { status: number; title: string; detail: string; code?: string; requestId?: string; retryAfter?: string }) {
    super(fields.detail || fields.title);
    this.name = "ApiError";
    this.status = fields.status;
    this.title = fields.title;
    this.detail = fields.detail;
    this.code = fields.code;
    this.requestId = fields.requestId;
    this.retryAfter = fields.retryAfter;
  }
}

/** The server could not be reached, or did not answer in time. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkError";
  }
}

export type Query = Record<string, string | number | undefined>;

export interface Page<T> {
  items: T[];
  hasMore: boolean;
  nextCursor: string | undefined;
}

const TIMEOUT_MS = 30_000;

/** Joins a base URL (which may carry a path prefix, behind a proxy) and an API path. */
export function apiUrl(base: string, path: string, query: Query = {}): URL {
  const url = new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url;
}

function stringField(body: unknown, field: string): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === "string" ? value : undefined;
}

/**
 * A problem's machine code: the last segment of its `type` URI
 * (`urn:keyhouse:problem:invalid-cursor` -> `invalid-cursor`, docs/problems.md).
 */
function problemCode(type: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  const segment = type.split(/[:/]/).pop();
  return segment === undefined || segment === "" ? undefined : segment;
}

/** Turns a non-2xx response into an ApiError, using the problem body when there is one. */
async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return new ApiError({
    status: response.status,
    title: stringField(body, "title") ?? (response.statusText || "HTTP error"),
    detail: stringField(body, "detail") ?? "",
    code: problemCode(stringField(body, "type")),
    requestId: response.headers.get("x-request-id") ?? undefined,
    retryAfter: response.headers.get("retry-after") ?? undefined,
  });
}

function describeNetworkFailure(url: URL, error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return `no answer from ${url.origin} within ${TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : undefined;
  const reason = code ?? (cause instanceof Error ? cause.message : String(cause));
  return `cannot reach ${url.origin}: ${reason}`;
}

/** A small client of the keyhouse HTTP API over the global fetch; every failure becomes ApiError or NetworkError. */
export class ApiClient {
  constructor(readonly connection: Connection) {}

  async request<T>(method: string, path: string, options: { query?: Query; body?: unknown; key?: string } = {}): Promise<T> {
    const url = apiUrl(this.connection.url, path, options.query);
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.key ?? this.connection.apiKey}`,
      accept: "application/json, application/problem+json",
      "user-agent": `keyhouse-cli/${packageVersion()}`,
      // The CLI reads the internal (2026-06) wire whatever the server's KEYHOUSE_DIALECT (SPEC §11).
      "keyhouse-dialect": "2026-06",
    };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      // Redirects are not followed: a redirect would carry the key to wherever it points.
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new NetworkError(describeNetworkFailure(url, error));
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location") ?? "elsewhere";
      throw new NetworkError(`${url.origin} redirected to ${location}; use that URL instead (keys are never sent through a redirect)`);
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new NetworkError(`${url.origin} answered ${response.status} with a body that is not JSON; is this a keyhouse server?`);
    }
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>("GET", path, { query });
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, { body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, { body });
  }

  async delete(path: string): Promise<void> {
    await this.request<undefined>("DELETE", path);
  }

  /** Reads one page of a list whose items are under `listKey` (SPEC §6 pagination). */
  async page<T>(path: string, listKey: string, query: Query): Promise<Page<T>> {
    const body = await this.get<Record<string, unknown>>(path, query);
    const items = body[listKey];
    if (!Array.isArray(items)) throw new NetworkError(`the answer to GET ${path} has no "${listKey}" list; is this a keyhouse server?`);
    const pagination = (body.pagination ?? {}) as { has_more?: unknown; next_cursor?: unknown };
    const nextCursor = typeof pagination.next_cursor === "string" ? pagination.next_cursor : undefined;
    return { items: items as T[], hasMore: pagination.has_more === true && nextCursor !== undefined, nextCursor };
  }
}
