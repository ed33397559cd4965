import { useMemo, useState, type ReactNode } from 'react';

/** A column of {@link DataTable}: header, the sortable/filterable text of a row, and how a cell is shown. */
export interface Column<R> {
  readonly key: string;
  readonly header: string;
  /** Sort key (numbers sort numerically). */
  readonly sortValue: (row: R) => string | number;
  /** Cell content (default: the sort value). */
  readonly render?: (row: R) => ReactNode;
}

/** Table with click-to-sort headers, a text filter over every column, and pages of `pageSize` rows. */
export function DataTable<R>(props: {
  readonly rows: readonly R[];
  readonly columns: readonly Column<R>[];
  readonly pageSize: number;
  readonly sortBy?: string | undefined;
  readonly sortDesc?: boolean;
  readonly filterable?: boolean;
  readonly label: string;
}) {
  const [sortBy, setSortBy] = useState(props.sortBy ?? props.columns[0]?.key ?? '');
  const [desc, setDesc] = useState(props.sortDesc ?? false);
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const col = props.columns.find((c) => c.key === sortBy);
    const kept =
      needle === ''
        ? [...props.rows]
        : props.rows.filter((r) =>
            props.columns.some((c) => String(c.sortValue(r)).toLowerCase().includes(needle)),
          );
    if (col) {
      kept.sort((a, b) => {
        const x = col.sortValue(a);
        const y = col.sortValue(b);
        const cmp =
          typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return desc ? -cmp : cmp;
      });
    }
    return kept;
  }, [props.rows, props.columns, filter, sortBy, desc]);
  const pages = Math.max(1, Math.ceil(rows.length / props.pageSize));
  const current = Math.min(page, pages - 1);
  const shown = rows.slice(current * props.pageSize, (current + 1) * props.pageSize);
  const sort = (key: string): void => {
    if (key === sortBy) setDesc(!desc);
    else {
      setSortBy(key);
      setDesc(false);
    }
  };
  return (
    <div className="data-table">
      {(props.filterable ?? true) && (
        <input
          className="table-filter"
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value);
            setPage(0);
          }}
          placeholder="Filter rows"
          aria-label={`Filter ${props.label}`}
        />
      )}
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th key={c.key} aria-sort={c.key === sortBy ? (desc ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" className="link" onClick={() => sort(c.key)}>
                    {c.header}
                    {c.key === sortBy ? (desc ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr key={i}>
                {props.columns.map((c) => (
                  <td key={c.key}>{c.render ? c.render(r) : c.sortValue(r)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && <p className="muted">No rows.</p>}
      {pages > 1 && (
        <div className="pager">
          <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </button>
          <span className="muted">
            Page {current + 1} of {pages} ({rows.length} rows)
          </span>
          <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            Next
          </button>
        </div>
      )}
    </div>
  );
}
