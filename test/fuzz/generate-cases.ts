/**
 * Seeded generator of hostile inputs for the importer (docs/import.md, docs/security.md
 * "Imported files"). `generateCase(seed, index)` is a pure function: the same pair always gives the
 * same files and CLI arguments, so a failure is reproduced with `npm run fuzz -- --seed S --only I`.
 *
 * A case is a list of files (bytes, or a Parquet/Arrow recipe the runner materialises, or a
 * filesystem oddity) and the arguments of `import`, where `{dir}` stands for the case's folder.
 */
import { gzipSync } from 'node:zlib';

/** How one file of a case is made. */
export type FuzzFile =
  | { readonly kind: 'bytes'; readonly name: string; readonly data: Buffer; readonly mode?: number }
  /** Written by DuckDB's `COPY (sql) TO … (FORMAT parquet)`, then cut or patched. */
  | { readonly kind: 'parquet'; readonly name: string; readonly sql: string; readonly damage?: Damage }
  /** Written with apache-arrow (`tableToIPC`), then cut or patched. */
  | { readonly kind: 'arrow'; readonly name: string; readonly columns: readonly ArrowColumn[]; readonly stream: boolean; readonly damage?: Damage }
  | { readonly kind: 'dir'; readonly name: string }
  | { readonly kind: 'symlink'; readonly name: string; readonly target: string };

export interface ArrowColumn {
  readonly name: string;
  readonly type: 'utf8' | 'float64' | 'int64' | 'bool' | 'timestamp_ms' | 'timestamp_ns' | 'null' | 'date' | 'dictionary';
  readonly values: readonly (string | number | boolean | null)[];
}

/** Byte damage applied after a binary file is written. */
export type Damage = { readonly truncate: number } | { readonly patch: number; readonly bytes: readonly number[] } | { readonly magic: string };

export interface FuzzCase {
  readonly seed: number;
  readonly index: number;
  /** Category and variant, e.g. `quoting/unbalanced`. */
  readonly name: string;
  readonly files: readonly FuzzFile[];
  /** Arguments after `import` (file paths and mapping flags); `{dir}` is the case folder. */
  readonly args: readonly string[];
}

type Rng = () => number;

