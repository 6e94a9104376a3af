import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeWire, encodeWire, fromWire, toWire } from './wire.ts';

const nodeBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('wire encoding of bytes', () => {
  it('writes standard base64 with padding (RFC 4648 test vectors)', () => {
    const vectors: Array<[string, string]> = [
      ['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, b64] of vectors) {
      const bytes = new TextEncoder().encode(text);
      expect(bytesToBase64(bytes)).toBe(b64);
      expect(new TextDecoder().decode(base64ToBytes(b64))).toBe(text);
    }
  });

  it('agrees with Node’s Buffer on every byte value and on buffers larger than one chunk', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(bytesToBase64(all)).toBe(nodeBase64(all));
    const big = Uint8Array.from({ length: 3 * 16_384 * 2 + 2 }, (_, i) => (i * 131 + 7) & 255);
    expect(bytesToBase64(big)).toBe(nodeBase64(big));
    expect(base64ToBytes(nodeBase64(big))).toEqual(big);
  });

  it('rejects foreign characters', () => {
    expect(() => base64ToBytes('Zm9v*')).toThrow();
  });

  it('round-trips Uint8Arrays anywhere in a value', () => {
    const value = {
      ok: true,
      value: { report: { experimentId: 'x', n: [1, 2, 3] }, cumulative: new Uint8Array([1, 2, 3, 255]), nested: [{ b: new Uint8Array(0) }] },
    };
    const text = encodeWire(value);
    expect(JSON.parse(text).value.cumulative).toEqual({ $bytes: 'AQID/w==' });
    const back = decodeWire(text) as typeof value;
    expect(back.value.cumulative).toBeInstanceOf(Uint8Array);
    expect([...back.value.cumulative]).toEqual([1, 2, 3, 255]);
    expect(back.value.nested[0]!.b).toBeInstanceOf(Uint8Array);
    expect(back.value.report).toEqual({ experimentId: 'x', n: [1, 2, 3] });
    expect(fromWire(toWire(value))).toEqual(value);
  });

  it('leaves objects that merely contain a $bytes key among others alone', () => {
    const value = { $bytes: 'AQID', other: 1 };
    expect(decodeWire(JSON.stringify(value))).toEqual(value);
  });
});
