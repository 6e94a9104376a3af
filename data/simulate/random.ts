/**
 * Seeded random streams for the simulator. Each named stream is an independent Mersenne Twister
 * (via `@stdlib/random-base-*` `.factory({ seed })`) whose seed is derived from the simulation
 * seed and the stream's label, so adding draws to one stream never shifts another.
 */
import uniform from '@stdlib/random-base-uniform';
import normal from '@stdlib/random-base-normal';
import poisson from '@stdlib/random-base-poisson';

/** A deterministic source of random variates. */
export interface RandomStream {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Uniform on [min, max). */
  between(min: number, max: number): number;
  /** Integer uniform on {0, …, n − 1}; n ≥ 1. */
  integer(n: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Poisson with mean `lambda` ≥ 0 (0 when lambda is 0). */
  poisson(lambda: number): number;
  /** `true` with probability `p` (clamped to [0, 1]). */
  bernoulli(p: number): boolean;
  /**
   * Log-normal with the given arithmetic *mean* and log-scale `sigma`:
   * `mean · exp(sigma·Z − sigma²/2)`, so E = mean.
   */
  lognormalWithMean(mean: number, sigma: number): number;
  /** Index drawn with probability proportional to `weights` (all ≥ 0, sum > 0). */
  weighted(weights: readonly number[]): number;
}

/** 32-bit FNV-1a hash of a string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * The MT19937 seed of stream `label` under simulation seed `seed`: an integer in [1, 2³² − 1]
 * (stdlib rejects 0).
 */
export function deriveSeed(seed: number, label: string): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  let h = fnv1a(`${seed}:${label}`);
  // Final avalanche (murmur3 fmix32) so nearby seeds give unrelated streams.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  h >>>= 0;
  return h === 0 ? 1 : h;
}

/** Creates the random stream `label` of simulation seed `seed`. */
export function createRandomStream(seed: number, label: string): RandomStream {
  const base = uniform.factory(0, 1, { seed: deriveSeed(seed, label) });
  const gauss = normal.factory(0, 1, { prng: base });
  const pois = poisson.factory({ prng: base });
  const stream: RandomStream = {
    uniform: () => base(),
    between: (min, max) => min + (max - min) * base(),
    integer: (n) => Math.min(n - 1, Math.floor(base() * n)),
    normal: () => gauss(),
    poisson: (lambda) => (lambda > 0 ? pois(lambda) : 0),
    bernoulli: (p) => base() < p,
    lognormalWithMean: (mean, sigma) => mean * Math.exp(sigma * gauss() - (sigma * sigma) / 2),
    weighted: (weights) => {
      let total = 0;
      for (const w of weights) total += w;
      let u = base() * total;
      for (let i = 0; i < weights.length; i += 1) {
        u -= weights[i]!;
        if (u < 0) return i;
      }
      return weights.length - 1;
    },
  };
  return stream;
}