/** mulberry32 seeded from (seed, index) through a 32-bit mix. */
export function rngFor(seed: number, index: number): Rng {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index | 0, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  let a = (h ^ (h >>> 15)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const chance = (rng: Rng, p: number): boolean => rng() < p;

// ---------------------------------------------------------------------------------------------
// Well-formed bases that the categories then damage.

const VARIANTS = ['control', 'treatment', 'B'];
const EVENT_HEADER = ['event_name', 'timestamp', 'user_id', 'experiment_id', 'variant_id', 'revenue_cents'];

function timestamp(rng: Rng): string {
  const ms = Date.UTC(2026, 2, 1) + int(rng, 0, 20 * 86_400) * 1000;
  return pick(rng, [new Date(ms).toISOString(), new Date(ms).toISOString().replace('T', ' ').replace('Z', ''), String(ms)]);
}

/** A canonical event log: exposures then conversions, as rows of fields. */
function eventRows(rng: Rng, n: number): string[][] {
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const user = `u${int(rng, 1, Math.max(2, n / 2))}`;
    const exposure = chance(rng, 0.5);
    rows.push([exposure ? 'exposure' : pick(rng, ['page_view', 'conversion', 'order.completed']), timestamp(rng), user,
      exposure ? 'exp1' : '', exposure ? pick(rng, VARIANTS) : '', exposure ? '' : String(int(rng, 0, 5000))]);
  }
  return rows;
}

const UNIT_HEADER = ['user', 'group', 'spend', 'visits', 'signup'];
function unitRows(rng: Rng, n: number): string[][] {
  return Array.from({ length: n }, (_, i) => [`p${i}`, pick(rng, VARIANTS), (rng() * 100).toFixed(2), String(int(rng, 0, 9)), timestamp(rng)]);
}
const unitFlags = (rng: Rng): string[] => {
  const flags = ['--variant', 'group'];
  if (chance(rng, 0.6)) flags.push('--unit', 'user');
  if (chance(rng, 0.4)) flags.push('--timestamp', 'signup');
  if (chance(rng, 0.5)) flags.push('--metric', 'spend');
  if (chance(rng, 0.3)) flags.push('--metric', 'visits');
  return flags;
};

/** A base table: header, rows and the flags that map it. */
interface Table { header: string[]; rows: string[][]; flags: string[] }
function baseTable(rng: Rng, n = int(rng, 1, 40)): Table {
  return chance(rng, 0.6) ? { header: [...EVENT_HEADER], rows: eventRows(rng, n), flags: [] } : { header: [...UNIT_HEADER], rows: unitRows(rng, n), flags: unitFlags(rng) };
}

function csvField(value: string, delimiter: string): string {
  return /["\r\n]/.test(value) || value.includes(delimiter) ? `"${value.replaceAll('"', '""')}"` : value;
}
function toCsv(table: Table, delimiter = ',', eol = '\n', finalEol = true): string {
  const lines = [table.header, ...table.rows].map((r) => r.map((f) => csvField(f, delimiter)).join(delimiter));
  return lines.join(eol) + (finalEol ? eol : '');
}

const bytes = (name: string, data: string | Buffer, mode?: number): FuzzFile =>
  ({ kind: 'bytes', name, data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data, ...(mode === undefined ? {} : { mode }) });
const csvName = (rng: Rng, base = 'data'): string => `${base}${pick(rng, ['.csv', '.csv', '.tsv', '.txt', '.CSV'])}`;
const at = (name: string): string => `{dir}/${name}`;

/** A case with one CSV file (its args: the file, then the table's flags). */
function oneCsv(name: string, content: string | Buffer, flags: readonly string[], file = 'data.csv'): Omit<FuzzCase, 'seed' | 'index'> {
  return { name, files: [bytes(file, content)], args: [at(file), ...flags] };
}

// ---------------------------------------------------------------------------------------------
// Categories. Each returns a case without its seed and index.

type Make = (rng: Rng) => Omit<FuzzCase, 'seed' | 'index'>;

const structure: Make = (rng) => {
  const t = baseTable(rng);
  const variant = pick(rng, ['blank-lines', 'no-header', 'header-only', 'duplicate-names', 'case-duplicate-names', 'empty-names', 'huge-name', 'ragged', 'only-delimiters', 'whitespace-lines', 'header-after-blank']);
  switch (variant) {
    case 'blank-lines': {
      const lines = toCsv(t).split('\n');
      const out: string[] = [];
      for (const l of lines) { out.push(l); while (chance(rng, 0.3)) out.push(pick(rng, ['', ' ', '\t', ',,'])); }
      return oneCsv(`structure/${variant}`, out.join('\n'), t.flags);
    }
    case 'no-header': return oneCsv(`structure/${variant}`, toCsv({ ...t, header: t.rows[0] ?? ['x'] }), chance(rng, 0.5) ? t.flags : ['--variant', t.rows[0]?.[1] ?? 'x']);
    case 'header-only': return oneCsv(`structure/${variant}`, t.header.join(',') + (chance(rng, 0.5) ? '\n' : ''), t.flags);
    case 'duplicate-names': {
      const i = int(rng, 0, t.header.length - 1);
      const header = [...t.header]; header[int(rng, 0, header.length - 1)] = header[i]!;
      return oneCsv(`structure/${variant}`, toCsv({ ...t, header }), t.flags);
    }
    case 'case-duplicate-names': {
      const header = [...t.header, ...t.header.slice(0, int(rng, 1, t.header.length)).map((h) => (chance(rng, 0.5) ? h.toUpperCase() : `${h[0]!.toUpperCase()}${h.slice(1)}`))];
      return oneCsv(`structure/${variant}`, toCsv({ ...t, header, rows: t.rows.map((r) => [...r, ...r].slice(0, header.length)) }), t.flags);
    }
    case 'empty-names': {
      const header = t.header.map((h) => (chance(rng, 0.4) ? pick(rng, ['', ' ', '""']) : h));
      return oneCsv(`structure/${variant}`, toCsv({ ...t, header }), t.flags);
    }
    case 'huge-name': {
      const header = [...t.header, 'x'.repeat(int(rng, 1000, 300_000))];
      return oneCsv(`structure/${variant}`, toCsv({ ...t, header, rows: t.rows.map((r) => [...r, '1']) }), t.flags);
    }
    case 'ragged': {
      const rows = t.rows.map((r) => (chance(rng, 0.3) ? (chance(rng, 0.5) ? r.slice(0, int(rng, 0, r.length - 1)) : [...r, ...Array(int(rng, 1, 5)).fill('z')]) : r));
      return oneCsv(`structure/${variant}`, toCsv({ ...t, rows }), t.flags);
    }
    case 'only-delimiters': {
      const d = pick(rng, [',', ';', '\t', '|']);
      return oneCsv(`structure/${variant}`, Array.from({ length: int(rng, 1, 20) }, () => d.repeat(int(rng, 0, 30))).join('\n'), chance(rng, 0.5) ? [] : ['--variant', 'column0']);
    }
    case 'whitespace-lines': return oneCsv(`structure/${variant}`, Array.from({ length: int(rng, 1, 10) }, () => pick(rng, [' ', '\t', '', '  \t '])).join(pick(rng, ['\n', '\r\n'])), t.flags);
    default: return oneCsv(`structure/${variant}`, '\n'.repeat(int(rng, 1, 5)) + toCsv(t), t.flags);
  }
};

const BIDI = ['\u202e', '\u202d', '\u2066', '\u2067', '\u2068', '\u2069', '\u200f', '\u061c'];
const encoding: Make = (rng) => {
  const t = baseTable(rng);
  const text = toCsv(t);
  const variant = pick(rng, ['invalid-utf8', 'utf16le-bom', 'utf16be-bom', 'utf8-bom', 'nul', 'bidi', 'lone-surrogate', 'overlong', 'latin1-header']);
  const spliceAt = (data: Buffer, extra: Buffer, pos = int(rng, 0, data.length)): Buffer<ArrayBufferLike> => Buffer.concat([data.subarray(0, pos), extra, data.subarray(pos)]);
  const utf8 = Buffer.from(text);
  switch (variant) {
    case 'invalid-utf8': {
      let data: Buffer = utf8;
      for (let i = int(rng, 1, 4); i > 0; i--) data = spliceAt(data, Buffer.from([pick(rng, [0xff, 0xfe, 0xc3, 0x80, 0xe9, 0xed, 0xf8])]));
      return oneCsv(`encoding/${variant}`, data, t.flags);
    }
    case 'utf16le-bom': return oneCsv(`encoding/${variant}`, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), t.flags);
    case 'utf16be-bom': return oneCsv(`encoding/${variant}`, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]), t.flags);
    case 'utf8-bom': return oneCsv(`encoding/${variant}`, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), t.flags);
    case 'nul': {
      let data: Buffer = utf8;
      for (let i = int(rng, 1, 5); i > 0; i--) data = spliceAt(data, Buffer.alloc(int(rng, 1, 3)));
      return oneCsv(`encoding/${variant}`, data, t.flags);
    }
    case 'bidi': {
      const header = t.header.map((h, i) => (i > 0 && chance(rng, 0.2) ? `${pick(rng, BIDI)}${h}` : h));
      const rows = t.rows.map((r) => r.map((f) => (chance(rng, 0.3) ? `${pick(rng, BIDI)}${f}${pick(rng, BIDI)}` : f)));
      return oneCsv(`encoding/${variant}`, toCsv({ ...t, header, rows }), t.flags);
    }
    case 'lone-surrogate': return oneCsv(`encoding/${variant}`, spliceAt(utf8, Buffer.from([0xed, 0xa0, 0x80])), t.flags);
    case 'overlong': return oneCsv(`encoding/${variant}`, spliceAt(utf8, Buffer.from([0xc0, 0xaf])), t.flags);
    default: return oneCsv(`encoding/${variant}`, Buffer.concat([Buffer.from(t.header.join(',') + ',caf'), Buffer.from([0xe9]), Buffer.from(`\n${t.rows.map((r) => `${r.join(',')},1`).join('\n')}\n`)]), t.flags);
  }
};

