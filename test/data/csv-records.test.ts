/**
 * CSV records from staged lines (data/import/csv-records.ts): fields equal DuckDB's own CSV
 * parser on well-formed files (quoted delimiters, quoted line breaks, doubled quotes, CRLF, other
 * delimiters); broken quoting is rejected one record at a time, with the physical line where it
 * starts; the toggle-line pairing recovers from stray quotes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../data/database.ts';
import { csvGrammar, csvSource, normaliseHeader, togglePairing } from '../../data/import/csv-records.ts';
import { sniffFile } from '../../data/import/detect-format.ts';
import { importFile } from '../../data/import/import-file.ts';
import { stageLines } from '../../data/import/staged-lines.ts';
import { DEFAULT_SCALE_OPTIONS, generateScaleEventLog } from '../../data/simulate/duckdb-event-log.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();

const HEADER = 'event_name,timestamp,user_id,experiment_id,variant_id,is_control,revenue_cents,channel';
const LINES = [
  HEADER,
  'experiment.exposure,2026-03-01T10:00:00Z,u1,exp,control,true,,web', // 2 ok
  'experiment.exposure,2026-03-01T10:00:00Z,,exp,control,true,,web', // 3 missing_user_id
  'experiment.exposure,yesterday,u3,exp,control,true,,web', // 4 bad_timestamp
  'experiment.exposure,2026-03-01T10:00:00Z,u4,exp', // 5 wrong_column_count (fewer)
  'checkout.completed,2026-03-02T10:00:00Z,u1,,,,-500,web', // 6 negative_revenue
  '', // 7 blank: not a row
  'checkout.completed,1772445600000,u1,,,,1;5,app', // 8 bad_number
  'experiment.exposure,2026-03-01T10:00:00Z,u1,exp,control,true,,web', // 9 duplicate_event (of 2)
  'experiment.exposure,2026-03-01T12:00:00,u5,exp,,false,,web', // 10 unknown_variant_shape
  ',2026-03-01T12:00:00Z,u6,exp,treatment,false,,web', // 11 missing_event_name
  'checkout.completed,1772445600000,u1,,,,2500,app', // 12 ok (epoch ms)
  'experiment.exposure,2026-03-01 12:00:00,u7,exp,treatment,false,,web', // 13 ok (no zone)
  'experiment.exposure,2026-03-01T12:00:00,u8,exp,treatment,false,x,y,z', // 14 wrong_column_count (more)
  'experiment.exposure,2026-03-01 12:00:00,u7,exp,treatment,false,,web', // 15 duplicate of a zone-less row
  'experiment.exposure,2026-03-01T10:00:00Z,u1,exp,control,TRUE,,web', // 16 ok: same values as 2, other text
  '   ', // 17 wrong_column_count (one field)
  'checkout.completed,2026-03-03T09:00:00.250+01:00,u7,,,, 1999 ,app', // 18 ok (offset, spaces)
  'checkout.completed,2026-03-03T09:00:00.250+01:00,u7,,,, 1999 ,app', // 19 duplicate
  '', // 20 blank
  '', // 21 blank
];

/** Our records' fields (accepted only), in line order, '' as null. */
async function ourRows(db: Database, path: string): Promise<(string | null)[][]> {
  const sniff = await sniffFile(path);
  const staged = await stageLines(db, path, files.path('spill'));
  try {
    const source = await csvSource(db, sniff.delimiter, normaliseHeader(sniff.header));
    const rows = await db.query(`SELECT * EXCLUDE (__line, __raw, __problem, __detail) FROM ${source.relation()} WHERE __problem IS NULL ORDER BY __line`, source.params);
    return rows.map((row) => Object.values(row).map((v) => (v === '' || v === undefined ? null : (v as string | null))));
  } finally {
    await staged.discard();
  }
}

/**
 * DuckDB's CSV parser's rows, in file order, '' as null. A line break inside a quoted field is
 * read as `\n` by our reader whatever the file's line ends (documented in docs/import.md).
 */
async function duckdbRows(db: Database, path: string, delimiter: string): Promise<(string | null)[][]> {
  const rows = await db.query(`SELECT * FROM read_csv($path, delim = $delim, quote = '"', escape = '"', header = true, all_varchar = true, strict_mode = true)`, { path, delim: delimiter });
  return rows.map((row) => Object.values(row).map((v) => (v === '' || v === undefined ? null : typeof v === 'string' ? v.replaceAll('\r\n', '\n') : null)));
}

