/**
 * Reductions (sum, mean, prod, max, min, argmax, argmin, var, std, norm, any, all) over all
 * elements, one dim or a list of dims, with keepdim; and scans (cumsum, cumprod). Gradient rules
 * sit beside each.
 */
import { record, wouldRecord } from '../autograd/node';
import * as K from '../backend/kernels';
import { DType, isFloating } from '../dtype';
import { ArgumentError, DTypeError, IndexError, KindlingError, argError } from '../errors';
import { normalizeDim } from '../shape/shape';
import { Tensor, allocOutput, allocTensor } from '../tensor';
import { cast } from './convert';
import * as E from './elementwise';
import { expand, reshape, unsqueeze } from './movement';

export interface ReduceOptions {
  dim?: number | number[];
  keepdim?: boolean;
}
type DimArg = number | number[] | ReduceOptions | undefined | null;

interface Dims {
  dims: number[];
  keepdim: boolean;
  all: boolean;
}

function parse(x: Tensor, fn: string, dim: DimArg, keepdim?: boolean): Dims {
  if (!(x instanceof Tensor)) throw argError(fn, 'a Tensor', x);
  let d: number | number[] | undefined | null = dim as number | number[] | undefined | null;
  let k = keepdim ?? false;
  if (dim !== null && typeof dim === 'object' && !Array.isArray(dim)) {
    d = dim.dim;
    k = dim.keepdim ?? k;
  }
  if (typeof k !== 'boolean') throw argError(fn, 'a boolean keepdim', k);
  if (d === undefined || d === null || (Array.isArray(d) && d.length === 0)) {
    return { dims: x.shape.map((_, i) => i), keepdim: k, all: true };
  }
  const list = (Array.isArray(d) ? d : [d]).map((v) => normalizeDim(v, x.dim(), fn));
  if (new Set(list).size !== list.length) throw new ArgumentError(`${fn}: dim ${list.find((v, i) => list.indexOf(v) !== i)} appears multiple times in the list of dims`);
  return { dims: list.sort((a, b) => a - b), keepdim: k, all: false };
}

function outShape(x: Tensor, r: Dims): number[] {
  const red = new Set(r.dims);
  if (x.dim() === 0) return [];
  return r.keepdim ? x.shape.map((s, i) => (red.has(i) ? 1 : s)) : x.shape.filter((_, i) => !red.has(i));
}

/** Runs one native reduction: out has x's shape with the reduced dims removed or kept as 1. */
function run(op: string, x: Tensor, r: Dims, outDt: DType, scale = 1): Tensor {
  const out = allocOutput(outShape(x, r), outDt, x.device);
  if (x.dim() === 0) {
    K.reduce(op, reshape(x.detach(), [[1]]), [0], reshape(out.detach(), [[1]]), scale);
  } else {
    K.reduce(op, x, r.dims, out, scale);
  }
  return out;
}

/** g (of the reduced shape) broadcast back to x's shape. */
function expandBack(g: Tensor, x: { shape: readonly number[] }, r: Dims): Tensor {
  let t = g;
  if (!r.keepdim) for (const d of r.dims) if (x.shape.length > 0) t = unsqueeze(t, d);
  return expand(t, [[...x.shape]]);
}

const sumDtype = (d: DType): DType => (isFloating(d) ? d : 'int64');

/**
 * Sum over all elements, a dim, or dims.
 * @example A.sum(0); A.sum([0, 1]); A.sum({ dim: 1, keepdim: true })
 */
export function sum(x: Tensor, dim?: DimArg, keepdim?: boolean): Tensor {
  const r = parse(x, 'sum', dim, keepdim);
  const src = x.dtype === 'bool' ? cast(x, 'int64') : x;
  const out = run('sum', src, r, sumDtype(x.dtype));
  if (!wouldRecord(x)) return out;
  const shape = [...x.shape];
  return record(r.all && dim === undefined ? 'SumBackward0' : 'SumBackward1', [x], out, (g) => [expandBack(g, { shape }, r)]);
}