const delimiters: Make = (rng) => {
  const t = baseTable(rng);
  const d = pick(rng, [',', ';', '\t', '|']);
  if (chance(rng, 0.5)) return oneCsv(`delimiters/${JSON.stringify(d)}`, toCsv(t, d), t.flags, d === '\t' ? 'data.tsv' : csvName(rng));
  // Mixed: each line its own delimiter, or a header with one and rows with another.
  const lines = [t.header, ...t.rows].map((r, i) => r.join(i === 0 ? d : pick(rng, [',', ';', '\t', '|'])));
  return oneCsv('delimiters/mixed', `${lines.join('\n')}\n`, t.flags, csvName(rng));
};

const quoting: Make = (rng) => {
  const t = baseTable(rng, int(rng, 2, 40));
  const variant = pick(rng, ['unbalanced', 'quoted-newline', 'doubled', 'mid-field', 'crlf-in-quotes', 'all-quoted', 'quote-only-lines', 'quoted-header-newline', 'stray-at-end']);
  const rows = t.rows.map((r) => [...r]);
  const target = (): string[] => rows[int(rng, 0, rows.length - 1)]!;
  const field = (r: string[]): number => int(rng, 0, r.length - 1);
  switch (variant) {
    case 'unbalanced': {
      const lines = toCsv({ ...t, rows }).split('\n');
      for (let i = int(rng, 1, 3); i > 0; i--) {
        const li = int(rng, 0, lines.length - 1); const pos = int(rng, 0, lines[li]!.length);
        lines[li] = lines[li]!.slice(0, pos) + '"' + lines[li]!.slice(pos);
      }
      return oneCsv(`quoting/${variant}`, lines.join('\n'), t.flags);
    }
    case 'quoted-newline': { const r = target(); r[field(r)] += pick(rng, ['\nx', '\n\n', 'a\nb\nc', '\r\n']); return oneCsv(`quoting/${variant}`, toCsv({ ...t, rows }), t.flags); }
    case 'doubled': { const r = target(); r[field(r)] = `say ""hi"" ${r[0]}`; return oneCsv(`quoting/${variant}`, toCsv({ ...t, rows }).replace(`"say ""`, '"say """"'), t.flags); }
    case 'mid-field': {
      const lines = toCsv({ ...t, rows }).split('\n');
      const li = int(rng, 1, Math.max(1, lines.length - 2));
      lines[li] = lines[li]!.replace(/,([^,]*)/, (_m, f: string) => `,${f.slice(0, 1)}"${f.slice(1)}${chance(rng, 0.5) ? '"x' : ''}`);
      return oneCsv(`quoting/${variant}`, lines.join('\n'), t.flags);
    }
    case 'crlf-in-quotes': { const r = target(); r[field(r)] += '\r\nmore'; return oneCsv(`quoting/${variant}`, toCsv({ ...t, rows }, ',', pick(rng, ['\n', '\r\n'])), t.flags); }
    case 'all-quoted': return oneCsv(`quoting/${variant}`, [t.header, ...rows].map((r) => r.map((f) => `"${f}"`).join(',')).join('\n'), t.flags);
    case 'quote-only-lines': return oneCsv(`quoting/${variant}`, `${toCsv(t)}${'"'.repeat(int(rng, 1, 7))}\n${toCsv({ ...t, header: rows[0]! }).split('\n')[1] ?? ''}\n`, t.flags);
    case 'quoted-header-newline': { const header = [...t.header]; header.push('note\nwith break'); return oneCsv(`quoting/${variant}`, toCsv({ ...t, header, rows: rows.map((r) => [...r, 'n']) }), t.flags); }
    default: return oneCsv(`quoting/${variant}`, `${toCsv(t)}"${rows[0]!.join(',')}`, t.flags);
  }
};

