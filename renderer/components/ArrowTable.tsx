import type { Table } from 'apache-arrow';

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'object') {
    try { return JSON.stringify(value); } catch { return String(value); }
  }
  return String(value);
}

/**
 * Renders the first rows of an Arrow table straight from its column vectors (no row objects
 * are built); timestamps as ISO-8601.
 */
export function ArrowTable({ table, label, maxRows }: { table: Table; label: string; maxRows: number }) {
  const fields = table.schema.fields;
  const rows = Math.min(table.numRows, maxRows);
  const columns = fields.map((_, i) => table.getChildAt(i));
  const isTime = fields.map((f) => /Timestamp|Date/.test(String(f.type)));
  return (
    <table aria-label={label} className="dense">
      <thead>
        <tr>{fields.map((f) => <th scope="col" key={f.name}>{f.name}</th>)}</tr>
      </thead>
      <tbody>
        {Array.from({ length: rows }, (_, r) => (
          <tr key={r}>
            {columns.map((column, c) => {
              const raw: unknown = column?.get(r);
              const value = isTime[c] && typeof raw === 'number' ? new Date(raw) : raw;
              return <td key={c} className="raw">{cellText(value)}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
