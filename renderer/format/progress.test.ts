import { describe, expect, it } from 'vitest';
import { accountingText, baseName, progressPercent, progressText, type ImportProgressEvent } from './progress.ts';

const event = (over: Partial<ImportProgressEvent> = {}): ImportProgressEvent => ({
  importId: 'i', fileIndex: 0, fileCount: 1, path: '/data/events.csv', phase: 'reading',
  bytesDone: 45_100_000, bytesTotal: 120_000_000, rowsDone: 1_234_567, rowsPerSecond: 812_000, ...over,
});

describe('import progress', () => {
  it('writes the progress line with rows, rows/s and megabytes', () => {
    expect(progressText(event())).toBe('reading · 1,234,567 rows · 812,000 rows/s · 45.1 / 120.0 MB');
  });

  it('computes the overall percentage across files and phases, never moving backwards', () => {
    expect(progressPercent(event({ phase: 'hashing', bytesDone: 120_000_000 }))).toBe(10);
    expect(progressPercent(event({ bytesDone: 0 }))).toBe(10);
    expect(progressPercent(event())).toBe(36); // 10 + 70 × 45.1/120
    expect(progressPercent(event({ phase: 'validating', bytesDone: 60_000_000 }))).toBe(85);
    expect(progressPercent(event({ phase: 'done' }))).toBe(100);
    expect(progressPercent(event({ fileIndex: 1, fileCount: 2, phase: 'hashing', bytesDone: 0 }))).toBe(50);
    expect(progressPercent(event({ phase: 'hashing', bytesTotal: 0, bytesDone: 0 }))).toBe(0);
    const phases = ['hashing', 'reading', 'validating', 'indexing', 'done'] as const;
    let last = -1;
    for (const phase of phases) {
      for (const done of [0, 30_000_000, 120_000_000]) {
        const p = progressPercent(event({ phase, bytesDone: done }));
        expect(p).toBeGreaterThanOrEqual(last);
        last = p;
      }
    }
  });

  it('writes the row accounting of docs/analysis-definitions.md', () => {
    expect(accountingText({ rowsRead: 90_189, rowsAccepted: 90_189, rowsRejected: 0 }))
      .toBe('90,189 rows read = 90,189 accepted + 0 rejected');
    expect(accountingText({ rowsRead: 252_980, rowsAccepted: 252_968, rowsRejected: 12 }))
      .toBe('252,980 rows read = 252,968 accepted + 12 rejected');
  });

  it('takes the file name from either kind of path', () => {
    expect(baseName('/tmp/x/demo-events.csv')).toBe('demo-events.csv');
    expect(baseName('C:\\data\\a.parquet')).toBe('a.parquet');
    expect(baseName('plain.csv')).toBe('plain.csv');
  });
});