const sizes: Make = (rng) => {
  const t = baseTable(rng);
  // Big files are few: they cost seconds each.
  const variant = pick(rng, ['empty', 'one-byte', 'one-byte', 'many-columns', 'many-columns', 'exactly-1000', 'long-line', 'wide-value', 'many-rows']);
  switch (variant) {
    case 'empty': return oneCsv(`sizes/${variant}`, '', t.flags, pick(rng, ['data.csv', 'data.ndjson', 'data.tsv']));
    case 'one-byte': return oneCsv(`sizes/${variant}`, pick(rng, ['a', '\n', ',', '"', '\r', '\0', '{', '\t', '\xff']), t.flags, pick(rng, ['data.csv', 'data.ndjson']));
    case 'many-columns':
    case 'exactly-1000': {
      const n = variant === 'exactly-1000' ? 1000 : int(rng, 1001, 3000);
      const header = [...t.header, ...Array.from({ length: n - t.header.length }, (_, i) => `c${i}`)];
      const rows = t.rows.slice(0, 5).map((r) => [...r, ...Array.from({ length: n - r.length }, () => '1')]);
      return oneCsv(`sizes/${variant}`, toCsv({ ...t, header, rows }), t.flags);
    }
    case 'long-line': {
      const rows = t.rows.map((r) => [...r]);
      rows[int(rng, 0, rows.length - 1)]![0] += 'L'.repeat(int(rng, 8 << 20, (8 << 20) + 4096));
      return oneCsv(`sizes/${variant}`, toCsv({ ...t, rows }), t.flags);
    }
    case 'wide-value': {
      const rows = t.rows.map((r) => [...r]);
      rows[0]![int(rng, 0, rows[0]!.length - 1)] = 'w'.repeat(int(rng, 100_000, 2_000_000));
      return oneCsv(`sizes/${variant}`, toCsv({ ...t, rows }), t.flags);
    }
    default: return oneCsv(`sizes/${variant}`, toCsv({ ...t, rows: t.header === EVENT_HEADER ? eventRows(rng, 20_000) : eventRows(rng, 20_000), header: [...EVENT_HEADER] }), []);
  }
};

const lineEnds: Make = (rng) => {
  const t = baseTable(rng);
  const variant = pick(rng, ['LF', 'CRLF', 'CR', 'mixed', 'none-at-end', 'CRCRLF', 'LFCR']);
  const lines = [t.header, ...t.rows].map((r) => r.map((f) => csvField(f, ',')).join(','));
  const eol: Record<string, () => string> = {
    LF: () => '\n', CRLF: () => '\r\n', CR: () => '\r', mixed: () => pick(rng, ['\n', '\r\n', '\r']), 'none-at-end': () => '\n', CRCRLF: () => '\r\r\n', LFCR: () => '\n\r',
  };
  let text = '';
  lines.forEach((l, i) => { text += l + (i < lines.length - 1 || variant !== 'none-at-end' ? eol[variant]!() : ''); });
  return oneCsv(`line-ends/${variant}`, text, t.flags);
};

const ODD_NUMBERS = ['NaN', 'nan', '-NaN', 'inf', '-inf', 'Infinity', '-Infinity', '1e309', '-1e309', '-0', '0x1F', '0xFFFFFFFFFFFFFFFF', '1e19', '1e100', '1e101',
  '9223372036854775808', '-9223372036854775809', '18446744073709551616', '1,5', '1.000,25', '1_000', '+5', '.5', '5.', '1e', 'e5', '--1', '١٢٣', '１２', ' 7 ', '0b101',
  '1e-400', '4.9e-324', 'TRUE', 'false', '', '1e15', '1e16', '99999999999999999999999999999', '0.1e-999999', '1' + '0'.repeat(400)];
const numbers: Make = (rng) => {
  const unit = chance(rng, 0.5);
  const t = unit ? { header: [...UNIT_HEADER], rows: unitRows(rng, int(rng, 1, 30)), flags: unitFlags(rng) } : { header: [...EVENT_HEADER, 'value'], rows: eventRows(rng, int(rng, 1, 30)).map((r) => [...r, '']), flags: [] };
  const columns = unit ? [2, 3] : [5, 6];
  for (const r of t.rows) for (const c of columns) if (chance(rng, 0.4)) r[c] = pick(rng, ODD_NUMBERS);
  if (!unit) for (const r of t.rows) if (chance(rng, 0.3)) r[0] = 'order.completed';
  return oneCsv(`numbers/${unit ? 'unit-table' : 'event-log'}`, toCsv(t), t.flags);
};

const ODD_TIMES = ['infinity', '-infinity', 'Infinity', 'epoch', 'now', 'today', '294247-01-01', '294247-01-10T04:00:54.775807Z', '-294247-01-01', '0001-01-01', '9999-12-31T23:59:59Z',
  '1969-12-31T23:59:59.999Z', '2100-01-01T00:00:00Z', '2099-12-31T23:59:59.999Z', '1700000000', '1700000000000', '1700000000000000', '1700000000000000000', '-1', '-1700000000000',
  '0', '4102444799999', '4102444800000', '99999999999999999999', '2026-03-01T10:00:00+14:00', '2026-03-01T10:00:00-12:00', '2026-03-01T10:00:00+2359', '2026-03-01 10:00:00 UTC',
  '2026-03-01T10:00:00 Europe/Berlin', '2026-03-01T10:00:00[Europe/Paris]', '2026-03-01T10:00:00+25:00', '2026-02-30', '2026-13-01', '2026-03-01T24:00:00Z', '2026-03-01T10:00:60Z',
  '2026-03-01T10:00:00.123456789Z', '2026-W09', '03/01/2026', '1.7e12', '0x1F', ' 2026-03-01 ', '2026-03-01T10:00:00z', '+002026-03-01', 'NaN', ''];
