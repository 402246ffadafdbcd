/**
 * The default random generator: a seed plus a counter offset into kindling's counter-based
 * (Philox) stream. Every draw of n numbers advances the offset by n, so `manualSeed(s)` followed by
 * the same calls reproduces the same tensors, on any thread count.
 */
import * as K from './backend/kernels';
import type { Tensor } from './tensor';

export const RANDOM = { uniform: 0, normal: 1, int: 2, bernoulli: 3 } as const;

/**
 * A random-number generator (torch.Generator): a 64-bit seed and an offset into the Philox
 * stream. Pass one as `{ generator }` to randperm, DataLoader or randomSplit to get a stream that
 * other draws do not disturb.
 * @example const g = new torch.Generator().manualSeed(42); torch.randperm(5, { generator: g })
 */
export class Generator {
  /** @internal */ seed = 67280421310721n;
  /** @internal */ offset = 0;
  manualSeed(seed: number | bigint): this {
    if ((typeof seed !== 'number' || !Number.isInteger(seed)) && typeof seed !== 'bigint') {
      throw new TypeError(`manualSeed: expected an integer seed but received ${String(seed)}`);
    }
    this.seed = BigInt.asUintN(64, BigInt(seed));
    this.offset = 0;
    return this;
  }
  initialSeed(): bigint {
    return this.seed;
  }
  /** The state as plain JSON-safe data, for checkpoints. */
  getState(): { seed: string; offset: number } {
    return { seed: this.seed.toString(), offset: this.offset };
  }
  setState(s: { seed: string; offset: number }): this {
    if (!s || typeof s.seed !== 'string' || !/^\d+$/.test(s.seed) || !Number.isSafeInteger(s.offset) || s.offset < 0) {
      throw new TypeError(`setState: expected { seed: decimal string, offset: non-negative integer } but received ${JSON.stringify(s)}`);
    }
    this.seed = BigInt.asUintN(64, BigInt(s.seed));
    this.offset = s.offset;
    return this;
  }
}

export const defaultGenerator = new Generator();

/**
 * Seeds the default generator (torch.manual_seed).
 * @example torch.manualSeed(0); const a = torch.randn(3);
 */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

export function initialSeed(): bigint {
  return defaultGenerator.seed;
}

/** The generator state, to save in checkpoints and restore with setRngState. */
export function getRngState(): { seed: string; offset: number } {
  return defaultGenerator.getState();
}
export function setRngState(s: { seed: string; offset: number }): void {
  defaultGenerator.setState(s);
}

/** Fills a contiguous tensor in place from the default stream. @internal */
export function fillRandom(out: Tensor, kind: number, a: number, b: number, gen: Generator = defaultGenerator): void {
  K.random(kind, out, gen.seed, gen.offset, a, b);
  gen.offset += out.numel();
}