describe('CSV records', () => {
  it('equal DuckDB\'s CSV parser on quoted delimiters, line breaks, doubled quotes and CRLF', async () => {
    const db = await openDatabase();
    const cases: [string, string, string][] = [
      ['quoted.csv', ',', 'id,name,note\n1,"a, b",x\n2,"multi\nline ""quoted""",y\n3,,"z"\n4,"",""\n\n5,"x\ny\nz",w\n'],
      ['crlf.csv', ',', 'id,name,note\r\n1,"a, b",x\r\n2,"multi\r\nline",y\r\n3,plain,z\r\n'],
      ['semi.csv', ';', 'id;name;note\n1;"a; b";x\n2;"3"" screen";y\n'],
      ['tab.tsv', '\t', 'id\tname\tnote\n1\t"a\tb"\tx\n2\tc\t"d\ne"\n'],
      ['pipe.csv', '|', 'id|name|note\n1|"a| b"|x\n2|c|d\n'],
    ];
    for (const [name, delimiter, text] of cases) {
      const path = files.write(name, text);
      expect(await ourRows(db, path), name).toEqual(await duckdbRows(db, path, delimiter));
    }
    await db.close();
  });

  it('equal DuckDB\'s CSV parser on the scale generator\'s quoted shape (no broken rows)', async () => {
    const db = await openDatabase();
    const path = files.path('quoted-scale.csv');
    const truth = await generateScaleEventLog(db, path, { ...DEFAULT_SCALE_OPTIONS, events: 5000, brokenShare: 0, quoted: true, multilineShare: 0.02 });
    expect(truth.multilineRows).toBeGreaterThan(20);
    const ours = await ourRows(db, path);
    expect(ours).toHaveLength(5000);
    expect(ours).toEqual(await duckdbRows(db, path, ','));
    await db.close();
  });

  it('reject broken quoting one record at a time, at the line where it starts, and read on', async () => {
    const db = await openDatabase();
    const path = files.write('broken.csv', [
      'event_name,timestamp,user_id,user_segment', // 1
      'page_view,2026-03-01T10:00:00Z,u1,"b2b, enterprise"', // 2 ok
      'page_view,2026-03-01T10:00:01Z,u2,"never closed', // 3 malformed: the next quote line cannot close it
      'page_view,2026-03-01T10:00:02Z,u3,new', // 4 ok
      'page_view,2026-03-01T10:00:03Z,u4,"two', // 5 ok: a quoted line break …
      'lines"', // 6 … closed here
      'page_view,2026-03-01T10:00:04Z,u5,5" screen', // 7 ok: a quote inside an unquoted field is literal
      'page_view,2026-03-01T10:00:05Z,u6,"closed"junk', // 8 malformed: text after the closing quote
      'page_view,2026-03-01T10:00:06Z,u7,"a""b"', // 9 ok
      'page_view,2026-03-01T10:00:07Z,u8,"open at the end', // 10 malformed: never closed
      'page_view,2026-03-01T10:00:08Z,u9,last', // 11 ok
    ].join('\n'));
    const summary = await importFile(db, path);
    expect([summary.rowsRead, summary.rowsAccepted, summary.rowsRejected]).toEqual([9, 6, 3]);
    const rejects = await db.query<{ line: bigint; reason: string }>('SELECT line, reason FROM rejects ORDER BY line');
    expect(rejects.map((r) => [Number(r.line), r.reason])).toEqual([[3, 'malformed_record'], [8, 'malformed_record'], [10, 'malformed_record']]);
    const events = await db.query<{ line: bigint; user_segment: string }>('SELECT line, user_segment FROM events ORDER BY line');
    expect(events.map((e) => [Number(e.line), e.user_segment])).toEqual([
      [2, 'b2b, enterprise'], [4, 'new'], [5, 'two\nlines'], [7, '5" screen'], [9, 'a"b'], [11, 'last'],
    ]);
    await db.close();
  });

  it('account for every row of a quoted log with malformed rows, each reject at its physical line', async () => {
    const db = await openDatabase();
    const path = files.path('quoted-broken.csv');
    const truth = await generateScaleEventLog(db, path, { ...DEFAULT_SCALE_OPTIONS, events: 20_000, brokenShare: 0.001, quoted: true, multilineShare: 0.01 });
    const summary = await importFile(db, path);
    expect(summary.rowsRead).toBe(20_000);
    expect(summary.rowsAccepted + summary.rowsRejected).toBe(20_000);
    expect(summary.rejectsByReason).toEqual({
      ...Object.fromEntries(Object.entries(truth.brokenRows).filter(([, n]) => n > 0)), malformed_record: truth.malformedRows,
    });
    // Independently: the physical lines that open a quote and never close it.
    const lines = readFileSync(path, 'utf8').split('\n');
    const unclosed = lines.flatMap((line, i) => (/,"(new|returning|b2b, enterprise),/.test(line) ? [i + 1] : []));
    const malformed = await db.query<{ line: bigint }>(`SELECT line FROM rejects WHERE reason = 'malformed_record' ORDER BY line`);
    expect(malformed.map((r) => Number(r.line))).toEqual(unclosed);
    // A record over two lines keeps the line where it starts.
    const multiline = lines.flatMap((line, i) => (line.endsWith(',"1.0') ? [i + 1] : []));
    expect(multiline).toHaveLength(truth.multilineRows);
    const stored = await db.query<{ line: bigint }>(`SELECT line FROM events WHERE event_version = '1.0' || chr(10) || 'beta' ORDER BY line`);
    const rejectedMultiline = await db.query<{ line: bigint }>(`SELECT line FROM rejects WHERE contains(raw, chr(10)) ORDER BY line`);
    expect([...stored, ...rejectedMultiline].map((r) => Number(r.line)).sort((a, b) => a - b)).toEqual(multiline);
    await db.close();
  });
});

describe('every kind of broken row, blank lines, duplicates and timestamp forms', () => {
  const expectedRejects = [
    [3, 'missing_user_id'], [4, 'bad_timestamp'], [5, 'wrong_column_count'], [6, 'negative_revenue'], [8, 'bad_number'],
    [9, 'duplicate_event'], [10, 'unknown_variant_shape'], [11, 'missing_event_name'], [14, 'wrong_column_count'],
    [15, 'duplicate_event'], [17, 'wrong_column_count'], [19, 'duplicate_event'],
  ];
  for (const [name, text] of [['LF', `${LINES.join('\n')}\n`], ['CRLF, no final line end', LINES.join('\r\n')]] as const) {
    it(`with ${name} line ends`, async () => {
      const db = await openDatabase();
      const summary = await importFile(db, files.write(`mixed-${name.length}.csv`, text));
      expect(summary.rowsRead).toBe(17);
      expect(summary.zonelessTimestamps).toBe(1);
      const rejects = await db.query<{ line: bigint; raw: string; reason: string }>('SELECT line, raw, reason FROM rejects ORDER BY line');
      expect(rejects.map((r) => [Number(r.line), r.reason])).toEqual(expectedRejects);
      expect(rejects[0]!.raw).toBe(LINES[2]);
      const events = await db.query<{ line: bigint; properties: string }>('SELECT line, properties FROM events ORDER BY line');
      expect(events.map((e) => Number(e.line))).toEqual([2, 12, 13, 16, 18]);
      expect(events[0]!.properties).toBe('{"channel":"web"}');
      await db.close();
    });
  }
});

describe('toggle-line pairing', () => {
  const pair = (toggles: [number, boolean, boolean][], maxLines?: number): number[] => {
    const pairing = togglePairing(maxLines);
    for (const [n, open, close] of toggles) pairing.push(n, open, close);
    return pairing.ranges;
  };
  it('pairs openers with the closers that follow', () => {
    expect(pair([[3, true, false], [4, false, true], [10, true, true], [12, true, true]])).toEqual([3, 4, 10, 12]);
  });
  it('drops an opener whose next toggle cannot close it, and reads that line from outside', () => {
    expect(pair([[3, true, false], [5, true, false], [6, false, true]])).toEqual([5, 6]);
    expect(pair([[3, true, false], [5, false, false], [6, false, true]])).toEqual([]);
  });
  it('drops an opener left open at the end or for too many lines', () => {
    expect(pair([[3, true, false]])).toEqual([]);
    expect(pair([[3, true, false], [20, false, true]], 10)).toEqual([]);
  });
});

describe('CSV grammar and header', () => {
  it('names columns as DuckDB does', async () => {
    const db = await openDatabase();
    const path = files.write('header.csv', 'a, b ,a,,"q""x",a\n1,2,3,4,5,6\n');
    const duck = (await db.query<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_csv($path, header = true, all_varchar = true))`, { path }))
      .map((r) => r.column_name);
    expect(normaliseHeader((await sniffFile(path)).header)).toEqual(duck);
    await db.close();
  });
  it('refuses a delimiter the grammar cannot use', () => {
    expect(() => csvGrammar('"')).toThrow(RangeError);
    expect(csvGrammar('|').record).toContain('\\|');
  });
});