const timestamps: Make = (rng) => {
  const t = baseTable(rng, int(rng, 1, 30));
  const col = t.header.indexOf(t.header === UNIT_HEADER ? 'signup' : 'timestamp');
  const flags = t.flags.includes('--variant') && !t.flags.includes('--timestamp') ? [...t.flags, '--timestamp', 'signup'] : t.flags;
  for (const r of t.rows) if (chance(rng, 0.5)) r[col] = pick(rng, ODD_TIMES);
  return oneCsv(`timestamps/${t.flags.length ? 'unit-table' : 'event-log'}`, toCsv(t), flags);
};

const ndjson: Make = (rng) => {
  const t = baseTable(rng, int(rng, 1, 30));
  const objects = t.rows.map((r) => Object.fromEntries(t.header.map((h, i) => [h, r[i]])));
  const lines = objects.map((o) => JSON.stringify(o));
  const variant = pick(rng, ['not-objects', 'nested', 'duplicate-keys', 'huge-numbers', 'truncated', 'mixed-keys', 'typed-values', 'blank-and-bom', 'array-file', 'deep', 'odd-keys']);
  switch (variant) {
    case 'not-objects': for (let i = 0; i < lines.length; i++) if (chance(rng, 0.3)) lines[i] = pick(rng, ['1', '"x"', 'null', '[]', '[1,2]', 'true', '{', '}', 'NaN', '{"a":}', '// c']); break;
    case 'nested': for (let i = 0; i < lines.length; i++) if (chance(rng, 0.5)) lines[i] = JSON.stringify({ ...objects[i], user_id: { id: objects[i]!.user_id }, timestamp: [objects[i]!.timestamp], extra: { a: [1, { b: null }] } }); break;
    case 'duplicate-keys': for (let i = 0; i < lines.length; i++) if (chance(rng, 0.5)) lines[i] = lines[i]!.replace('{', `{"user_id":"dup","variant_id":"other",`); break;
    case 'huge-numbers': for (let i = 0; i < lines.length; i++) if (chance(rng, 0.5)) lines[i] = lines[i]!.replace(/"revenue_cents":"[^"]*"|"spend":"[^"]*"/, (m) => `${m.split(':')[0]}:${pick(rng, ['1e309', '-1e309', '123456789012345678901234567890', '1e19', '-0', '1' + '0'.repeat(400), '0.000000000000000000000001'])}`); break;
    case 'truncated': lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, int(rng, 0, lines[lines.length - 1]!.length - 1)); break;
    case 'odd-keys': for (let i = 0; i < lines.length; i++) if (chance(rng, 0.5)) lines[i] = JSON.stringify({ ...objects[i], [pick(rng, ['', ' ', 'a\\', 'b"c', 'x\\"y', 'USER_ID', 'Event_Name', '$.a', '$[0]', 'a\nb', '\u0000', "q'uote", 'user_id '])]: pick(rng, ['1', 'u9', null]) }); break;
    case 'mixed-keys': for (let i = 0; i < lines.length; i++) if (chance(rng, 0.4)) lines[i] = JSON.stringify({ other: i, [`k${i}`]: 'v' }); break;
    case 'typed-values': for (let i = 0; i < lines.length; i++) lines[i] = JSON.stringify({ ...objects[i], timestamp: pick(rng, [1772359200000, 1.7e12, -1, 1e300, true, null, '2026-03-01']), user_id: pick(rng, [1, 2.5, null, true, 'u1']) }); break;
    case 'blank-and-bom': return { name: `ndjson/${variant}`, files: [bytes('data.ndjson', `\ufeff${lines.join('\n\n  \n')}\r\n`)], args: [at('data.ndjson'), ...t.flags] };
    case 'array-file': return { name: `ndjson/${variant}`, files: [bytes('data.ndjson', JSON.stringify(objects))], args: [at('data.ndjson'), ...t.flags] };
    default: for (let i = 0; i < lines.length; i++) if (chance(rng, 0.3)) lines[i] = lines[i]!.replace('{', `{"deep":${'['.repeat(2000)}${']'.repeat(2000)},`);
  }
  const name = pick(rng, ['data.ndjson', 'data.jsonl', 'data.ndjson.gz']);
  const text = lines.join('\n') + (chance(rng, 0.7) ? '\n' : '');
  return { name: `ndjson/${variant}`, files: [bytes(name, name.endsWith('.gz') ? gzipSync(text) : text)], args: [at(name), ...t.flags] };
};

