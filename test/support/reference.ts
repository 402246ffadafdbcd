// A deliberately plain reference implementation of kindling's tensor semantics, used by the
// differential fuzz suite (test/fuzz.differential.test.ts). It is written for clarity, not speed:
// every tensor is a row-major array of JS numbers plus a shape, every result is computed in float64
// and then rounded to the result dtype (Math.fround for float32, two's-complement wrap for int32).
// It shares no code with lib/, so a bug in kindling's planner or kernels cannot hide here too.
import type { DType } from '../../lib';

/** A dense tensor: values in row-major order (bool as 0/1, int64 kept small enough to be exact). */
export interface Ref {
  dtype: DType;
  shape: number[];
  data: number[];
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';

/** Rounds a float64 result to what a dtype can hold. */
export function roundTo(dtype: DType, v: number): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(v);
    case 'float64':
      return v;
    case 'int32':
      return v | 0; // C++ int32 arithmetic wraps on every compiler kindling targets
    case 'int64':
      return v + 0; // generators keep int64 values small, so float64 holds them exactly; + 0 drops -0
    case 'bool':
      return v !== 0 && !Number.isNaN(v) ? 1 : 0;
  }
}

export function make(dtype: DType, shape: number[], data: number[]): Ref {
  return { dtype, shape: [...shape], data: data.map((v) => roundTo(dtype, v)) };
}

