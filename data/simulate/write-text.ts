/**
 * Shared streaming of a simulated log to a text file: records joined by LF, written in ~1 MB
 * chunks, gzip-compressed when the path ends in `.gz`.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { simulateEventLog } from './event-log.ts';
import type { SimulatedRow, SimulationOptions, SimulationTruth } from './types.ts';

const CHUNK_CHARS = 1 << 20;

/** Yields `header` (if any) and one formatted record per row, each followed by LF, in chunks; stores the truth in `sink` at the end. */
function* chunks(
  options: SimulationOptions,
  header: string | null,
  format: (row: SimulatedRow) => string,
  sink: { truth?: SimulationTruth },
): Generator<string> {
  const gen = simulateEventLog(options);
  let buffer = header === null ? '' : `${header}\n`;
  for (;;) {
    const step = gen.next();
    if (step.done) {
      sink.truth = step.value;
      break;
    }
    buffer += `${format(step.value)}\n`;
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer.length > 0) yield buffer;
}

/**
 * Simulates `options` and writes the log to `path` (parent folders created, UTF-8, LF; gzip when
 * `path` ends in `.gz`): `header` first when not null, then `format(row)` per row. Resolves to the
 * ground truth.
 */
export async function writeSimulatedLog(
  path: string,
  options: SimulationOptions,
  header: string | null,
  format: (row: SimulatedRow) => string,
): Promise<SimulationTruth> {
  const sink: { truth?: SimulationTruth } = {};
  await mkdir(dirname(path), { recursive: true });
  const readable = Readable.from(chunks(options, header, format, sink));
  if (path.endsWith('.gz')) await pipeline(readable, createGzip(), createWriteStream(path));
  else await pipeline(readable, createWriteStream(path));
  if (!sink.truth) throw new Error('simulation did not complete');
  return sink.truth;
}
