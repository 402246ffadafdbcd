/** Tensor creation: from JS data, constants, ranges, identity, and random draws. */
import { record } from '../autograd/node';
import * as K from '../backend/kernels';
import { Device, DeviceLike, resolveDevice } from '../device';
import { DType, ITEMSIZE, TYPED_ARRAY, TypedArray, isFloating, toDType } from '../dtype';
import { ArgumentError, DTypeError, ShapeError, argError, describe } from '../errors';
import { Generator, RANDOM, defaultGenerator, fillRandom } from '../random';
import { numel, parseShape } from '../shape/shape';
import { Storage } from '../storage';
import { Tensor, allocTensor } from '../tensor';

export interface TensorOptions {
  dtype?: DType;
  device?: DeviceLike;
  requiresGrad?: boolean;
}

type ShapeArgs = (number | number[] | TensorOptions)[];

function split(args: ShapeArgs, fn: string): { shape: number[]; opts: TensorOptions } {
  const last = args[args.length - 1];
  const hasOpts = last !== undefined && typeof last === 'object' && !Array.isArray(last);
  const opts = (hasOpts ? last : {}) as TensorOptions;
  const shape = parseShape(hasOpts ? args.slice(0, -1) : args, fn);
  return { shape, opts };
}

function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

function make(shape: readonly number[], opts: TensorOptions, fallback: DType = 'float32', zero = true): Tensor {
  const dtype = opts.dtype === undefined ? fallback : toDType(opts.dtype);
  const device = resolveDevice(opts.device);
  numel(shape);
  return allocTensor(shape, dtype, device, zero);
}

type Nested = number | boolean | bigint | Nested[];

const TYPED_DTYPE = new Map<unknown, DType>([
  [Float32Array, 'float32'], [Float64Array, 'float64'], [Int32Array, 'int32'], [BigInt64Array, 'int64'], [Uint8Array, 'bool'],
]);

function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && TYPED_DTYPE.has((v as object).constructor);
}

/**
 * A tensor from nested JS arrays, a typed array or a number (copies the data). JS numbers give
 * float32 and booleans bool unless a dtype is asked for.
 * @example torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4]]); torch.tensor([1, 2], { dtype: 'int64' })
 */
export function tensor(data: Nested | TypedArray | Tensor, opts: TensorOptions = {}): Tensor {
  if (data instanceof Tensor) {
    const out = make(data.shape, { ...opts, dtype: opts.dtype ?? data.dtype });
    K.copy(data, out);
    return finish(out, opts);
  }
  if (isTypedArray(data)) {
    const src = fromTypedArray(data);
    const out = make(src.shape, { ...opts, dtype: opts.dtype ?? src.dtype });
    K.copy(src, out);
    src.dispose();
    return finish(out, opts);
  }
  // infer shape, check it is rectangular, collect leaves
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: (number | boolean | bigint)[] = [];
  let kinds = 0; // bit 1 number, 2 boolean, 4 bigint
  const walk = (v: unknown, d: number): void => {
    if (d === shape.length) {
      if (typeof v === 'number') kinds |= 1;
      else if (typeof v === 'boolean') kinds |= 2;
      else if (typeof v === 'bigint') kinds |= 4;
      else throw new ArgumentError(`tensor: expected numbers, booleans or bigints but found ${describe(v)}`);
      flat.push(v as number);
      return;
    }
    if (!Array.isArray(v)) throw new ShapeError(`tensor: expected a sequence of length ${shape[d]} at dim ${d} but found ${describe(v)}`);
    if (v.length !== shape[d]) throw new ShapeError(`tensor: expected sequence of length ${shape[d]} at dim ${d} (got ${v.length})`);
    for (const x of v) walk(x, d + 1);
  };
  walk(data, 0);
  const inferred: DType = kinds === 2 ? 'bool' : kinds === 4 ? 'int64' : 'float32';
  const out = make(shape, { ...opts, dtype: opts.dtype ?? inferred });
  const dt = out.dtype;
  const arr = new TYPED_ARRAY[dt](out._buf, 0, flat.length);
  if (dt === 'int64') {
    const a = arr as BigInt64Array;
    flat.forEach((v, i) => {
      if (typeof v === 'bigint') a[i] = v;
      else {
        const n = Number(v);
        if (!Number.isFinite(n)) throw new ArgumentError(`tensor: cannot convert ${n} to int64`);
        a[i] = BigInt(Math.trunc(n));
      }
    });
  } else if (dt === 'bool') {
    flat.forEach((v, i) => (arr[i] = (typeof v === 'bigint' ? v !== 0n : Boolean(v)) ? 1 : 0));
  } else {
    const a = arr as Float32Array | Float64Array | Int32Array;
    flat.forEach((v, i) => (a[i] = Number(v)));
  }
  return finish(out, opts);
}

