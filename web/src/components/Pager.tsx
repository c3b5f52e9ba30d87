import type { PagedList } from "../hooks";

/** Previous / Next through a keyset-paginated list. */
export function Pager<T>({ list, label }: { list: PagedList<T>; label: string }) {
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={list.previous} disabled={list.pageNumber <= 1 || list.loading}>
        Previous
      </button>
      <span aria-live="polite">Page {list.pageNumber}</span>
      <button type="button" onClick={list.next} disabled={!list.hasNext}>
        Next
      </button>
    </nav>
  );
}
