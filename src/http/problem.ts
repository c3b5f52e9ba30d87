/**
 * The one registry of problems keyhouse answers with (RFC 9457). Codes never
 * change once shipped; docs/problems.md lists each one and a test keeps the two
 * in step.
 */
export const PROBLEMS = {
  VALIDATION_FAILED: { status: 400, title: "Invalid request" },
  INVALID_ID: { status: 400, title: "Invalid id" },
  INVALID_CURSOR: { status: 400, title: "Invalid cursor" },
  MALFORMED_BODY: { status: 400, title: "Malformed request body" },
  UNAUTHENTICATED: { status: 401, title: "Unauthorized" },
  FORBIDDEN: { status: 403, title: "Forbidden" },
  DEVELOPER_ACCESS_REQUIRED: { status: 403, title: "Developer access required" },
  NOT_FOUND: { status: 404, title: "Not found" },
  REQUEST_TIMEOUT: { status: 408, title: "Request timeout" },
  ROUTE_NOT_FOUND: { status: 404, title: "Route not found" },
  CONFLICT: { status: 409, title: "Conflict" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "Payload too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type" },
  INVALID_STATE: { status: 422, title: "Not allowed in the current state" },
  TOO_MANY_REQUESTS: { status: 429, title: "Too many requests" },
  HEADERS_TOO_LARGE: { status: 431, title: "Request headers too large" },
  INTERNAL: { status: 500, title: "Internal server error" },
  UNAVAILABLE: { status: 503, title: "Service unavailable" },
  OVERLOADED: { status: 503, title: "Server busy" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

/**
 * The machine code clients switch on: the registry name in lower case with
 * dashes (`VALIDATION_FAILED` -> `validation-failed`), the last segment of `type`.
 */
export function wireCode(code: ProblemCode): string {
  return code.toLowerCase().replaceAll("_", "-");
}

/** The URI in a problem's `type`: a stable URN per code, documented in docs/problems.md. */
export function problemType(code: ProblemCode): string {
  return `urn:keyhouse:problem:${wireCode(code)}`;
}

export interface ProblemOptions {
  /** Shown to the client: say what is wrong and how to fix it. Never a secret. */
  detail: string;
  /** Logged only, never sent. */
  cause?: unknown;
  /** Extra response headers, such as Retry-After. */
  headers?: Record<string, string>;
}

/** Thrown at the edge of the domain; the error handler turns it into problem+json. */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly headers: Record<string, string>;

  constructor(code: ProblemCode, options: ProblemOptions) {
    super(options.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProblemError";
    this.code = code;
    this.status = PROBLEMS[code].status;
    this.title = PROBLEMS[code].title;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }
}

/**
 * The wire body of a problem: exactly RFC 9457's five members, as Arize's
 * `Problem` model accepts them (it rejects any other). The machine code is the
 * last segment of `type`; the request id travels in the X-Request-Id header.
 */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
}

/** Builds the wire body of a problem. */
export function problemBody(code: ProblemCode, detail: string, instance: string): ProblemBody {
  const { status, title } = PROBLEMS[code];
  return { type: problemType(code), title, status, detail, instance };
}
