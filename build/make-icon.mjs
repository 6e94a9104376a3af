// Draws build/icons/icon.png: the app icon, 512×512, a black square with an acid-lime outline
// and a blocky "ED" (the renderer's --acid, #ccff00). Node built-ins only (zlib for the PNG), so
// the icon is reproducible anywhere: node build/make-icon.mjs
//
// A two-colour palette PNG keeps the file at a few hundred bytes; electron-builder converts it
// to .icns (macOS) and .ico (Windows) when packaging.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const BLACK = [0x00, 0x00, 0x00];
const ACID = [0xcc, 0xff, 0x00];

/** Whether pixel (x, y) is acid. */
function isMark(x, y) {
  // Outline, inset like the app's outlined buttons.
  const inset = 28;
  const stroke = 12;
  const inOuter = x >= inset && x < SIZE - inset && y >= inset && y < SIZE - inset;
  const inInner = x >= inset + stroke && x < SIZE - inset - stroke && y >= inset + stroke && y < SIZE - inset - stroke;
  if (inOuter && !inInner) return true;

  // Letters: 160×224 each, 40 px strokes, 48 px apart, centred.
  const w = 160;
  const h = 224;
  const s = 40;
  const gap = 48;
  const left = (SIZE - (2 * w + gap)) / 2;
  const top = (SIZE - h) / 2;
  const ly = y - top;
  if (ly < 0 || ly >= h) return false;

  const ex = x - left; // E
  if (ex >= 0 && ex < w) {
    if (ex < s) return true;
    if (ly < s || ly >= h - s) return true;
    if (ly >= (h - s) / 2 && ly < (h + s) / 2 && ex < w - 24) return true;
    return false;
  }
  const dx = x - left - w - gap; // D, with chamfered right corners
  if (dx >= 0 && dx < w) {
    const cut = w - s;
    if (dx - cut > ly || dx - cut > h - 1 - ly) return false;
    const inside = dx >= s && dx < w - s && ly >= s && ly < h - s;
    return !inside;
  }
  return false;
}

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 3; // colour type: palette
header[10] = 0; // compression
header[11] = 0; // filter
header[12] = 0; // no interlace

const rows = Buffer.alloc(SIZE * (SIZE + 1));
for (let y = 0; y < SIZE; y += 1) {
  rows[y * (SIZE + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x += 1) rows[y * (SIZE + 1) + 1 + x] = isMark(x, y) ? 1 : 0;
}

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('PLTE', Buffer.from([...BLACK, ...ACID])),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icons', 'icon.png');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes`);
