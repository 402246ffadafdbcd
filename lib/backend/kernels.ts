/**
 * The one place where ops meet the native kernels: tensors become plans and buffers here, and
 * device checks happen here, not in each op.
 */
import { DTYPE_IDS, DType } from '../dtype';
import { DeviceError, IndexError } from '../errors';
import { Layout, SCALAR, plan, rawPlan } from '../shape/plan';
import { broadcastStrides } from '../shape/shape';
import type { Tensor } from '../tensor';
import { BINARY, REDUCE, UNARY, binding } from './native';

export type Operand = Tensor | number;

function layout(t: Operand, shape: readonly number[]): Layout {
  if (typeof t === 'number') return SCALAR;
  return { strides: broadcastStrides(t.shape, t.strides, shape), offset: t.offset };
}
const buf = (t: Operand): ArrayBuffer | number => (typeof t === 'number' ? t : t._buf);

export function checkDevices(op: string, ...ts: (Operand | null | undefined)[]): void {
  let first: Tensor | undefined;
  for (const t of ts) {
    if (!t || typeof t === 'number') continue;
    if (!first) first = t;
    else if (String(t.device) !== String(first.device)) {
      throw new DeviceError(
        `${op}: expected all tensors to be on the same device, but found at least two devices, ${first.device} and ${t.device}!`,
      );
    }
  }
}

/** out = op(x), x broadcast to out's shape; x and out share dtype. */
export function unary(op: string, x: Tensor, out: Tensor): void {
  binding.unary(UNARY[op], DTYPE_IDS[x.dtype], plan(out.shape, [out, layout(x, out.shape)]), x._buf, out._buf);
}

export function clamp(x: Tensor, out: Tensor, lo: number | null, hi: number | null): void {
  binding.clamp(DTYPE_IDS[x.dtype], plan(out.shape, [out, layout(x, out.shape)]), x._buf, out._buf, lo, hi);
}

/** out = op(a, b) computed in dtype `dt` (operands already of that dtype or JS numbers). */
export function binary(op: string, dt: DType, a: Operand, b: Operand, out: Tensor): void {
  const p = plan(out.shape, [out, layout(a, out.shape), layout(b, out.shape)]);
  binding.binary(BINARY[op], DTYPE_IDS[dt], p, buf(a), buf(b), out._buf);
}

/** out = cast(src), src broadcast to out's shape; a JS number fills. */
export function copy(src: Operand, out: Tensor): void {
  const dtIn = typeof src === 'number' ? out.dtype : src.dtype;
  binding.copy(DTYPE_IDS[dtIn], DTYPE_IDS[out.dtype], plan(out.shape, [out, layout(src, out.shape)]), buf(src), out._buf);
}

export function where(cond: Tensor, a: Operand, b: Operand, out: Tensor): void {
  const p = plan(out.shape, [out, layout(cond, out.shape), layout(a, out.shape), layout(b, out.shape)]);
  binding.where(DTYPE_IDS[out.dtype], p, cond._buf, buf(a), buf(b), out._buf);
}

/**
 * Reduces x over `dims` (sorted, unique) into out (whose shape keeps the reduced dims as 1, or
 * drops them). Kept dims go first in the plan, reduced dims last, as the kernel expects.
 */
export function reduce(op: string, x: Tensor, dims: readonly number[], out: Tensor, scale = 1): void {
  const nd = x.shape.length;
  const red = new Set(dims);
  const kept: number[] = [];
  for (let d = 0; d < nd; d++) if (!red.has(d)) kept.push(d);
  // out strides indexed by x's dims (reduced dims get 0)
  const outStrides = new Array<number>(nd).fill(0);
  if (out.shape.length === nd) for (const d of kept) outStrides[d] = out.strides[d];
  else kept.forEach((d, i) => (outStrides[d] = out.strides[i]));
  // drop size-1 dims and merge adjacent dims within each group
  const group = (ds: number[]) => {
    const shape: number[] = [];
    const so: number[] = [];
    const si: number[] = [];
    for (const d of ds) {
      const n = x.shape[d];
      if (n === 1) continue;
      const k = shape.length - 1;
      if (k >= 0 && si[k] === x.strides[d] * n && so[k] === outStrides[d] * n) {
        shape[k] *= n;
        si[k] = x.strides[d];
        so[k] = outStrides[d];
      } else {
        shape.push(n);
        si.push(x.strides[d]);
        so.push(outStrides[d]);
      }
    }
    return { shape, so, si };
  };
  const k = group(kept);
  const r = group([...red].sort((a, b) => a - b));
  // when the reduced group is empty but x has elements, reduce over a trivial dim of size 1
  const shape = [...k.shape, ...r.shape];
  const p = rawPlan(shape, [
    { strides: [...k.so, ...r.so], offset: out.offset },
    { strides: [...k.si, ...r.si], offset: x.offset },
  ]);
  binding.reduce(REDUCE[op], DTYPE_IDS[x.dtype], p, k.shape.length, x._buf, out._buf, scale);
}

