/**
 * The default random generator: a seed plus a counter offset into kindling's counter-based
 * (Philox) stream. Every draw of n numbers advances the offset by n, so `manualSeed(s)` followed by
 * the same calls reproduces the same tensors, on any thread count.
 */
import * as K from './backend/kernels';
import type { Tensor } from './tensor';

export const RANDOM = { uniform: 0, normal: 1, int: 2, bernoulli: 3 } as const;

class Generator {
  seed = 67280421310721n;
  offset = 0;
}

export const defaultGenerator = new Generator();

/**
 * Seeds the default generator (torch.manual_seed).
 * @example torch.manualSeed(0); const a = torch.randn(3);
 */
export function manualSeed(seed: number | bigint): void {
  if (typeof seed === 'number' && !Number.isInteger(seed)) throw new TypeError(`manualSeed: expected an integer seed but received ${seed}`);
  defaultGenerator.seed = BigInt.asUintN(64, BigInt(seed));
  defaultGenerator.offset = 0;
}

export function initialSeed(): bigint {
  return defaultGenerator.seed;
}

/** The generator state, to save in checkpoints and restore with setRngState. */
export function getRngState(): { seed: string; offset: number } {
  return { seed: defaultGenerator.seed.toString(), offset: defaultGenerator.offset };
}
export function setRngState(s: { seed: string; offset: number }): void {
  defaultGenerator.seed = BigInt(s.seed);
  defaultGenerator.offset = s.offset;
}

/** Fills a contiguous tensor in place from the default stream. @internal */
export function fillRandom(out: Tensor, kind: number, a: number, b: number): void {
  K.random(kind, out, defaultGenerator.seed, defaultGenerator.offset, a, b);
  defaultGenerator.offset += out.numel();
}
