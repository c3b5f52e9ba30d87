import { useCallback, useEffect, useRef, useState } from "react";
import { errorDetail, type Page } from "./api";

/** Runs one user action at a time and keeps the problem detail of its failure. */
export function useAction() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = useCallback(async <T>(action: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
    setPending(true);
    setError(undefined);
    try {
      return { ok: true, value: await action() };
    } catch (caught) {
      setError(errorDetail(caught));
      return { ok: false };
    } finally {
      setPending(false);
    }
  }, []);
  const clear = useCallback(() => setError(undefined), []);
  return { run, pending, error, clear };
}

export interface PagedList<T> {
  items: T[];
  loading: boolean;
  error: string | undefined;
  pageNumber: number;
  hasNext: boolean;
  next(): void;
  previous(): void;
  reload(): void;
}

/**
 * Walks a keyset-paginated list: the cursor of every page seen is kept so
 * "Previous" can go back. A change of `filterKey` starts again at page one;
 * answers to superseded requests are dropped.
 */
export function usePaged<T>(load: (cursor: string | undefined) => Promise<Page<T>>, filterKey: string): PagedList<T> {
  const [walk, setWalk] = useState<{ filterKey: string; cursors: (string | undefined)[] }>({ filterKey, cursors: [undefined] });
  const [reloads, setReloads] = useState(0);
  // The latest answer and the request it answers: the list is loading while that is not the current request.
  const [answer, setAnswer] = useState<{ request: string | undefined; page: Page<T>; error: string | undefined }>({
    request: undefined,
    page: { items: [], nextCursor: undefined },
    error: undefined,
  });
  const latest = useRef(0);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  }, [load]);

  const cursors = walk.filterKey === filterKey ? walk.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];
  const request = JSON.stringify([filterKey, cursor ?? null, cursors.length, reloads]);
  useEffect(() => {
    const ticket = ++latest.current;
    loadRef.current(cursor).then(
      (result) => {
        if (ticket !== latest.current) return;
        setAnswer({ request, page: result, error: undefined });
      },
      (caught: unknown) => {
        if (ticket !== latest.current) return;
        setAnswer({ request, page: { items: [], nextCursor: undefined }, error: errorDetail(caught) });
      },
    );
  }, [request, cursor]);
  const loading = answer.request !== request;
  const page = answer.page;
  const error = loading ? undefined : answer.error;

  return {
    items: page.items,
    loading,
    error,
    pageNumber: cursors.length,
    hasNext: !loading && page.nextCursor !== undefined,
    next: () => {
      const nextCursor = page.nextCursor;
      if (nextCursor !== undefined) setWalk({ filterKey, cursors: [...cursors, nextCursor] });
    },
    previous: () => {
      if (cursors.length > 1) setWalk({ filterKey, cursors: cursors.slice(0, -1) });
    },
    reload: () => setReloads((n) => n + 1),
  };
}