/** Row-major strides of a contiguous shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const st: number[] = new Array(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = acc;
    acc *= shape[d];
  }
  return st;
}

/** Calls f with every multi-index of shape, in row-major order. */
export function forEachIndex(shape: readonly number[], f: (idx: number[]) => void): void {
  if (shape.some((s) => s === 0)) return;
  const idx = new Array(shape.length).fill(0);
  for (;;) {
    f(idx);
    let d = shape.length - 1;
    while (d >= 0 && ++idx[d] === shape[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

/** A materialized strided view of a contiguous base (how transpose/permute/slice/expand behave). */
export function strided(base: Ref, shape: number[], strides: number[], offset: number): Ref {
  const data: number[] = [];
  forEachIndex(shape, (idx) => data.push(base.data[offset + idx.reduce((a, i, d) => a + i * strides[d], 0)]));
  return { dtype: base.dtype, shape: [...shape], data };
}

/** NumPy broadcasting; null when the shapes do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** The values of t repeated to shape (t must broadcast to it). */
export function broadcastTo(t: Ref, shape: number[]): Ref {
  const lead = shape.length - t.shape.length;
  const st = contiguousStrides(t.shape);
  const strides = shape.map((_, d) => (d < lead || t.shape[d - lead] === 1 ? 0 : st[d - lead]));
  return strided(t, shape, strides, 0);
}

/** Sums g (of a broadcast shape) back down to shape: the gradient of broadcasting. */
export function sumToShape(g: Ref, shape: number[]): Ref {
  const out = new Array(numel(shape)).fill(0);
  const lead = g.shape.length - shape.length;
  const st = contiguousStrides(shape);
  let k = 0;
  forEachIndex(g.shape, (idx) => {
    let o = 0;
    for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) o += idx[d + lead] * st[d];
    out[o] += g.data[k++];
  });
  return make(g.dtype, shape, out);
}

// ---- type promotion (PyTorch's result_type for two tensors) ---------------------------------------
const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };
const category = (d: DType): number => (d === 'bool' ? 0 : isFloat(d) ? 2 : 1);
const higher = (a: DType, b: DType): DType => (RANK[a] >= RANK[b] ? a : b);

/** Zero-dim tensors only decide the dtype when their category (bool < int < float) is higher. */
export function resultType(a: Ref, b: Ref): DType {
  const az = a.shape.length === 0;
  const bz = b.shape.length === 0;
  if (az === bz) return higher(a.dtype, b.dtype);
  const [dimT, zeroT] = az ? [b.dtype, a.dtype] : [a.dtype, b.dtype];
  return category(zeroT) > category(dimT) ? higher(dimT, zeroT) : dimT;
}

// ---- elementwise -------------------------------------------------------------------------------
export type UnaryOp = 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'tanh' | 'sigmoid' | 'sin' | 'floor' | 'relu' | 'square';
/** Float-only math: integer and bool inputs compute in float32, as PyTorch. */
export const UNARY_FLOAT_ONLY: ReadonlySet<UnaryOp> = new Set(['exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'sin']);

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  sin: Math.sin,
  floor: Math.floor,
  relu: (x) => (x > 0 ? x : Number.isNaN(x) ? NaN : 0),
  square: (x) => x * x,
};

/** Result of a unary op, or the name of the error kindling must throw. */
export function unary(op: UnaryOp, x: Ref): Ref | 'error' {
  // square is pow(x, 2): bool squares as int64, as PyTorch
  if (x.dtype === 'bool' && op === 'square') return make('int64', x.shape, x.data);
  if (x.dtype === 'bool' && !UNARY_FLOAT_ONLY.has(op)) return 'error';
  const dt: DType = UNARY_FLOAT_ONLY.has(op) && !isFloat(x.dtype) ? 'float32' : x.dtype;
  // int32 neg/abs/square wrap in two's complement (Math.imul for the product)
  const f = dt === 'int32' && op === 'square' ? (v: number) => Math.imul(v, v) : UNARY[op];
  // integer inputs are converted to the result dtype first (2147483647 becomes 2147483648f)
  return make(dt, x.shape, x.data.map((v) => f(roundTo(dt, v))));
}

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

const BINARY: Record<BinaryOp | CompareOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // NaN propagates through maximum/minimum, as PyTorch (unlike fmax/fmin)
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
};

/** a op b with broadcasting and promotion; 'error' where kindling must refuse. */
export function binary(op: BinaryOp | CompareOp, a: Ref, b: Ref): Ref | 'error' {
  const shape = broadcastShape(a.shape, b.shape);
  if (!shape) return 'error';
  let dt = resultType(a, b);
  if (op === 'div' && !isFloat(dt)) dt = 'float32';
  if (dt === 'bool' && op === 'sub') return 'error';
  const cmp = !(op in { add: 1, sub: 1, mul: 1, div: 1, maximum: 1, minimum: 1 });
  // operands are first converted to the computation dtype, then combined
  const x = broadcastTo(a, shape).data.map((v) => roundTo(dt, v));
  const y = broadcastTo(b, shape).data.map((v) => roundTo(dt, v));
  const f = dt === 'int32' && op === 'mul' ? Math.imul : BINARY[op];
  return make(cmp ? 'bool' : dt, shape, x.map((v, i) => f(v, y[i])));
}

/** where(cond, a, b): the three shapes broadcast, a and b promote. */
export function where(c: Ref, a: Ref, b: Ref): Ref | 'error' {
  const s1 = broadcastShape(c.shape, a.shape);
  const shape = s1 && broadcastShape(s1, b.shape);
  if (!shape) return 'error';
  const dt = resultType(a, b);
  const cc = broadcastTo(c, shape).data;
  const x = broadcastTo(a, shape).data;
  const y = broadcastTo(b, shape).data;
  return make(dt, shape, cc.map((v, i) => (v ? x[i] : y[i])));
}

// ---- reductions --------------------------------------------------------------------------------
export type ReduceOp = 'sum' | 'mean' | 'prod' | 'amax' | 'amin';

/**
 * Reduces over dims (all when empty). Also returns, per output element, the sum of |inputs|:
 * float results may differ from this float64 reference by accumulation order, so callers scale
 * their tolerance by it.
 */
export function reduce(op: ReduceOp, x: Ref, dims: number[], keepdim: boolean): { out: Ref; scale: number[] } | 'error' {
  const all = dims.length === 0 ? x.shape.map((_, d) => d) : dims;
  if (op === 'mean' && !isFloat(x.dtype)) return 'error';
  // amax/amin have no identity: reducing an empty dim is an error (PyTorch raises IndexError)
  if ((op === 'amax' || op === 'amin') && (x.shape.length === 0 ? false : all.some((d) => x.shape[d] === 0))) return 'error';
  const outShape = x.shape.map((s, d) => (all.includes(d) ? 1 : s));
  const n = all.reduce((a, d) => a * (x.shape[d] ?? 1), 1);
  const groups: number[][] = Array.from({ length: numel(outShape) }, () => []);
  const st = contiguousStrides(outShape);
  let k = 0;
  forEachIndex(x.shape, (idx) => groups[idx.reduce((a, i, d) => a + (all.includes(d) ? 0 : i * st[d]), 0)].push(x.data[k++]));
  const dt: DType = isFloat(x.dtype) || op === 'amax' || op === 'amin' ? x.dtype : 'int64';
  const fold = (g: number[]): number => {
    if (op === 'sum') return g.reduce((a, v) => a + v, 0);
    if (op === 'mean') return g.reduce((a, v) => a + v, 0) / n;
    if (op === 'prod') return g.reduce((a, v) => a * v, 1);
    if (g.some(Number.isNaN)) return NaN;
    return op === 'amax' ? Math.max(...g) : Math.min(...g);
  };
  const shape = keepdim ? outShape : x.shape.filter((_, d) => !all.includes(d));
  // non-finite inputs stay out of the scale, so that their (order-independent) results are checked exactly
  const fin = (v: number) => (Number.isFinite(v) ? Math.abs(v) : 0);
  const scale = groups.map((g) => (op === 'prod' ? fin(g.reduce((a, v) => a * v, 1)) : g.reduce((a, v) => a + fin(v), 0)));
  return { out: make(dt, shape, groups.map(fold)), scale };
}

// ---- matmul, cat, stack --------------------------------------------------------------------------
/** 2-D (or 1-D, promoted as PyTorch does) matrix product; also the per-element sum of |a_ik b_kj|. */
export function matmul(a: Ref, b: Ref): { out: Ref; scale: number[] } | 'error' {
  if (a.shape.length === 0 || b.shape.length === 0 || a.dtype !== b.dtype) return 'error';
  const A = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const B = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  if (A[1] !== B[0]) return 'error';
  const [n, k, m] = [A[0], A[1], B[1]];
  const out: number[] = [];
  const scale: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      let s1 = 0;
      for (let p = 0; p < k; p++) {
        s += a.data[i * k + p] * b.data[p * m + j];
        const term = a.data[i * k + p] * b.data[p * m + j];
        s1 += Number.isFinite(term) ? Math.abs(term) : 0; // see reduce: non-finite terms are checked exactly
      }
      out.push(s);
      scale.push(s1);
    }
  }
  const shape = a.shape.length === 1 && b.shape.length === 1 ? [] : a.shape.length === 1 ? [m] : b.shape.length === 1 ? [n] : [n, m];
  return { out: make(a.dtype, shape, out), scale };
}

