/** Datasets: indexable collections of examples (torch.utils.data.Dataset and friends). */
import { ArgumentError, IndexError, ShapeError, argError } from '../errors';
import { randperm, tensor } from '../ops/creation';
import { Generator } from '../random';
import { Tensor } from '../tensor';

/**
 * A map-style dataset: `length` examples, each returned by `getItem(i)`. Subclass it, or give
 * `getBatch(indices)` as well when a whole batch can be gathered at once (TensorDataset does).
 * @example
 * class Squares extends Dataset<[number, number]> {
 *   get length() { return 10; }
 *   getItem(i: number): [number, number] { return [i, i * i]; }
 * }
 */
export abstract class Dataset<T = unknown> {
  abstract get length(): number;
  abstract getItem(index: number): T;
  /** Optional fast path used by DataLoader: the collated batch for these indices. */
  getBatch?(indices: readonly number[]): T;
}

function checkIndex(i: number, n: number, what: string): number {
  if (!Number.isInteger(i)) throw argError(what, 'an integer index', i);
  const j = i < 0 ? n + i : i;
  if (j < 0 || j >= n) throw new IndexError(`index ${i} is out of range for ${what} of length ${n}`);
  return j;
}

/**
 * Examples are the i-th rows of tensors that share their first dimension.
 * @example const ds = new TensorDataset(X, y); ds.getItem(0) // [X[0], y[0]]
 */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new ArgumentError('TensorDataset needs at least one tensor');
    tensors.forEach((t) => {
      if (!(t instanceof Tensor)) throw argError('TensorDataset', 'Tensor arguments', t);
      if (t.dim() === 0) throw new ShapeError('TensorDataset: tensors must have a first (example) dimension');
    });
    const n = tensors[0].shape[0];
    if (!tensors.every((t) => t.shape[0] === n)) throw new ShapeError(`Size mismatch between tensors: first dims ${tensors.map((t) => t.shape[0]).join(', ')}`);
    this.tensors = tensors;
  }
  get length(): number {
    return this.tensors[0].shape[0];
  }
  getItem(index: number): Tensor[] {
    const i = checkIndex(index, this.length, 'TensorDataset');
    return this.tensors.map((t) => t.select(0, i));
  }
  override getBatch(indices: readonly number[]): Tensor[] {
    const n = this.length;
    const idx = tensor(indices.map((i) => checkIndex(i, n, 'TensorDataset')), { dtype: 'int64' });
    const out = this.tensors.map((t) => t.indexSelect(0, idx));
    idx.dispose();
    return out;
  }
}

/**
 * The examples of `dataset` at `indices`.
 * @example const firstTen = new Subset(ds, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 */
export class Subset<T> extends Dataset<T> {
  readonly indices: number[];
  constructor(readonly dataset: Dataset<T>, indices: Iterable<number>) {
    super();
    const n = dataset.length;
    this.indices = [...indices].map((i) => checkIndex(i, n, 'Subset'));
    const inner = dataset.getBatch;
    if (typeof inner === 'function') {
      this.getBatch = (batch: readonly number[]) => inner.call(dataset, batch.map((i) => this.indices[checkIndex(i, this.indices.length, 'Subset')]));
    }
  }
  get length(): number {
    return this.indices.length;
  }
  getItem(index: number): T {
    return this.dataset.getItem(this.indices[checkIndex(index, this.indices.length, 'Subset')]);
  }
}
/**
 * Splits a dataset into non-overlapping random subsets of the given lengths (counts, or
 * fractions summing to 1 whose remainders are dealt round-robin, as PyTorch does).
 * @example const [train, val] = randomSplit(ds, [0.8, 0.2], { generator: new torch.Generator().manualSeed(42) });
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: number[], { generator }: { generator?: Generator } = {}): Subset<T>[] {
  if (!Array.isArray(lengths) || lengths.length === 0) throw argError('randomSplit', 'an array of lengths', lengths);
  const n = dataset.length;
  let counts = lengths;
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) < 1e-9 && total !== n) {
    const bad = lengths.findIndex((f) => !(f >= 0 && f <= 1));
    if (bad >= 0) throw new ArgumentError(`Fraction at index ${bad} is not between 0 and 1: ${lengths[bad]}`);
    counts = lengths.map((f) => Math.floor(n * f));
    let rest = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]++;
  } else if (lengths.some((c) => !Number.isInteger(c) || c < 0)) {
    throw argError('randomSplit', 'non-negative integer lengths or fractions summing to 1', lengths);
  }
  if (counts.reduce((a, b) => a + b, 0) !== n) throw new ArgumentError(`Sum of input lengths (${counts.reduce((a, b) => a + b, 0)}) does not equal the length of the input dataset (${n})!`);
  const permT = randperm(n, { generator });
  const perm = Array.from(permT.typedArray() as BigInt64Array, Number);
  permT.dispose();
  let offset = 0;
  return counts.map((c) => {
    const s = new Subset(dataset, perm.slice(offset, offset + c));
    offset += c;
    return s;
  });
}
