import type { CursorCodec, CursorFilters } from "../http/cursor.js";
import { ProblemError } from "../http/problem.js";

/** A keyset position: the last row of a page, in (time desc, id desc) order. Cursors carry it. */
export interface Position {
  createdAt: number;
  id: number;
}

/** One page of a keyset-paginated list and the signed cursor of the next one. */
export interface Page<T> {
  items: T[];
  nextCursor: string | undefined;
}

export interface PageRequest {
  cursor: string | undefined;
  limit: number;
  /** What the list is filtered by; a cursor only verifies under the filters it was issued for. */
  filters: CursorFilters;
}

/**
 * Reads one page: verifies the cursor (400 when forged, corrupted or issued for
 * other filters), fetches `limit + 1` rows after its position, and signs the
 * position of the last row shown when more follow.
 */
export async function readPage<T extends { id: number }>(
  cursors: CursorCodec,
  request: PageRequest,
  fetch: (after: Position | undefined) => Promise<T[]>,
  timeOf: (row: T) => number,
): Promise<Page<T>> {
  let after: Position | undefined;
  if (request.cursor !== undefined) {
    after = cursors.decode(request.cursor, request.filters);
    if (!after) {
      throw new ProblemError("INVALID_CURSOR", {
        detail: "cursor is invalid, corrupted, or was issued for other filters; start again without it",
      });
    }
  }
  const rows = await fetch(after);
  if (rows.length <= request.limit) return { items: rows, nextCursor: undefined };
  const items = rows.slice(0, request.limit);
  const last = items[items.length - 1];
  const next = last && cursors.encode({ createdAt: timeOf(last), id: last.id }, request.filters);
  return { items, nextCursor: next };
}
