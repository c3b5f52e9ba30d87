import type { ReactNode } from "react";

/** A list table: column headings, an unlabelled actions column, and rows that become cards on narrow screens. */
export function ListTable({
  columns,
  actions = true,
  busy,
  className,
  children,
}: {
  columns: string[];
  actions?: boolean;
  busy?: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    <table className={className === undefined ? "list" : `list ${className}`} aria-busy={busy}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
          {actions && (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
