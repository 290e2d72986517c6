import type { HTMLAttributes, ReactNode } from "react";
import { cn } from "./cn";

export type Column<T> = {
  key: string;
  /** The column's heading; on a phone, the label beside each value. */
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** The row's title: first and unlabelled when the rows are cards. */
  primary?: boolean;
  align?: "end";
  /** Dates, counts, badges: never wrapped. */
  nowrap?: boolean;
  className?: string;
};

function isEmpty(v: ReactNode): boolean {
  return v === null || v === undefined || v === false || v === "";
}

/**
 * A table where it fits, a list of cards where its container is narrow (globals.css, "DataTable").
 * Row actions go in the trailing cell (a menu: app/_components/ui/menu.tsx), which sits in
 * the card's corner on a phone. Text never breaks inside a word: long ids and emails use
 * <Truncate>. `rowProps` adds attributes (data-*, for tests and links) to each row.
 */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  rowProps,
  actions,
  actionsHeader,
  caption,
  className,
  ...props
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | undefined>;
  actions?: (row: T) => ReactNode;
  /** The actions column's heading for screen readers ("Actions"). */
  actionsHeader?: string;
  caption?: ReactNode;
  className?: string;
  "data-testid"?: string;
}) {
  return (
    <div className={cn("dt-wrap overflow-x-auto rounded-lg border border-line bg-surface shadow-xs", className)}>
      <table className="dt" role="table" data-testid={props["data-testid"]}>
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead role="rowgroup">
          <tr role="row">
            {columns.map((c) => (
              <th key={c.key} role="columnheader" scope="col" data-align={c.align} className={c.className}>
                {c.header}
              </th>
            ))}
            {actions && (
              <th role="columnheader" scope="col" data-align="end">
                <span className="sr-only">{actionsHeader}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {rows.map((row) => (
            <tr key={rowKey(row)} role="row" {...rowProps?.(row)}>
              {columns.map((c) => {
                const value = c.cell(row);
                return (
                  <td
                    key={c.key}
                    role="cell"
                    data-align={c.align}
                    data-primary={c.primary ? "" : undefined}
                    data-empty={isEmpty(value) ? "" : undefined}
                    className={cn(c.nowrap && "whitespace-nowrap", c.primary && "font-medium", c.className)}
                  >
                    {!c.primary && (
                      <span className="dt-label" aria-hidden="true">
                        {c.header}
                      </span>
                    )}
                    <div className="min-w-0">{value}</div>
                  </td>
                );
              })}
              {actions && (
                <td role="cell" data-actions="" data-align="end" className="w-0 whitespace-nowrap">
                  {actions(row)}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
