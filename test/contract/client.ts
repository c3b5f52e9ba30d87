import { expect } from "vitest";
import type { HttpResponse, Json } from "../support/http.js";
import type { TestServer } from "../support/server.js";
import type { Translation } from "./dialect.js";
import { opKey, SchemaBook, type Wire, type WireOperation } from "./wire.js";

/**
 * Statuses SPEC.md requires on an operation whose Arize map does not list them.
 * The official client raises its usual exception for them (it maps exceptions by
 * status, not by the map), so they break no client; each is named here with the
 * SPEC line that demands it, so that the list is a decision and not a leak.
 * docs/arize-compatibility.md says the same.
 */
const SPEC_STATUSES: Record<string, { status: number; why: string }[]> = {
  "POST /v2/users/{user_id}/reset-password": [{ status: 422, why: "SPEC §14: a user it does not apply to (not active) is 422" }],
  "POST /v2/users/{user_id}/resend-invitation": [{ status: 422, why: "SPEC §14: a user it does not apply to (active) is 422" }],
  "DELETE /v2/users/{user_id}": [{ status: 422, why: "SPEC §7: the last active human admin cannot be deleted (422)" }],
  "GET /v2/users/{user_id}": [
    { status: 403, why: "SPEC §4: a key whose user lacks developer access is 403 (docs/identity.md: on every route)" },
  ],
  "GET /v2/organizations/{org_id}": [
    { status: 403, why: "SPEC §4: a key whose user lacks developer access is 403 (docs/identity.md: on every route)" },
  ],
  "DELETE /v2/roles/{role_id}": [{ status: 422, why: "SPEC §12: a role still bound cannot be deleted (422)" }],
  "GET /v2/roles/{role_id}": [
    { status: 403, why: "SPEC §4: a key whose user lacks developer access is 403 (docs/identity.md: on every route)" },
  ],
};

export interface CallOptions {
  /** Values of the path's `{placeholders}`. */
  params?: Record<string, string | undefined>;
  /** Query parameters (an undefined one is left out); pairs allow a repeated name. */
  query?: Record<string, string | undefined> | [string, string][];
  /** A body the official client could send: it must validate against the operation's request model. */
  body?: unknown;
  /** A body the official client could never send: it must fail the request model (this is what a 400 test is about). */
  badBody?: unknown;
  /** The caller's raw key; the admin's by default, null for none. */
  key?: string | null;
  /** Source address of the connection (127.0.0.0/8), to keep auth failures apart. */
  from?: string;
  /** The machine code expected in the problem's `type` (its last segment). */
  code?: string;
}

/** A response as a failure message may show it: raw API keys and claim tokens cut to their prefix. */
function withoutSecrets(text: string): string {
  return text.replace(/\b(ak|kc)-[A-Za-z0-9]{20,}/g, "$1-[redacted]");
}

/** The machine code of a problem: the last segment of its `type`, as UPPER_SNAKE. */
export function problemCode(body: Json): string | undefined {
  if (typeof body?.type !== "string") return undefined;
  return body.type.split(":").pop()?.replaceAll("-", "_").toUpperCase();
}

/**
 * Calls operations of one wire file on a real server, the way the official
 * client does, and holds every response to that file: a status the operation
 * lists, a body that validates against the model for that status (an empty one
 * for `null`), and every 4xx a `Problem`. Records which statuses each
 * operation answered conformantly, for the suite's summary.
 */
export class ContractClient {
  readonly book: SchemaBook;
  readonly seen = new Map<string, Set<number>>();
  private readonly byKey: Map<string, WireOperation>;
  private addresses = 0;
  /** While true (the fixtures of beforeAll), any 2xx goes on and what breaks the wire is kept in setupViolations. */
  setup = false;
  readonly setupViolations: string[] = [];

  constructor(
    readonly wire: Wire,
    private readonly server: () => TestServer,
    /** The headers that choose the dialect: the client's own `sdk-version`, or keyhouse's `Keyhouse-Dialect` pin. */
    private readonly dialectHeaders: Record<string, string>,
    /** For 2026-07: how 8.42 says what the cases write in 8.31's words (test/contract/dialect.ts). */
    readonly translation?: Translation,
  ) {
    this.book = new SchemaBook(wire);
    this.byKey = new Map(wire.operations.map((op) => [opKey(op), op]));
  }

  operation(key: string): WireOperation {
    const op = this.byKey.get(this.translation?.operation(key) ?? key);
    if (!op) throw new Error(`${this.wire.file} has no operation ${key}`);
    return op;
  }

  /** A loopback address no earlier request used, so a 401 test never trips the failure throttle. */
  freshAddress(): string {
    this.addresses += 1;
    return `127.10.${Math.floor(this.addresses / 250)}.${(this.addresses % 250) + 1}`;
  }