/**
 * A tensor sharing memory with a typed array (no copy): writes through either are seen by both.
 * @example const a = new Float32Array([1, 2, 3]); const t = torch.fromTypedArray(a); a[0] = 9;
 */
export function fromTypedArray(arr: TypedArray, shape?: readonly number[]): Tensor {
  if (!isTypedArray(arr)) throw argError('fromTypedArray', 'a Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array', arr);
  const dtype = TYPED_DTYPE.get(arr.constructor)!;
  const n = arr.length;
  const sh = shape ? parseShape([shape as number[]], 'fromTypedArray') : [n];
  if (numel(sh) !== n) throw new ShapeError(`fromTypedArray: shape [${sh}] has ${numel(sh)} elements but the array has ${n}`);
  if (arr.byteOffset % ITEMSIZE[dtype] !== 0) throw new ArgumentError('fromTypedArray: the array is not aligned to its element size');
  if (typeof SharedArrayBuffer !== 'undefined' && arr.buffer instanceof SharedArrayBuffer) throw new ArgumentError('fromTypedArray: SharedArrayBuffer is not supported');
  const storage = Storage.wrap(arr.buffer as ArrayBuffer);
  const strides: number[] = [];
  let acc = 1;
  for (let d = sh.length - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= Math.max(sh[d], 1);
  }
  return new Tensor(storage, sh, strides, arr.byteOffset / ITEMSIZE[dtype], dtype, resolveDevice('cpu'));
}

export function empty(...args: ShapeArgs): Tensor {
  const { shape, opts } = split(args, 'empty');
  return finish(make(shape, opts), opts);
}
export function zeros(...args: ShapeArgs): Tensor {
  const { shape, opts } = split(args, 'zeros');
  return finish(make(shape, opts), opts);
}
export function ones(...args: ShapeArgs): Tensor {
  const { shape, opts } = split(args, 'ones');
  const t = make(shape, opts, 'float32', false);
  K.copy(1, t);
  return finish(t, opts);
}
/** @example torch.full([2, 3], 7) */
export function full(shape: number[], value: number | boolean, opts: TensorOptions = {}): Tensor {
  const sh = parseShape([shape], 'full');
  if (typeof value !== 'number' && typeof value !== 'boolean') throw argError('full', 'a number or boolean fill value', value);
  const t = make(sh, opts, typeof value === 'boolean' ? 'bool' : 'float32', false);
  K.copy(Number(value), t);
  return finish(t, opts);
}

const likeOpts = (x: Tensor, opts: TensorOptions): TensorOptions => ({ dtype: x.dtype, device: x.device, ...opts });
export const zerosLike = (x: Tensor, opts: TensorOptions = {}) => zeros([...x.shape], likeOpts(x, opts));
export const onesLike = (x: Tensor, opts: TensorOptions = {}) => ones([...x.shape], likeOpts(x, opts));
export const emptyLike = (x: Tensor, opts: TensorOptions = {}) => empty([...x.shape], likeOpts(x, opts));
export const fullLike = (x: Tensor, value: number, opts: TensorOptions = {}) => full([...x.shape], value, likeOpts(x, opts));
export const randLike = (x: Tensor, opts: TensorOptions = {}) => rand([...x.shape], likeOpts(x, opts));
export const randnLike = (x: Tensor, opts: TensorOptions = {}) => randn([...x.shape], likeOpts(x, opts));

function fillWith(t: Tensor, f: (i: number) => number): void {
  const n = t.numel();
  const arr = new TYPED_ARRAY[t.dtype](t._buf, 0, n);
  if (t.dtype === 'int64') for (let i = 0; i < n; i++) (arr as BigInt64Array)[i] = BigInt(Math.trunc(f(i)));
  else if (t.dtype === 'bool') for (let i = 0; i < n; i++) arr[i] = f(i) !== 0 ? 1 : 0;
  else for (let i = 0; i < n; i++) (arr as Float32Array)[i] = f(i);
}

/**
 * Values from start (inclusive) to end (exclusive) by step; float32 unless a dtype is given.
 * @example torch.arange(12); torch.arange(1, 4, 0.5); torch.arange(5, { dtype: 'int64' })
 */