export function mean(x: Tensor, dim?: DimArg, keepdim?: boolean): Tensor {
  const r = parse(x, 'mean', dim, keepdim);
  if (!isFloating(x.dtype)) {
    throw new DTypeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`);
  }
  const n = r.dims.reduce((a, d) => a * (x.shape[d] ?? 1), 1);
  const out = run('sum', x, r, x.dtype, n === 0 ? NaN : 1 / n);
  if (!wouldRecord(x)) return out;
  const shape = [...x.shape];
  return record(r.all && dim === undefined ? 'MeanBackward0' : 'MeanBackward1', [x], out, (g) => [E.div(expandBack(g, { shape }, r), n)]);
}

export function prod(x: Tensor, dim?: DimArg, keepdim?: boolean): Tensor {
  const r = parse(x, 'prod', dim, keepdim);
  const src = x.dtype === 'bool' ? cast(x, 'int64') : x;
  const out = run('prod', src, r, sumDtype(x.dtype));
  if (!wouldRecord(x)) return out;
  return record(
    r.all && dim === undefined ? 'ProdBackward0' : 'ProdBackward1',
    [x],
    out,
    (g, s) => {
      // product of the other elements, exact where x has zeros (one zero: the product of the
      // rest; two or more: 0)
      const [xs, ys] = s;
      const zero = E.eq(xs, 0);
      const nz = sum(zero, r.all ? undefined : r.dims, true);
      const prodNonzero = prod(E.where(zero, 1, xs), r.all ? undefined : r.dims, true);
      const yk = r.keepdim || r.all ? ys : reshape(ys, [[...nz.shape]]);
      const others = E.where(zero, E.where(E.eq(nz, 1), prodNonzero, 0), E.div(yk.dim() === 0 && nz.dim() > 0 ? reshape(yk, [[...nz.shape]]) : yk, xs));
      return [E.mul(expandBack(g, xs, r), others)];
    },
    [x, out],
  );
}

function extreme(op: 'max' | 'min', x: Tensor, r: Dims): Tensor {
  if (x.numel() === 0 && r.dims.some((d) => x.shape[d] === 0)) {
    throw new IndexError(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  if (x.dtype === 'bool') return cast(run(op === 'max' ? 'any' : 'all', x, r, 'bool'), 'bool');
  return run(op, x, r, x.dtype);
}

/** Gradient shared evenly among the positions that attain the extreme (PyTorch's rule for max()/amax). */
function evenly(g: Tensor, x: Tensor, y: Tensor, r: Dims): Tensor {
  const yk = expandBack(r.keepdim || r.all ? y : y, x, r);
  const hit = E.eq(x, yk);
  const count = sum(hit, r.all ? undefined : r.dims, true);
  return E.div(E.mul(expandBack(g, x, r), hit), r.all ? count : expand(count, [[...x.shape]]));
}

type MaxResult = Tensor | { values: Tensor; indices: Tensor; 0: Tensor; 1: Tensor };

function maxMin(op: 'max' | 'min', x: Tensor, dim: number | ReduceOptions | undefined, keepdim?: boolean): MaxResult {
  const r = parse(x, op, dim, keepdim);
  if (r.all && dim === undefined) {
    const out = extreme(op, x, r);
    if (!wouldRecord(x)) return out;
    return record(op === 'max' ? 'MaxBackward1' : 'MinBackward1', [x], out, (g, s) => [evenly(g, s[0], s[1], r)], [x, out]);
  }
  if (r.dims.length !== 1) throw argError(op, 'a single dim', dim);
  const values = extreme(op, x, r);
  const indices = argmaxmin(op === 'max' ? 'argmax' : 'argmin', x, r);
  let v = values;
  if (wouldRecord(x)) {
    const d = r.dims[0];
    const shape = [...x.shape];
    v = record(
      op === 'max' ? 'MaxBackward0' : 'MinBackward0',
      [x],
      values,
      (g, s) => {
        // the gradient goes to the selected index only
        const idx = r.keepdim ? s[0] : unsqueeze(s[0], d);
        const gk = r.keepdim ? g : unsqueeze(g, d);
        const z = allocTensor(shape, g.dtype, g.device);
        const { scatterAdd } = require('./indexing') as typeof import('./indexing');
        return [scatterAdd(z, d, idx, gk)];
      },
      [indices],
    );
  }
  return Object.assign({ values: v, indices, 0: v, 1: indices }, { [Symbol.iterator]: function* () { yield v; yield indices; } });
}

export const max = (x: Tensor, dim?: number | ReduceOptions, keepdim?: boolean) => maxMin('max', x, dim, keepdim);
export const min = (x: Tensor, dim?: number | ReduceOptions, keepdim?: boolean) => maxMin('min', x, dim, keepdim);

function amaxmin(op: 'max' | 'min', x: Tensor, dim: DimArg, keepdim?: boolean): Tensor {
  const r = parse(x, op === 'max' ? 'amax' : 'amin', dim, keepdim);
  const out = extreme(op, x, r);
  if (!wouldRecord(x)) return out;
  return record(op === 'max' ? 'AmaxBackward0' : 'AminBackward0', [x], out, (g, s) => [evenly(g, s[0], s[1], r)], [x, out]);
}
export const amax = (x: Tensor, dim?: DimArg, keepdim?: boolean) => amaxmin('max', x, dim, keepdim);
export const amin = (x: Tensor, dim?: DimArg, keepdim?: boolean) => amaxmin('min', x, dim, keepdim);

function argmaxmin(op: 'argmax' | 'argmin', x: Tensor, r: Dims): Tensor {
  if (x.numel() === 0) throw new IndexError(`${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
  const src = x.dtype === 'bool' ? cast(x, 'int32') : x;
  if (r.all) {
    // over the flattened tensor; keepdim keeps every dim as 1
    const flat = reshape(src.contiguous(), [[-1]]);
    const out = run(op, flat, { dims: [0], keepdim: false, all: true }, 'int64');
    return r.keepdim ? reshape(out, [x.shape.map(() => 1)]) : out;
  }
  return run(op, src, r, 'int64');
}

export function argmax(x: Tensor, dim?: number | ReduceOptions, keepdim?: boolean): Tensor {
  return argmaxmin('argmax', x, parse(x, 'argmax', dim, keepdim));
}
export function argmin(x: Tensor, dim?: number | ReduceOptions, keepdim?: boolean): Tensor {
  return argmaxmin('argmin', x, parse(x, 'argmin', dim, keepdim));
}

type VarOpts = boolean | { correction?: number; unbiased?: boolean; keepdim?: boolean };

function varParts(x: Tensor, fn: string, dim: DimArg, opts?: VarOpts) {
  let correction = 1;
  let keepdim: boolean | undefined;
  if (typeof opts === 'boolean') correction = opts ? 1 : 0;
  else if (opts) {
    if (opts.unbiased !== undefined) correction = opts.unbiased ? 1 : 0;
    if (opts.correction !== undefined) correction = opts.correction;
    keepdim = opts.keepdim;
  }
  const r = parse(x, fn, dim, keepdim);
  if (!isFloating(x.dtype)) throw new DTypeError(`${fn}: expected a floating point tensor, got ${x.dtype}`);
  const n = r.dims.reduce((a, d) => a * (x.shape[d] ?? 1), 1);
  return { r, n, correction };
}

/** Variance with Bessel's correction by default (PyTorch's unbiased=True / correction=1). */
export function variance(x: Tensor, dim?: DimArg, opts?: VarOpts): Tensor {
  const { r, n, correction } = varParts(x, 'var', dim, opts);
  const rd = r.all ? undefined : r.dims;
  const centered = E.sub(x.detach(), mean(x.detach(), rd, true));
  const out = E.div(sum(E.square(centered), rd, r.keepdim), Math.max(n - correction, 0));
  if (!wouldRecord(x)) return out;
  return record('VarBackward0', [x], out, (g, s) => {
    const c = E.sub(s[0], mean(s[0], rd, true));
    return [E.mul(expandBack(g, s[0], r), E.mul(c, 2 / Math.max(n - correction, 0)))];
  }, [x]);
}

export function std(x: Tensor, dim?: DimArg, opts?: VarOpts): Tensor {
  const v = variance(x.detach(), dim, opts);
  const out = E.sqrt(v);
  if (!wouldRecord(x)) return out;
  const { r, n, correction } = varParts(x, 'std', dim, opts);
  const rd = r.all ? undefined : r.dims;
  return record('StdBackward0', [x], out, (g, s) => {
    const c = E.sub(s[0], mean(s[0], rd, true));
    const sd = expandBack(s[1], s[0], r);
    return [E.mul(expandBack(g, s[0], r), E.div(c, E.mul(sd, Math.max(n - correction, 0))))];
  }, [x, out]);
}

/**
 * Vector p-norm over all elements (or dims): L2 by default (Frobenius for matrices), L1 with p = 1,
 * max-abs with p = Infinity.
 * @example torch.tensor([3, -4]).norm() // tensor(5.)
 */
export function norm(x: Tensor, p: number | 'fro' = 2, dim?: number | number[], keepdim = false): Tensor {
  if (!isFloating(x.dtype)) throw new DTypeError(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${x.dtype}`);
  const pv = p === 'fro' ? 2 : p;
  if (typeof pv !== 'number' || Number.isNaN(pv)) throw argError('norm', 'a number p or "fro"', p);
  const r = parse(x, 'norm', dim ?? null, keepdim);
  const rd = r.all ? undefined : r.dims;
  const a = E.abs(x.detach());
  let out: Tensor;
  if (pv === Infinity) out = amax(a, rd, keepdim);
  else if (pv === 1) out = sum(a, rd, keepdim);
  else if (pv === 2) out = E.sqrt(sum(E.square(a), rd, keepdim));
  else if (pv === 0) out = sum(cast(E.ne(a, 0), x.dtype), rd, keepdim);
  else out = E.pow(sum(E.pow(a, pv), rd, keepdim), 1 / pv);
  if (!wouldRecord(x)) return out;
  return record('NormBackward1', [x], out, (g, s) => {
    const [xs, ns] = s;
    const nb = expandBack(ns, xs, r);
    const gb = expandBack(g, xs, r);
    let local: Tensor;
    if (pv === 1) local = E.sign(xs);
    else if (pv === 2) local = E.where(E.eq(nb, 0), 0, E.div(xs, nb));
    else if (pv === Infinity) local = E.div(E.mul(E.sign(xs), E.eq(E.abs(xs), nb)), sum(E.eq(E.abs(xs), nb), rd, true));
    else local = E.where(E.eq(nb, 0), 0, E.div(E.mul(xs, E.pow(E.abs(xs), pv - 2)), E.pow(nb, pv - 1)));
    return [E.mul(gb, local)];
  }, [x, out]);
}

export function any(x: Tensor, dim?: DimArg, keepdim?: boolean): Tensor {
  return run('any', x, parse(x, 'any', dim, keepdim), 'bool');
}
export function all(x: Tensor, dim?: DimArg, keepdim?: boolean): Tensor {
  return run('all', x, parse(x, 'all', dim, keepdim), 'bool');
}

/**
 * True when a and b have the same shape and equal elements (torch.equal; NaN != NaN).
 * @example torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2])) // true
 */
export function equal(a: Tensor, b: Tensor): boolean {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw argError('equal', 'two Tensors', a instanceof Tensor ? b : a);
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) return false;
  const eq = E.eq(a, b);
  const r = all(eq);
  const v = r.item() as boolean;
  eq.dispose();
  r.dispose();
  return v;
}

/**
 * |a - b| <= atol + rtol * |b| elementwise, for all elements (torch.allclose).
 * @example torch.allclose(torch.tensor([1, 2]), torch.tensor([1, 2.000001])) // true
 */
export function allclose(a: Tensor, b: Tensor, { rtol = 1e-5, atol = 1e-8, equalNan = false } = {}): boolean {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw argError('allclose', 'two Tensors', a instanceof Tensor ? b : a);
  const diff = E.abs(E.sub(a, b));
  const tol = E.add(E.mul(E.abs(b), rtol), atol);
  let ok = E.le(diff, tol);
  // equal infinities (diff NaN) and, with equalNan, NaN pairs count as close
  ok = E.logicalOr(ok, E.eq(a, b));
  if (equalNan) ok = E.logicalOr(ok, E.logicalAnd(E.ne(a, a), E.ne(b, b)));
  const v = all(ok).item() as boolean;
  return v;
}

function scan(op: 'cumsum' | 'cumprod', x: Tensor, dim: number): Tensor {
  if (!(x instanceof Tensor)) throw argError(op, 'a Tensor', x);
  if (dim === undefined) throw new KindlingError(`${op}() missing required argument 'dim'`);
  const d = normalizeDim(dim, x.dim(), op);
  const src = x.dtype === 'bool' ? cast(x, 'int64') : x;
  const out = allocOutput(x.shape, sumDtype(x.dtype), x.device);
  if (x.dim() === 0) K.copy(src, out);
  else K.scan(op, src, d, out);
  return out;
}

/** Running sum along dim. @example torch.arange(4).cumsum(0) // tensor([0., 1., 3., 6.]) */
export function cumsum(x: Tensor, dim: number): Tensor {
  const out = scan('cumsum', x, dim);
  if (!wouldRecord(x)) return out;
  const d = normalizeDim(dim, x.dim(), 'cumsum');
  // d/dx_i of sum_j y_j g_j = sum_{j >= i} g_j: a reversed running sum
  return record('CumsumBackward0', [x], out, (g) => [x.dim() === 0 ? g : reverseCumsum(g, d)]);
}

function reverseCumsum(g: Tensor, d: number): Tensor {
  return E.add(E.sub(sum(g, d, true), cumsum(g, d)), g);
}

export function cumprod(x: Tensor, dim: number): Tensor {
  const out = scan('cumprod', x, dim);
  if (!wouldRecord(x)) return out;
  const d = normalizeDim(dim, x.dim(), 'cumprod');
  return record('CumprodBackward0', [x], out, (g, s) => [x.dim() === 0 ? g : cumprodGrad(g, s[0], s[1], d)], [x, out]);
}

/**
 * d/dx_i of sum_j g_j y_j with y_j = prod_{k<=j} x_k is sum_{j>=i} g_j prod_{k<=j, k!=i} x_k.
 * Without zeros that is revcumsum(g * y)_i / x_i; with zeros, each position's product is
 * recomputed with x_i replaced by 1 (exact, O(n) scans along dim).
 */
function cumprodGrad(g: Tensor, x: Tensor, y: Tensor, d: number): Tensor {
  if (!(any(E.eq(x, 0)).item() as boolean)) return E.div(reverseCumsum(E.mul(g, y), d), x);
  const n = x.shape[d];
  const parts: Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const xi = x.clone();
    xi.narrow(d, i, 1).fill_(1);
    const yi = cumprod(xi, d);
    parts.push(sum(E.mul(g, yi).narrow(d, i, n - i), d, true));
  }
  const { cat } = require('./movement') as typeof import('./movement');
  return cat(parts, d);
}
