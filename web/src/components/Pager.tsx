import type { PagedList } from "../hooks";

const count = new Intl.NumberFormat();

/** "51–100 of 124 keys": the range on screen, and the total when the list tells it. */
function rangeText<T>(list: PagedList<T>, noun: string): string {
  if (list.items.length === 0) return list.total === undefined || list.total === 0 ? "" : `${count.format(list.total)} ${noun}`;
  const first = list.firstRow;
  const last = first + list.items.length - 1;
  const total = list.total === undefined ? (list.hasNext ? "" : ` of ${count.format(last)}`) : ` of ${count.format(list.total)}`;
  return `${count.format(first)}–${count.format(last)}${total} ${noun}`;
}

/** Previous / Next through a keyset-paginated list, with the range shown and, when known, the total. */
export function Pager<T>({ list, label, noun = "items" }: { list: PagedList<T>; label: string; noun?: string }) {
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <span className="range" aria-live="polite">
        {rangeText(list, noun)}
      </span>
      <button type="button" onClick={list.previous} disabled={list.pageNumber <= 1 || list.loading}>
        Previous
      </button>
      <span>Page {list.pageNumber}</span>
      <button type="button" onClick={list.next} disabled={!list.hasNext}>
        Next
      </button>
    </nav>
  );
}
