/** DataLoader: batches of a dataset, in order or shuffled by a seeded generator. */
import { ArgumentError, argError } from '../errors';
import { randint, randperm, tensor } from '../ops/creation';
import { stack } from '../ops/movement';
import { Generator } from '../random';
import { Tensor } from '../tensor';
import { Dataset } from './dataset';

export interface DataLoaderOptions<T, B> {
  /** Examples per batch (1 by default). */
  batchSize?: number;
  /** A fresh random order every epoch. */
  shuffle?: boolean;
  /** Any iterable of example indices (mutually exclusive with shuffle). */
  sampler?: Iterable<number>;
  /** An iterable of index arrays, one per batch (replaces batchSize, shuffle, sampler, dropLast). */
  batchSampler?: Iterable<readonly number[]>;
  /** Drops the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** The generator shuffling draws from; by default each epoch seeds one from the default stream. */
  generator?: Generator;
  /** Turns a list of examples into a batch; defaultCollate by default. */
  collateFn?: (items: T[]) => B;
}

/**
 * Stacks examples into a batch: tensors are stacked, numbers become an int64 (all integers) or
 * float64 tensor, booleans a bool tensor, arrays and plain objects are collated field by field.
 * @example defaultCollate([[torch.ones(2), 0], [torch.zeros(2), 1]]) // [Tensor [2, 2], tensor([0, 1])]
 */
export function defaultCollate(items: unknown[]): unknown {
  if (items.length === 0) throw new ArgumentError('defaultCollate: cannot collate an empty batch');
  const first = items[0];
  if (first instanceof Tensor) return stack(items as Tensor[]);
  if (typeof first === 'number') {
    const nums = items as number[];
    return tensor(nums, { dtype: nums.every(Number.isInteger) ? 'int64' : 'float64' });
  }
  if (typeof first === 'boolean') return tensor(items as boolean[], { dtype: 'bool' });
  if (typeof first === 'string') return items;
  if (Array.isArray(first)) {
    if (!items.every((it) => Array.isArray(it) && it.length === first.length)) throw new ArgumentError('each element in list of batch should be of equal size');
    return first.map((_, k) => defaultCollate(items.map((it) => (it as unknown[])[k])));
  }
  if (first !== null && typeof first === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(first)) out[k] = defaultCollate(items.map((it) => (it as Record<string, unknown>)[k]));
    return out;
  }
  throw argError('defaultCollate', 'examples made of Tensors, numbers, booleans, strings, arrays or objects', first);
}

/**
 * Iterates a dataset in batches, synchronously (`for...of`) or yielding to the event loop between
 * batches (`for await...of`).
 * @example
 * const loader = new DataLoader(new TensorDataset(X, y), { batchSize: 32, shuffle: true });
 * for (const [xb, yb] of loader) { ... }
 */
export class DataLoader<T = unknown, B = T> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  private readonly sampler: Iterable<number> | undefined;
  private readonly batchSampler: Iterable<readonly number[]> | undefined;
  private readonly collateFn: ((items: T[]) => B) | undefined;

  constructor(dataset: Dataset<T>, opts: DataLoaderOptions<T, B> = {}) {
    if (!dataset || typeof dataset.getItem !== 'function' || typeof dataset.length !== 'number') {
      throw argError('DataLoader', 'a Dataset (with length and getItem)', dataset);
    }
    const { batchSize = 1, shuffle = false, sampler, batchSampler, dropLast = false, generator, collateFn } = opts;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ArgumentError(`batch_size should be a positive integer value, but got batchSize=${batchSize}`);
    if (sampler !== undefined && shuffle) throw new ArgumentError('sampler option is mutually exclusive with shuffle');
    if (batchSampler !== undefined && (opts.batchSize !== undefined || shuffle || sampler !== undefined || dropLast)) {
      throw new ArgumentError('batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
    }
    for (const [name, it] of [['sampler', sampler], ['batchSampler', batchSampler]] as const) {
      if (it !== undefined && typeof (it as Iterable<unknown>)[Symbol.iterator] !== 'function') throw argError('DataLoader', `an iterable ${name}`, it);
    }
    if (generator !== undefined && !(generator instanceof Generator)) throw argError('DataLoader', 'a torch.Generator', generator);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.sampler = sampler;
    this.batchSampler = batchSampler;
    this.collateFn = collateFn;
  }

  /** The number of batches an epoch yields. */
  get length(): number {
    if (this.batchSampler) return [...this.batchSampler].length;
    const n = this.sampler ? [...this.sampler].length : this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The example order of one epoch. */
  private order(): Iterable<number> {
    if (this.sampler) return this.sampler;
    const n = this.dataset.length;
    if (!this.shuffle) return Array.from({ length: n }, (_, i) => i);
    let gen = this.generator;
    if (!gen) {
      const seed = randint(0, 2 ** 31 - 1, [2]);
      const [hi, lo] = Array.from(seed.typedArray() as BigInt64Array);
      seed.dispose();
      gen = new Generator().manualSeed((hi << 31n) | lo);
    }
    const p = randperm(n, { generator: gen });
    const out = Array.from(p.typedArray() as BigInt64Array, Number);
    p.dispose();
    return out;
  }

  /** The index lists of one epoch's batches (draws the shuffle order once). */
  batchIndices(): number[][] {
    if (this.batchSampler) return [...this.batchSampler].map((b) => [...b]);
    const out: number[][] = [];
    let cur: number[] = [];
    for (const i of this.order()) {
      cur.push(i);
      if (cur.length === this.batchSize) {
        out.push(cur);
        cur = [];
      }
    }
    if (cur.length > 0 && !this.dropLast) out.push(cur);
    return out;
  }

  /** The batch for a list of example indices. */
  fetch(indices: readonly number[]): B {
    if (!this.collateFn && typeof this.dataset.getBatch === 'function') return this.dataset.getBatch(indices) as unknown as B;
    const items = indices.map((i) => this.dataset.getItem(i));
    return this.collateFn ? this.collateFn(items) : (defaultCollate(items) as B);
  }

  *[Symbol.iterator](): Iterator<B> {
    for (const idx of this.batchIndices()) yield this.fetch(idx);
  }

  /** Like for...of, but lets other callbacks run between batches. */
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    for (const idx of this.batchIndices()) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      yield this.fetch(idx);
    }
  }
}
