/**
 * The console's only way to the server: same-origin HTTP to /v2 with the
 * signed-in key as a bearer token. Errors become ApiError carrying the
 * problem's `detail`, which the page shows next to the action that failed.
 */

export interface Problem {
  status: number;
  title: string;
  detail: string;
}

export class ApiError extends Error implements Problem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;

  constructor(problem: Problem) {
    super(problem.detail);
    this.name = "ApiError";
    this.status = problem.status;
    this.title = problem.title;
    this.detail = humanDetail(problem.detail);
  }
}

interface Pagination {
  has_more: boolean;
  next_cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | undefined;
  /** The number of items over every page, where the list tells it (`keyhouse-total-count`). */
  total?: number;
}

export type Query = Record<string, string | number | undefined>;

function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text === "" ? path : `${path}?${text}`;
}

async function toProblem(response: Response): Promise<Problem> {
  const fallback = {
    status: response.status,
    title: response.statusText,
    detail: `the server answered ${response.status} ${response.statusText}`,
  };
  try {
    const body: unknown = await response.json();
    if (typeof body === "object" && body !== null && "detail" in body && typeof body.detail === "string" && body.detail !== "") {
      const title = "title" in body && typeof body.title === "string" ? body.title : fallback.title;
      return { status: response.status, title, detail: body.detail };
    }
  } catch {
    // Not a problem document (a proxy's HTML page, say): describe the status instead.
  }
  return fallback;
}

/** An HTTP client bound to one API key, or to none (null) for the public claim routes. */
export class Client {
  constructor(private readonly key: string | null) {}

  async request<T>(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> {
    return (await this.exchange<T>(method, path, options)).body;
  }

  private async exchange<T>(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ body: T; headers: Headers }> {
    // The console reads the internal (2026-06) wire whatever the server's KEYHOUSE_DIALECT (SPEC §11).
    const headers: Record<string, string> = { accept: "application/json", "keyhouse-dialect": "2026-06", ...options.headers };
    if (this.key !== null) headers.authorization = `Bearer ${this.key}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(withQuery(path, options.query), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        cache: "no-store",
        credentials: "omit",
        referrerPolicy: "no-referrer",
      });
    } catch {
      throw new ApiError({
        status: 0,
        title: "Network error",
        detail: "could not reach the keyhouse server; check the connection and try again",
      });
    }
    if (!response.ok) throw new ApiError(await toProblem(response));
    if (response.status === 204) return { body: undefined as T, headers: response.headers };
    return { body: (await response.json()) as T, headers: response.headers };
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

  delete(path: string): Promise<void> {
    return this.request<void>("DELETE", path);
  }

  /**
   * One page of a paginated list whose items sit under `listKey`; with `count`,
   * also the total over every page (the extension header of GET /v2/api-keys).
   */
  async page<T>(path: string, listKey: string, query: Query, options: { count?: boolean } = {}): Promise<Page<T>> {
    const { body, headers } = await this.exchange<Record<string, unknown> & { pagination: Pagination }>("GET", path, {
      query,
      headers: options.count ? { "keyhouse-count": "exact" } : undefined,
    });
    const items = (body[listKey] ?? []) as T[];
    const totalText = headers.get("keyhouse-total-count");
    const total = totalText === null ? undefined : Number(totalText);
    return {
      items,
      nextCursor: body.pagination.has_more ? body.pagination.next_cursor : undefined,
      ...(total === undefined ? {} : { total }),
    };
  }

  /** Every item of a list, page by page (for pickers such as the space list). */
  async all<T>(path: string, listKey: string, query: Query = {}, maxPages = 20): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < maxPages; i += 1) {
      const page: Page<T> = await this.page<T>(path, listKey, { ...query, limit: 100, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
      if (cursor === undefined) break;
    }
    return items;
  }
}

/** Whether `text` is a keyhouse wire id: base64 of "<Type>:<number>:…" (docs/identity.md). */
function isWireId(text: string): boolean {
  try {
    return /^[A-Z][A-Za-z]*:\d+:/.test(atob(text.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    return false;
  }
}

const ID_AFTER_NOUN = /\b(API key|user|organization|space|project|role binding|role) ([A-Za-z0-9+/_-]{8,}={0,2})/g;

/**
 * A server problem's detail worded for a person: the server names things for
 * developers (`body "name"`, `query parameter "limit"`, wire ids); the console
 * shows "the name", "the limit", "this user". Everything else is kept as the
 * server wrote it.
 */
function humanDetail(detail: string): string {
  return detail
    .replace(ID_AFTER_NOUN, (whole, noun: string, id: string) => (isWireId(id) ? `this ${noun}` : whole))
    .replace(/\bbody "([a-z_]+)"/g, (_whole, field: string) => `the ${field.replace(/_/g, " ")}`)
    .replace(/\bquery parameter "([a-z_]+)"/g, (_whole, field: string) => `the ${field.replace(/_/g, " ")} filter`);
}

/** The message to show for anything an action threw. */
export function errorDetail(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  return "something went wrong in the console; reload the page and try again";
}
