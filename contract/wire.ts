/**
 * The web host's JSON wire rule for binary values: a `Uint8Array` (Arrow IPC bytes) anywhere in a
 * request or response travels as `{ "$bytes": "<base64>" }`. Both ends walk values with these
 * two functions and plug in their platform's base64 codec (Node's Buffer, the page's own).
 */

export const BYTES_KEY = '$bytes';

/** Replaces every Uint8Array in `value` by `{ $bytes: base64 }` (a deep copy; plain data only). */
export function encodeWire(value: unknown, toBase64: (bytes: Uint8Array) => string): unknown {
  if (value instanceof Uint8Array) return { [BYTES_KEY]: toBase64(value) };
  if (Array.isArray(value)) return value.map((item) => encodeWire(item, toBase64));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encodeWire(item, toBase64)]));
  }
  return value;
}

/** The inverse of `encodeWire`. */
export function decodeWire(value: unknown, fromBase64: (text: string) => Uint8Array): unknown {
  if (Array.isArray(value)) return value.map((item) => decodeWire(item, fromBase64));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === BYTES_KEY && typeof entries[0]![1] === 'string') return fromBase64(entries[0]![1]);
    return Object.fromEntries(entries.map(([key, item]) => [key, decodeWire(item, fromBase64)]));
  }
  return value;
}
