import { ErrorText } from "../components/ErrorText";
import type { PagedList } from "../hooks";

/** A list's loading, error and empty states, shown above its table. */
export function ListState<T>({ list, empty }: { list: PagedList<T>; empty: string }) {
  if (list.loading && list.items.length === 0) return <p className="loading">Loading…</p>;
  if (list.error !== undefined) return <ErrorText error={list.error} />;
  if (!list.loading && list.items.length === 0) return <p className="empty">{empty}</p>;
  return null;
}