export function arange(...args: (number | TensorOptions)[]): Tensor {
  const last = args[args.length - 1];
  const opts = (typeof last === 'object' ? args.pop() : {}) as TensorOptions;
  const nums = args as number[];
  for (const v of nums) if (typeof v !== 'number' || !Number.isFinite(v)) throw argError('arange', 'finite numbers (end) or (start, end, step)', v);
  if (nums.length < 1 || nums.length > 3) throw argError('arange', '1 to 3 numeric arguments', nums.length);
  const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0) throw new ArgumentError('arange: step must be nonzero');
  if ((end - start) / step < 0) throw new ArgumentError(`arange: upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  const n = Math.ceil((end - start) / step);
  const t = make([n], opts);
  fillWith(t, (i) => start + i * step);
  return finish(t, opts);
}

/** steps values evenly spaced from start to end inclusive (PyTorch's symmetric formula). */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  for (const v of [start, end]) if (typeof v !== 'number' || !Number.isFinite(v)) throw argError('linspace', 'finite start and end', v);
  if (!Number.isInteger(steps) || steps < 0) throw argError('linspace', 'a non-negative integer number of steps', steps);
  const t = make([steps], opts);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  fillWith(t, (i) => (i < half ? start + step * i : end - step * (steps - 1 - i)));
  return finish(t, opts);
}

/** Identity matrix (n x m, m defaults to n). */
export function eye(n: number, m?: number | TensorOptions, opts: TensorOptions = {}): Tensor {
  if (typeof m === 'object') {
    opts = m;
    m = undefined;
  }
  const rows = parseShape([n], 'eye')[0];
  const cols = m === undefined ? rows : parseShape([m], 'eye')[0];
  const t = make([rows, cols], opts);
  fillWith(t, (i) => (Math.floor(i / cols) === i % cols ? 1 : 0));
  return finish(t, opts);
}

function random(fn: string, args: ShapeArgs, kind: number, a: number, b: number): Tensor {
  const { shape, opts } = split(args, fn);
  const t = make(shape, opts, 'float32', false);
  if (!isFloating(t.dtype)) throw new DTypeError(`${fn}: expected a floating point dtype, got ${t.dtype}`);
  fillRandom(t, kind, a, b);
  return finish(t, opts);
}

/** Uniform samples in [0, 1). @example torch.manualSeed(0); torch.rand(2, 3) */
export const rand = (...args: ShapeArgs): Tensor => random('rand', args, RANDOM.uniform, 0, 1);
/** Standard normal samples. */
export const randn = (...args: ShapeArgs): Tensor => random('randn', args, RANDOM.normal, 0, 1);

/** Normal samples with the given mean and standard deviation. */
export function normal(mean: number, std: number, shape: number[], opts: TensorOptions = {}): Tensor {
  if (typeof mean !== 'number' || typeof std !== 'number' || !(std >= 0)) throw argError('normal', 'a number mean and a non-negative std', std);
  return random('normal', [shape, opts], RANDOM.normal, mean, std);
}

/** Integers uniform in [low, high), int64 by default. @example torch.randint(0, 10, [3]) */
export function randint(low: number, high: number | number[], shape?: number[] | TensorOptions, opts: TensorOptions = {}): Tensor {
  if (Array.isArray(high)) {
    opts = (shape as TensorOptions) ?? {};
    shape = high;
    high = low;
    low = 0;
  }
  if (!Number.isInteger(low) || !Number.isInteger(high)) throw argError('randint', 'integer bounds', [low, high]);
  if (!(high > low)) throw new ArgumentError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const sh = parseShape([shape as number[]], 'randint');
  const t = make(sh, opts, 'int64');
  if (t.dtype === 'bool') throw new DTypeError('randint: bool dtype is not supported');
  fillRandom(t, RANDOM.int, low, high);
  return finish(t, opts);
}

/** Bernoulli draws with probability p (per element of a probability tensor). */
export function bernoulli(p: Tensor): Tensor {
  const u = rand([...p.shape], { dtype: isFloating(p.dtype) ? p.dtype : 'float32', device: p.device });
  const out = u.lt(p).to(p.dtype);
  u.dispose();
  return out;
}

/**
 * A random permutation of 0..n-1 (int64 by default), drawn from `generator` or the default
 * stream: a Fisher-Yates shuffle driven by kindling's counter-based uniforms, so it is
 * reproducible under manualSeed.
 * @example torch.manualSeed(0); torch.randperm(5) // a permutation of [0, 1, 2, 3, 4]
 */
export function randperm(n: number, opts: TensorOptions & { generator?: Generator } = {}): Tensor {
  const [len] = parseShape([n], 'randperm');
  const gen = opts.generator ?? defaultGenerator;
  if (!(gen instanceof Generator)) throw argError('randperm', 'a torch.Generator as generator', gen);
  const perm = new Float64Array(len);
  for (let i = 0; i < len; i++) perm[i] = i;
  if (len > 1) {
    const u = allocTensor([len - 1], 'float64', resolveDevice(undefined), false);
    fillRandom(u, RANDOM.uniform, 0, 1, gen);
    const draws = new Float64Array(u._buf, 0, len - 1);
    for (let i = len - 1; i > 0; i--) {
      const j = Math.min(i, Math.floor(draws[i - 1] * (i + 1)));
      const tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
    u.dispose();
  }
  const t = make([len], opts, 'int64');
  fillWith(t, (i) => perm[i]);
  return finish(t, opts);
}

export { record, Device };
