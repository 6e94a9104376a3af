/**
 * Files that once refused or silently shortened a whole import (docs/import.md, "Errors"): each
 * bad line is now one reject at its own line and the rest imports; a truncated gzip stream and an
 * overly wide file are refused in one line; staging left behind by a killed import is removed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../data/database.ts';
import { ImportInputError } from '../../data/import/detect-format.ts';
import { importFile, MAX_COLUMNS } from '../../data/import/import-file.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();
const HEADER = 'event_name,timestamp,user_id,user_segment';
const row = (i: number, segment = 'new'): string => `page_view,2026-03-01T10:00:${String(i % 60).padStart(2, '0')}Z,u${i},${segment}`;

async function rejectsOf(path: string): Promise<{ summary: Awaited<ReturnType<typeof importFile>>; rejects: [number, string][]; events: number[] }> {
  const db = await openDatabase();
  try {
    const summary = await importFile(db, path);
    const rejects = (await db.query<{ line: bigint; reason: string }>('SELECT line, reason FROM rejects ORDER BY line')).map((r) => [Number(r.line), r.reason] as [number, string]);
    const events = (await db.query<{ line: bigint }>('SELECT line FROM events ORDER BY line')).map((r) => Number(r.line));
    return { summary, rejects, events };
  } finally {
    await db.close();
  }
}

describe('bad lines are rejects, not a refused file', () => {
  it('a line that is not UTF-8: one malformed_record at its line; later lines keep their numbers', async () => {
    const path = files.path('latin1.csv');
    writeFileSync(path, Buffer.concat([
      Buffer.from(`${HEADER}\n${row(1)}\n${row(2).slice(0, -3)}`), Buffer.from([0xe9, 0xff]), Buffer.from(`\n${row(3)}\n"${row(4)}\n`),
      Buffer.from(`quoted",x\n${row(5)}\n`),
    ]));
    const { summary, rejects, events } = await rejectsOf(path);
    expect([summary.rowsRead, summary.rowsAccepted]).toEqual([5, 3]);
    expect(rejects).toEqual([[3, 'malformed_record'], [5, 'wrong_column_count']]);
    expect(events).toEqual([2, 4, 7]);
  });

  it('a line over 8 MiB is a reject; a 3 MB line is read', async () => {
    const path = files.write('long.csv', [HEADER, row(1), `${row(2)}${'y'.repeat(3_000_000)}`, `${row(3)}${'z'.repeat(9_000_000)}`, row(4)].join('\n'));
    const { summary, rejects, events } = await rejectsOf(path);
    expect([summary.rowsRead, summary.rowsAccepted]).toEqual([4, 3]);
    expect(rejects).toEqual([[4, 'malformed_record']]);
    expect(events).toEqual([2, 3, 5]);
  });

  it('CR-only line ends are read', async () => {
    const path = files.write('cr.csv', [HEADER, row(1), row(2), row(3)].join('\r'));
    const { summary, events } = await rejectsOf(path);
    expect(summary.rowsAccepted).toBe(3);
    expect(events).toEqual([2, 3, 4]);
  });
});

describe('refused in one line, the database unchanged', () => {
  it('a gzip stream cut short', async () => {
    const whole = gzipSync(`${HEADER}\n${Array.from({ length: 50_000 }, (_, i) => row(i)).join('\n')}\n`);
    const path = files.path('cut.csv.gz');
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const db = await openDatabase();
    try {
      const error = await importFile(db, path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportInputError);
      expect((error as Error).message).toMatch(/cut\.csv\.gz: not a complete gzip file .*cut short/);
      expect((error as Error).message).not.toContain('\n');
      const counts = (await db.query<{ n: bigint }>('SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM files) AS n'))[0]!;
      expect(Number(counts.n)).toBe(0);
      // The whole stream imports.
      const complete = files.path('whole.csv.gz');
      writeFileSync(complete, whole);
      expect((await importFile(db, complete)).rowsAccepted).toBe(50_000);
    } finally {
      await db.close();
    }
  });

  it(`a file with more than ${MAX_COLUMNS} columns, before it is read`, async () => {
    const header = ['id', 'arm', ...Array.from({ length: 2000 }, (_, i) => `m${i}`)];
    const path = files.write('wide.csv', `${header.join(',')}\n${header.map(() => '1').join(',')}\n`);
    const db = await openDatabase();
    try {
      await expect(importFile(db, path, { mapping: { unit: 'id', variant: 'arm' } })).rejects.toThrow(/2,002 columns; at most 1,000 can be imported/);
    } finally {
      await db.close();
    }
  });
});

describe('staging left behind', () => {
  it('by a killed import is removed by the next import; a live process\'s is kept', async () => {
    const dbPath = files.path('desk.duckdb');
    const spill = `${dbPath}.tmp`;
    const dead = `${spill}-lines-dead`;
    const live = `${spill}-lines-live`;
    for (const [folder, pid] of [[dead, 2 ** 22 + 12345], [live, process.ppid]] as const) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(`${folder}/owner`, String(pid));
      writeFileSync(`${folder}/lines.parquet`, 'x');
    }
    const db = await openDatabase(dbPath);
    try {
      await importFile(db, files.write('small.csv', `${HEADER}\n${row(1)}\n`));
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      await db.close();
    }
  });
});