export function scan(op: 'cumsum' | 'cumprod', x: Tensor, dim: number, out: Tensor): void {
  const shape = x.shape.filter((_, d) => d !== dim);
  const p = rawPlan(shape, [
    { strides: out.strides.filter((_, d) => d !== dim), offset: out.offset },
    { strides: x.strides.filter((_, d) => d !== dim), offset: x.offset },
  ]);
  binding.scan(op === 'cumsum' ? 0 : 1, DTYPE_IDS[x.dtype], p, x.shape[dim], out.strides[dim], x.strides[dim], x._buf, out._buf);
}

/**
 * Batched product out[..., m, n] = a[..., m, k] @ b[..., k, n]; a, b, out already broadcast to the
 * batch shape (a view with stride 0 on broadcast batch dims).
 */
export function matmul(a: Tensor, b: Tensor, out: Tensor): void {
  const nb = out.shape.length - 2;
  const batch = out.shape.slice(0, nb);
  const bs = (t: Tensor) => broadcastStrides(t.shape.slice(0, t.shape.length - 2), t.strides.slice(0, t.strides.length - 2), batch);
  const p = rawPlan(batch, [
    { strides: out.strides.slice(0, nb), offset: out.offset },
    { strides: bs(a), offset: a.offset },
    { strides: bs(b), offset: b.offset },
  ]);
  const r = (t: Tensor, i: number) => t.strides[t.strides.length - 2 + i];
  const dims = new Float64Array([
    out.shape[nb], out.shape[nb + 1], a.shape[a.shape.length - 1],
    r(a, 0), r(a, 1), r(b, 0), r(b, 1), r(out, 0), r(out, 1),
  ]);
  binding.matmul(DTYPE_IDS[out.dtype], p, dims, a._buf, b._buf, out._buf);
}

export interface IndexOperand {
  /** int64 index tensor, broadcast to the iteration shape */
  index: Tensor;
  /** stride (in elements of the indexed tensor) that one index step moves */
  stride: number;
  /** size of the indexed dim (bounds) */
  size: number;
}

function indexArgs(shape: readonly number[], idx: readonly IndexOperand[]) {
  const meta = new Float64Array(idx.length * 2);
  idx.forEach((o, k) => {
    meta[2 * k] = o.stride;
    meta[2 * k + 1] = o.size;
  });
  return { layouts: idx.map((o) => layout(o.index, shape)), bufs: idx.map((o) => o.index._buf), meta };
}

function badIndex(bad: number | null, idx: readonly IndexOperand[]): void {
  if (bad !== null) {
    throw new IndexError(`index ${bad} is out of bounds for dimension with size ${idx[0]?.size ?? 0}`);
  }
}

/** out[i] = src[base(i) + sum_k idx_k[i] * stride_k]; `base` is src's layout over out's shape. */
export function gather(src: Layout & { _buf: ArrayBuffer; dtype: DType }, idx: readonly IndexOperand[], out: Tensor): void {
  const a = indexArgs(out.shape, idx);
  const p = rawPlan(out.shape, [out, src, ...a.layouts]);
  badIndex(binding.gather(DTYPE_IDS[out.dtype], p, a.bufs, a.meta, src._buf, out._buf), idx);
}

/** out[base(i) + sum_k idx_k[i] * stride_k] (+)= src[i] over src's shape. */
export function scatter(src: Tensor, idx: readonly IndexOperand[], out: Layout & { _buf: ArrayBuffer; dtype: DType }, accumulate: boolean, shape = src.shape): void {
  const a = indexArgs(shape, idx);
  const p = rawPlan(shape, [layout(src, shape), out, ...a.layouts]);
  badIndex(binding.scatter(DTYPE_IDS[src.dtype], p, a.bufs, a.meta, src._buf, out._buf, accumulate), idx);
}

/** Coordinates of nonzero elements: a flat Float64-free int64 buffer via a callback allocator. */
export function nonzero(x: Tensor, alloc: (count: number) => Tensor): Tensor {
  const p = rawPlan(x.shape, [x]);
  const count = binding.nonzero(DTYPE_IDS[x.dtype], p, x._buf);
  const out = alloc(count);
  binding.nonzero(DTYPE_IDS[x.dtype], rawPlan(x.shape, [x]), x._buf, out._buf);
  return out;
}

export function random(kind: number, out: Tensor, seed: bigint, offset: number, a: number, b: number): void {
  binding.random(kind, DTYPE_IDS[out.dtype], out._buf, out.numel(), Number(seed >> 32n) >>> 0, Number(seed & 0xffffffffn) >>> 0, offset, a, b);
}