const gzip: Make = (rng) => {
  const t = baseTable(rng, int(rng, 1, 200));
  const text = toCsv(t);
  const whole = gzipSync(text);
  const variant = pick(rng, ['truncated', 'not-gzip', 'concatenated', 'empty-stream', 'zero-bytes', 'trailing-garbage', 'header-only-gzip', 'bit-flip', 'double-gzip']);
  const name = pick(rng, ['data.csv.gz', 'data.tsv.gz', 'data.gz']);
  const data: Record<string, () => Buffer> = {
    truncated: () => whole.subarray(0, int(rng, 1, whole.length - 1)),
    'not-gzip': () => Buffer.from(text),
    concatenated: () => { const cut = text.indexOf('\n', int(rng, 0, text.length - 1)) + 1; return Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut))]); },
    'empty-stream': () => gzipSync(''),
    'zero-bytes': () => Buffer.alloc(0),
    'trailing-garbage': () => Buffer.concat([whole, Buffer.from(pick(rng, ['\0\0\0\0', 'garbage', '\x1f\x8b']))]),
    'header-only-gzip': () => gzipSync(t.header.join(',')),
    'bit-flip': () => { const b = Buffer.from(whole); const i = int(rng, 10, b.length - 1); b[i] = b[i]! ^ (1 << int(rng, 0, 7)); return b; },
    'double-gzip': () => gzipSync(whole),
  };
  return { name: `gzip/${variant}`, files: [bytes(name, data[variant]!())], args: [at(name), ...t.flags] };
};

function damage(rng: Rng): Damage | undefined {
  return pick<Damage | undefined>(rng, [undefined, undefined, { truncate: rng() }, { magic: pick(rng, ['PAR0', 'ARROW2', '\0\0\0\0', 'PK\x03\x04']) },
    { patch: rng(), bytes: [int(rng, 0, 255), int(rng, 0, 255), int(rng, 0, 255), int(rng, 0, 255)] }]);
}

const PARQUET_ODD = [
  `'x'::BLOB`, `[1, 2]`, `{'a': 1}`, `MAP {'k': 'v'}`, `uuid()`, `INTERVAL 3 DAY`, `123456789012345678901234567890::HUGEINT`, `12.5::DECIMAL(38, 10)`, `'infinity'::TIMESTAMP`,
  `'294247-01-01'::DATE`, `'2026-03-01 10:00:00.123456789'::TIMESTAMP_NS`, `'2026-03-01 10:00:00+05'::TIMESTAMPTZ`, `TIME '10:00:00'`, `NULL`, `'NaN'::DOUBLE`, `'inf'::DOUBLE`,
  `true`, `-0.0::DOUBLE`, `1e308::DOUBLE * 10`, `9223372036854775807::BIGINT`, `18446744073709551615::UBIGINT`, `'\u202e' || 'x'`, `chr(0)`, `'a' || chr(10) || 'b'`,
];
const columnar: Make = (rng) => {
  const n = int(rng, 0, 30);
  const unit = chance(rng, 0.4);
  const variant = pick(rng, ['parquet-odd-types', 'parquet-reserved', 'parquet-damaged', 'arrow-odd-types', 'arrow-reserved', 'arrow-damaged', 'wrong-extension']);
  const flags = unit ? unitFlags(rng) : [];
  if (variant.startsWith('parquet')) {
    const odd = Array.from({ length: int(rng, 1, 3) }, () => pick(rng, PARQUET_ODD));
    const base = unit
      ? `'p' || i AS "user", (['control','treatment'])[1 + i % 2] AS "group", i * 1.5 AS spend, i AS visits, TIMESTAMP '2026-03-01' + INTERVAL (i) MINUTE AS signup`
      : `CASE WHEN i % 2 = 0 THEN 'exposure' ELSE 'conversion' END AS event_name, TIMESTAMP '2026-03-01' + INTERVAL (i) MINUTE AS "timestamp", 'u' || (i % 7) AS user_id, 'exp1' AS experiment_id, (['control','treatment'])[1 + i % 2] AS variant_id`;
    let columns = base;
    if (variant === 'parquet-odd-types') {
      const replaced = chance(rng, 0.5) ? (unit ? 'spend' : '"timestamp"') : null;
      if (replaced) columns = columns.replace(new RegExp(`[^,]+ AS ${replaced.replace(/"/g, '"?')}"?`), ` ${odd[0]} AS ${replaced}`);
      columns += odd.map((e, i) => `, ${e} AS odd${i}`).join('');
    }
    if (variant === 'parquet-reserved') columns += `, i AS "${pick(rng, ['file_row_number', '__line', '__raw', '__problem', 'filename', 'rowid', '__index_level_0__', 'FILE_ROW_NUMBER'])}"`;
    const sql = `SELECT ${columns} FROM range(${n}) t(i)`;
    return { name: `columnar/${variant}`, files: [{ kind: 'parquet', name: 'data.parquet', sql, ...(variant === 'parquet-damaged' ? { damage: damage(rng) ?? { truncate: 0.5 } } : {}) }], args: [at('data.parquet'), ...flags] };
  }
  if (variant.startsWith('arrow')) {
    const i = Array.from({ length: n }, (_, k) => k);
    const columns: ArrowColumn[] = unit
      ? [{ name: 'user', type: 'utf8', values: i.map((k) => `p${k}`) }, { name: 'group', type: 'dictionary', values: i.map((k) => VARIANTS[k % 2]!) },
        { name: 'spend', type: 'float64', values: i.map((k) => k * 1.5) }, { name: 'visits', type: 'int64', values: i }, { name: 'signup', type: 'timestamp_ms', values: i.map((k) => Date.UTC(2026, 2, 1) + k * 60_000) }]
      : [{ name: 'event_name', type: 'utf8', values: i.map((k) => (k % 2 ? 'conversion' : 'exposure')) }, { name: 'timestamp', type: 'timestamp_ms', values: i.map((k) => Date.UTC(2026, 2, 1) + k * 60_000) },
        { name: 'user_id', type: 'utf8', values: i.map((k) => `u${k % 7}`) }, { name: 'experiment_id', type: 'utf8', values: i.map(() => 'exp1') }, { name: 'variant_id', type: 'dictionary', values: i.map((k) => VARIANTS[k % 2]!) }];
    if (variant === 'arrow-odd-types') {
      const oddValues: Record<ArrowColumn['type'], () => (string | number | boolean | null)[]> = {
        float64: () => i.map(() => pick(rng, [NaN, Infinity, -Infinity, -0, 1e308, 5e-324, 1])), int64: () => i.map(() => pick(rng, [0, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER])),
        timestamp_ms: () => i.map(() => pick(rng, [0, -1, 8.64e15, -8.64e15, 253402300800000, Date.UTC(2026, 2, 1)])), timestamp_ns: () => i.map(() => pick(rng, [0, 1772359200000, -1, 9e15])),
        bool: () => i.map(() => chance(rng, 0.5)), null: () => i.map(() => null), date: () => i.map(() => pick(rng, [0, -1e10, 1e10, 1772359200000])),
        utf8: () => i.map(() => pick(rng, ['', '\0', '\u202ex', 'a\nb', 'x'.repeat(1000)])), dictionary: () => i.map(() => pick(rng, ['control', '', 'z'])),
      };
      const target = pick(rng, columns.map((c, k) => k));
      const type = pick(rng, Object.keys(oddValues) as ArrowColumn['type'][]);
      columns[target] = { name: columns[target]!.name, type, values: oddValues[type]() };
    }
    if (variant === 'arrow-reserved') columns.push({ name: pick(rng, ['file_row_number', '__line', '__raw', 'rowid']), type: 'int64', values: i });
    const name = pick(rng, ['data.arrow', 'data.arrow', 'data.arrows', 'data.feather', 'data.ipc']);
    const stream = chance(rng, 0.3);
    return { name: `columnar/${variant}`, files: [{ kind: 'arrow', name, columns, stream, ...(variant === 'arrow-damaged' ? { damage: damage(rng) ?? { truncate: 0.5 } } : {}) }], args: [at(name), ...flags] };
  }
  // A text file named like a binary one, or the reverse.
  const t = baseTable(rng);
  const name = pick(rng, ['data.parquet', 'data.arrow', 'data.ndjson']);
  return { name: `columnar/${variant}`, files: [bytes(name, chance(rng, 0.5) ? toCsv(t) : Buffer.from('PAR1\0\0\0\0PAR1'))], args: [at(name), ...t.flags] };
};