/** Transpose of a 2-D ref (1-D and 0-D refs are returned as they are). */
export function t2(x: Ref): Ref {
  if (x.shape.length < 2) return x;
  return strided(x, [x.shape[1], x.shape[0]], [1, x.shape[1]], 0);
}

/** Concatenation along dim; dtypes promote. */
export function cat(xs: Ref[], dim: number): Ref | 'error' {
  const nd = xs[0].shape.length;
  if (nd === 0 || xs.some((x) => x.shape.length !== nd || x.shape.some((s, d) => d !== dim && s !== xs[0].shape[d]))) return 'error';
  const dt = xs.map((x) => x.dtype).reduce(higher);
  const shape = [...xs[0].shape];
  shape[dim] = xs.reduce((a, x) => a + x.shape[dim], 0);
  const data: number[] = [];
  forEachIndex(shape, (idx) => {
    let i = idx[dim];
    let j = 0;
    while (i >= xs[j].shape[dim]) i -= xs[j++].shape[dim];
    const st = contiguousStrides(xs[j].shape);
    data.push(xs[j].data[idx.reduce((a, v, d) => a + (d === dim ? i : v) * st[d], 0)]);
  });
  return make(dt, shape, data);
}

/** Stacking along a new dim; all shapes must be equal. */
export function stack(xs: Ref[], dim: number): Ref | 'error' {
  if (xs.some((x) => x.shape.length !== xs[0].shape.length || x.shape.some((s, d) => s !== xs[0].shape[d]))) return 'error';
  const withDim = xs.map((x) => ({ ...x, shape: [...x.shape.slice(0, dim), 1, ...x.shape.slice(dim)] }));
  return cat(withDim, dim);
}
