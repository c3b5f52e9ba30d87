import { useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useState } from "react";
import { errorDetail, type Page } from "./api";

// useAction lives in action.ts (no TanStack Query, so the sign-in screen's chunk stays small); importable from here too.
export { useAction } from "./action";

export interface PagedList<T> {
  /** The rows of the current page: empty while a page not seen before loads, never another filter's rows. */
  items: T[];
  /** True while the page is being read (first load or a refresh). */
  loading: boolean;
  error: string | undefined;
  /** 1-based. */
  pageNumber: number;
  /** The position of the page's first row (1-based) and its size: "51–100". */
  firstRow: number;
  pageSize: number;
  /** The number of rows over every page, when the server told it. */
  total: number | undefined;
  hasNext: boolean;
  next(): void;
  previous(): void;
  reload(): void;
}

export interface PagedOptions<T> {
  /** Names the list and its filters: a change starts again at page one and never shows the old rows. */
  key: QueryKey;
  load: (cursor: string | undefined) => Promise<Page<T>>;
  pageSize: number;
  /** The page shown (0-based) when the caller keeps it (in the URL, say); else the hook keeps it. */
  page?: number;
  onPage?: (page: number) => void;
}

/**
 * Walks a keyset-paginated list through TanStack Query: each page is a query
 * keyed by the list's key and its index, and page N's cursor is page N-1's
 * `nextCursor` (read from the cache, or fetched first), so page 3 opened from
 * a URL walks pages 1 and 2 once and then reuses them. Without
 * `placeholderData`, a new filter or page shows no rows until its own answer
 * arrives: the old rows and their buttons never stand under a new filter.
 */
export function usePaged<T>(options: PagedOptions<T>): PagedList<T> {
  const queryClient = useQueryClient();
  const keyText = JSON.stringify(options.key);
  const [own, setOwn] = useState<{ keyText: string; page: number }>({ keyText, page: 0 });
  const page = options.page ?? (own.keyText === keyText ? own.page : 0);
  const setPage = (next: number) => (options.onPage ? options.onPage(next) : setOwn({ keyText, page: next }));
  const { key, load } = options;

  const pageKey = (index: number): QueryKey => [...key, "page", index];
  const readPage = async (index: number): Promise<Page<T>> => {
    if (index === 0) return load(undefined);
    const before = await queryClient.ensureQueryData({ queryKey: pageKey(index - 1), queryFn: () => readPage(index - 1) });
    // A page past the end (a stale URL): nothing there.
    if (before.nextCursor === undefined) return { items: [], nextCursor: undefined, total: before.total };
    return load(before.nextCursor);
  };
  const query = useQuery({ queryKey: pageKey(page), queryFn: () => readPage(page) });

  return {
    items: query.data?.items ?? [],
    loading: query.isFetching,
    error: query.error === null ? undefined : errorDetail(query.error),
    pageNumber: page + 1,
    firstRow: page * options.pageSize + 1,
    pageSize: options.pageSize,
    total: query.data?.total,
    hasNext: !query.isFetching && query.data?.nextCursor !== undefined,
    next: () => {
      if (query.data?.nextCursor !== undefined) setPage(page + 1);
    },
    previous: () => {
      if (page > 0) setPage(page - 1);
    },
    // Every filter of the list may have changed (a key created, deleted): refresh them all.
    reload: () => void queryClient.invalidateQueries({ queryKey: key.slice(0, 1) }),
  };
}