const filesystem: Make = (rng) => {
  const t = baseTable(rng);
  const variant = pick(rng, ['directory', 'unreadable', 'symlink-loop', 'dangling-symlink', 'odd-name', 'missing', 'same-file-twice', 'symlink-to-dir', 'dev-null']);
  switch (variant) {
    case 'directory': return { name: `filesystem/${variant}`, files: [{ kind: 'dir', name: 'data.csv' }], args: [at('data.csv'), ...t.flags] };
    case 'unreadable': return { name: `filesystem/${variant}`, files: [bytes('data.csv', toCsv(t), 0o000)], args: [at('data.csv'), ...t.flags] };
    case 'symlink-loop': return { name: `filesystem/${variant}`, files: [{ kind: 'symlink', name: 'a.csv', target: 'b.csv' }, { kind: 'symlink', name: 'b.csv', target: 'a.csv' }], args: [at('a.csv'), ...t.flags] };
    case 'dangling-symlink': return { name: `filesystem/${variant}`, files: [{ kind: 'symlink', name: 'a.csv', target: 'nowhere.csv' }], args: [at('a.csv'), ...t.flags] };
    case 'symlink-to-dir': return { name: `filesystem/${variant}`, files: [{ kind: 'dir', name: 'sub' }, { kind: 'symlink', name: 'a.csv', target: 'sub' }], args: [at('a.csv'), ...t.flags] };
    case 'dev-null': return { name: `filesystem/${variant}`, files: [], args: ['/dev/null', ...t.flags] };
    case 'missing': return { name: `filesystem/${variant}`, files: [], args: [at('nothing here.csv'), ...t.flags] };
    case 'same-file-twice': return { name: `filesystem/${variant}`, files: [bytes('data.csv', toCsv(t))], args: [at('data.csv'), at('data.csv'), ...(chance(rng, 0.5) ? ['--force'] : []), ...t.flags] };
    default: {
      const name = `${pick(rng, ['my data', 'données', '数据', 'new\nline', 'tab\there', 'quote"d', "it's", '-dash', '\u202ecsv.exe', 'semi;colon', '%s%n', 'emoji😀', '.hidden', 'back\\slash', '$(x)', 'CR\rname'])}${pick(rng, ['.csv', '.tsv', '.ndjson', '.csv.gz'])}`;
      const data = name.endsWith('.ndjson') ? t.rows.map((r) => JSON.stringify(Object.fromEntries(t.header.map((h, i) => [h, r[i]])))).join('\n') : toCsv(t, name.endsWith('.tsv') ? '\t' : ',');
      // Half the time the file is broken or missing, so that an error message has to name it.
      if (chance(rng, 0.25)) return { name: `filesystem/${variant}-missing`, files: [], args: [at(name), ...t.flags] };
      const broken = chance(rng, 0.25);
      const body = broken ? gzipSync(data).subarray(0, 20) : name.endsWith('.gz') ? gzipSync(data) : data;
      return { name: `filesystem/${variant}${broken ? '-broken' : ''}`, files: [bytes(broken && !name.endsWith('.gz') ? `${name}.gz` : name, body)], args: [at(broken && !name.endsWith('.gz') ? `${name}.gz` : name), ...t.flags] };
    }
  }
};

