/**
 * The web host's JSON wire rule for binary values: a `Uint8Array` (Arrow IPC bytes) anywhere in
 * a request or response travels as `{"$bytes": "<base64>"}` and is decoded back to a
 * `Uint8Array`. The loopback server applies the same rule to what it sends and receives.
 *
 * Base64 is the standard alphabet with `=` padding (RFC 4648 §4), written here without `atob`,
 * `btoa` or `Buffer` so the same code runs in the page, in Node tests, and on large buffers
 * without building a binary string.
 */

import { decodeWire as decodeBytes, encodeWire as encodeBytes } from '../../contract/wire.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Bytes → standard base64 with padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 16_384; // multiple of 3: no padding inside the string
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, bytes.length);
    let out = '';
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
    }
    const rest = end - i;
    if (rest === 1) {
      const n = bytes[i]! << 16;
      out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + '==';
    } else if (rest === 2) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
      out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
    }
    parts.push(out);
  }
  return parts.join('');
}

/** Standard base64 (padding optional, whitespace ignored) → bytes; throws on a foreign character. */
export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/[\s=]+/g, '');
  const full = Math.floor(clean.length / 4);
  const rest = clean.length % 4;
  if (rest === 1) throw new Error('Invalid base64 length');
  const out = new Uint8Array(full * 3 + (rest === 0 ? 0 : rest - 1));
  const sextet = (index: number): number => {
    const code = clean.charCodeAt(index);
    const value = code < 128 ? DECODE[code]! : -1;
    if (value < 0) throw new Error(`Invalid base64 character at ${index}`);
    return value;
  };
  let o = 0;
  let i = 0;
  for (let g = 0; g < full; g++, i += 4) {
    const n = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    out[o++] = (n >> 16) & 255;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (rest >= 2) {
    const n = (sextet(i) << 18) | (sextet(i + 1) << 12) | (rest === 3 ? sextet(i + 2) << 6 : 0);
    out[o++] = (n >> 16) & 255;
    if (rest === 3) out[o++] = (n >> 8) & 255;
  }
  return out;
}

/** Replaces every `Uint8Array` in a JSON-able value by `{ $bytes }` (the rule of contract/wire.ts). */
export function toWire(value: unknown): unknown {
  return encodeBytes(value, bytesToBase64);
}

/** Replaces every `{ $bytes }` in a parsed JSON value by its `Uint8Array`. */
export function fromWire(value: unknown): unknown {
  return decodeBytes(value, base64ToBytes);
}

/** `JSON.stringify` with the bytes rule. */
export function encodeWire(value: unknown): string {
  return JSON.stringify(toWire(value));
}

/** `JSON.parse` with the bytes rule. Throws `SyntaxError` on malformed JSON. */
export function decodeWire(text: string): unknown {
  return fromWire(JSON.parse(text));
}