  /** Sends one request to `key` (`METHOD /path/{param}`), insists on `expected`, checks the body, returns it parsed. */
  async call(casesKey: string, casesOptions: CallOptions, expected: number): Promise<Json> {
    const op = this.operation(casesKey);
    const key = opKey(op);
    const options = this.translated(op, casesOptions, expected);
    const path = this.pathOf(op, options);
    this.checkRequestBody(op, options);
    const body = options.badBody ?? options.body;
    const res = await this.server().call(path, {
      method: op.method,
      body,
      key: options.key,
      localAddress: options.from,
      headers: this.dialectHeaders,
    });
    const where = `${op.method} ${path}${body === undefined ? "" : ` with ${JSON.stringify(body)}`}`;
    const answer = `answered ${res.status} ${res.text === "" ? "(empty body)" : withoutSecrets(res.text)}`;
    const listed = res.status in op.responses || (SPEC_STATUSES[key] ?? []).some((s) => s.status === res.status);
    const unlisted = `${res.status} is not a status ${key} lists in ${this.wire.file}`;
    const problems = this.bodyProblems(op, res);
    if (options.code !== undefined) {
      const code = problemCode(res.body);
      if (code !== options.code) problems.push(`problem code (last segment of "type") is ${String(code)}, expected ${options.code}`);
    }
    if (this.setup) {
      // Fixtures need a success to go on; anything else they saw is reported by the setup test, not thrown here.
      if (res.status < 200 || res.status > 299) throw new Error(`setup: ${where} ${answer}, expected ${expected}`);
      if (!listed) problems.push(unlisted);
      if (res.status !== expected) problems.push(`expected ${expected}`);
      this.setupViolations.push(...problems.map((p) => `${where} ${answer}: ${p}`));
    } else {
      const context = `\n  request: ${where}\n  response: ${answer}\n`;
      expect(listed, `${unlisted}${context}`).toBe(true);
      expect(res.status, `${key}: expected ${expected}, ${answer.slice(0, 200)}${context}`).toBe(expected);
      const report = [`${key} answered ${res.status} but breaks ${this.wire.file}:`, ...problems.map((p) => `  - ${p}`)];
      report.push(`  request: ${where}`, `  response: ${answer}`, "");
      expect.soft(problems.length, report.join("\n")).toBe(0);
    }
    if (problems.length === 0 && listed) this.record(key, res.status);
    return this.translation === undefined ? res.body : this.translation.response(key, res.body);
  }

  /**
   * The cases' request in this client's words. A body the cases mean as valid
   * that 8.42's model refuses (a 2026-06 body with no 2026-07 form) is sent as
   * a bad body when the case expects a 4xx, and fails the test otherwise.
   */
  private translated(op: WireOperation, options: CallOptions, expected: number): CallOptions {
    const t = this.translation;
    if (t === undefined) return options;
    const key = opKey(op);
    const pairs = Array.isArray(options.query) ? options.query : Object.entries(options.query ?? {});
    const query = t.query(pairs.filter((pair): pair is [string, string] => pair[1] !== undefined));
    const body = t.request(key, options.body);
    const badBody = t.request(key, options.badBody);
    if (body !== undefined && op.body !== null && expected >= 400 && this.book.errors(op.body, body).length > 0) {
      return { ...options, query, body: undefined, badBody: body };
    }
    // 8.42's models are looser in places (its key_type is any string): a body the
    // cases call bad that 8.42 may send is sent as a valid one, still expecting the 4xx.
    if (badBody !== undefined && op.body !== null && this.book.errors(op.body, badBody).length === 0) {
      return { ...options, query, body: badBody, badBody: undefined };
    }
    return { ...options, query, body, badBody };
  }

  private pathOf(op: WireOperation, options: CallOptions): string {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = options.params?.[name];
      if (value === undefined) throw new Error(`${opKey(op)}: no value for {${name}}`);
      return encodeURIComponent(value);
    });
    const pairs = Array.isArray(options.query) ? options.query : Object.entries(options.query ?? {});
    const query = new URLSearchParams(pairs.filter((pair): pair is [string, string] => pair[1] !== undefined)).toString();
    return query === "" ? path : `${path}?${query}`;
  }

  /** The suite sends what the official client sends, or says it does not. */
  private checkRequestBody(op: WireOperation, options: CallOptions): void {
    if (options.body !== undefined) {
      if (op.body === null) throw new Error(`${opKey(op)} takes no body`);
      const errors = this.book.errors(op.body, options.body);
      expect(errors, `${opKey(op)}: the test's body is not a valid ${op.body}: ${JSON.stringify(options.body)}`).toEqual([]);
    }
    if (options.badBody !== undefined && op.body !== null) {
      const errors = this.book.errors(op.body, options.badBody);
      expect(errors.length, `${opKey(op)}: the "bad" body is a valid ${op.body}: ${JSON.stringify(options.badBody)}`).toBeGreaterThan(0);
    }
  }

  private bodyProblems(op: WireOperation, res: HttpResponse): string[] {
    const listed = String(res.status) in op.responses;
    const model = listed ? op.responses[String(res.status)] : res.status >= 400 ? "Problem" : undefined;
    if (model === undefined) return [`no model for ${res.status}`];
    if (model === null) return res.text === "" ? [] : ["the body must be empty"];
    if (res.body === undefined) return [`the body is not JSON (a ${model} was due)`];
    const problems = this.book.errors(model, res.body).map((e) => `${model}: ${e}`);
    if (res.status >= 400) {
      if (model !== "Problem") problems.push(`a ${res.status} must answer a Problem, the file says ${model}`);
      if (!String(res.headers["content-type"]).startsWith("application/problem+json")) {
        problems.push(`content-type is ${String(res.headers["content-type"])}, not application/problem+json`);
      }
      if (res.body.status !== res.status) problems.push(`problem "status" ${String(res.body.status)} differs from the HTTP status`);
    }
    return problems;
  }

  private record(key: string, status: number): void {
    const statuses = this.seen.get(key) ?? new Set<number>();
    statuses.add(status);
    this.seen.set(key, statuses);
  }
}