/** Event logs and unit tables with mapping flags, right, wrong and odd. */
const mapping: Make = (rng) => {
  const unit = chance(rng, 0.6);
  const header = unit ? [...UNIT_HEADER, ...(chance(rng, 0.5) ? ['pre_spend'] : [])] : [...EVENT_HEADER, ...(chance(rng, 0.4) ? ['user_segment', 'is_control', 'value', 'currency'] : [])];
  const n = int(rng, 0, 40);
  const rows = unit ? unitRows(rng, n).map((r) => (header.length > r.length ? [...r, (rng() * 50).toFixed(1)] : r))
    : eventRows(rng, n).map((r) => (header.length > r.length ? [...r, pick(rng, ['new', '']), pick(rng, ['true', 'false', '1', 'yes', '']), pick(rng, ['1.5', '', 'x']), pick(rng, ['EUR', ''])] : r));
  const columns = [...header, 'nope', '', 'GROUP', ' group', 'user_id', 'event_name'];
  const flags: string[] = [];
  const flagNames = ['--unit', '--variant', '--control', '--experiment', '--timestamp', '--metric', '--metric', '--covariate', '--force'];
  for (let k = int(rng, 0, 5); k > 0; k--) {
    const flag = pick(rng, flagNames);
    if (flag === '--force') flags.push(flag);
    else if (flag === '--covariate') flags.push(flag, `${pick(rng, columns)}=${pick(rng, columns)}`);
    else if (flag === '--control') flags.push(flag, pick(rng, [...VARIANTS, 'nobody', '']));
    else flags.push(flag, pick(rng, columns));
  }
  if (unit && chance(rng, 0.7) && !flags.includes('--variant')) flags.push('--variant', 'group');
  if (unit && header.includes('pre_spend') && chance(rng, 0.5)) flags.push('--metric', 'spend', '--covariate', 'spend=pre_spend');
  const file = unit ? pick(rng, ['units.csv', 'units.tsv', 'exp-α.csv', '.csv']) : pick(rng, ['events.csv', 'events.ndjson']);
  const table = { header, rows, flags };
  const data = file.endsWith('.ndjson') ? rows.map((r) => JSON.stringify(Object.fromEntries(header.map((h, i) => [h, r[i]])))).join('\n') : toCsv(table, file.endsWith('.tsv') ? '\t' : ',');
  const files: FuzzFile[] = [bytes(file, data)];
  const args = [at(file)];
  if (chance(rng, 0.2)) { files.push(bytes('second.csv', toCsv(baseTable(rng)))); args.push(at('second.csv')); }
  return { name: `mapping/${unit ? 'unit-table' : 'event-log'}`, files, args: [...args, ...flags] };
};

/** A well-formed table with several random text mutations stacked. */
const mixed: Make = (rng) => {
  const t = baseTable(rng);
  let data = Buffer.from(toCsv(t, pick(rng, [',', ';', '\t', '|']), pick(rng, ['\n', '\r\n'])));
  const mutations = [
    () => { const i = int(rng, 0, data.length); data = Buffer.concat([data.subarray(0, i), Buffer.from(pick(rng, ['"', '\n', '\r', ',', '\0', '\xff', '""', '\u202e', '\ufeff', '\\', ' '])), data.subarray(i)]); },
    () => { const i = int(rng, 0, data.length - 1); data = Buffer.concat([data.subarray(0, i), data.subarray(i + int(rng, 1, 20))]); },
    () => { const i = int(rng, 0, data.length - 1); data[i] = int(rng, 0, 255); },
    () => { data = data.subarray(0, int(rng, 0, data.length)); },
    () => { const i = int(rng, 0, data.length); data = Buffer.concat([data.subarray(0, i), data.subarray(int(rng, 0, data.length - 1)), data.subarray(i)]); },
  ];
  for (let k = int(rng, 1, 6); k > 0; k--) pick(rng, mutations)();
  return oneCsv('mixed/mutations', data, t.flags, csvName(rng));
};

const CATEGORIES: readonly (readonly [Make, number])[] = [
  [structure, 10], [encoding, 9], [delimiters, 5], [quoting, 10], [sizes, 5], [lineEnds, 6], [numbers, 8], [timestamps, 8], [ndjson, 9], [gzip, 8],
  [columnar, 9], [filesystem, 6], [mapping, 10], [mixed, 10],
];
const TOTAL_WEIGHT = CATEGORIES.reduce((s, [, w]) => s + w, 0);

/** The case for (seed, index): always the same files and arguments. */
export function generateCase(seed: number, index: number): FuzzCase {
  const rng = rngFor(seed, index);
  let roll = rng() * TOTAL_WEIGHT;
  let make = CATEGORIES[0]![0];
  for (const [m, w] of CATEGORIES) {
    if ((roll -= w) < 0) { make = m; break; }
  }
  return { seed, index, ...make(rng) };
}
