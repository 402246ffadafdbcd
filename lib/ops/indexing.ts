/**
 * Indexing: NumPy-style specs (`'1:3'`, `'::2, 1'`, `'..., None'`, or arrays of numbers, null,
 * slice(), int64 index tensors and bool masks), `get`, in-place `set`, and gather / indexSelect /
 * scatterAdd / nonzero. Basic indexing returns views; tensor indices gather through the kernel.
 */
import { record, wouldRecord } from '../autograd/node';
import * as K from '../backend/kernels';
import { AutogradError, DTypeError, IndexError, ShapeError, argError, describe } from '../errors';
import { broadcastShapes, broadcastStrides, normalizeDim, sameShape } from '../shape/shape';
import { Tensor, TensorOrScalar, allocTensor, viewOf } from '../tensor';
import { cast } from './convert';
import { clone, expand, select, slice as sliceView, unsqueeze } from './movement';

/** A slice item: `slice(1, 3)`, `slice(null, null, 2)`. */
export interface Slice {
  readonly kind: 'slice';
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
}
export type IndexItem = number | null | Slice | Tensor | '...' | boolean;
export type IndexSpec = string | number | Tensor | Slice | readonly IndexItem[];

/** Builds a slice item for index specs. @example X.index([slice(1, 3), 0]) */
export function slice(start: number | null = null, stop: number | null = null, step: number | null = null): Slice {
  return { kind: 'slice', start, stop, step };
}

const isSlice = (v: unknown): v is Slice => typeof v === 'object' && v !== null && (v as Slice).kind === 'slice';

function parseInt_(s: string, spec: string): number {
  if (!/^[-+]?\d+$/.test(s)) throw new IndexError(`invalid index '${s}' in '${spec}'`);
  return Number(s);
}

/** Parses `'1:3, ::2, ..., None, -1'` into items. */
export function parseSpec(spec: string): IndexItem[] {
  const src = spec.trim();
  if (src === '') return [];
  return src.split(',').map((raw) => {
    const s = raw.trim();
    if (s === '...' || s === 'Ellipsis') return '...';
    if (s === 'None' || s === 'null') return null;
    if (s.includes(':')) {
      const parts = s.split(':').map((p) => p.trim());
      if (parts.length > 3) throw new IndexError(`invalid slice '${s}' in '${spec}'`);
      const [a, b, c] = parts.map((p) => (p === '' ? null : parseInt_(p, spec)));
      return slice(a, b ?? null, c ?? null);
    }
    return parseInt_(s, spec);
  });
}

function items(spec: IndexSpec): IndexItem[] {
  if (typeof spec === 'string') return parseSpec(spec);
  if (Array.isArray(spec)) return [...spec];
  return [spec as IndexItem];
}

interface Advanced {
  dim: number; // dim of the basic-indexed view
  index: Tensor; // int64
}

/** Applies basic items as views; collects tensor items for advanced indexing. */
function basic(x: Tensor, spec: IndexSpec): { view: Tensor; adv: Advanced[] } {
  const its = items(spec);
  const consumed = its.filter((i) => i !== null && i !== '...' && typeof i !== 'boolean').reduce<number>((n, i) => n + (i instanceof Tensor && i.dtype === 'bool' ? Math.max(i.dim(), 1) : 1), 0);
  if (its.filter((i) => i === '...').length > 1) throw new IndexError('an index can only have a single ellipsis (...)');
  if (consumed > x.dim()) throw new IndexError(`too many indices for tensor of dimension ${x.dim()}`);
  let v = x;
  let d = 0;
  let src = 0; // dim of x that the item indexes, for messages
  const adv: Advanced[] = [];
  for (const it of its) {
    if (it !== null && it !== '...') src++;
    if (it === '...') {
      d += x.dim() - consumed;
      src += x.dim() - consumed;
    } else if (it === null) {
      v = unsqueeze(v, d);
      d++;
    } else if (typeof it === 'boolean') {
      throw new IndexError('boolean scalars as indices are not supported; use a bool mask tensor');
    } else if (typeof it === 'number') {
      if (!Number.isInteger(it)) throw new IndexError(`only integers, slices, None, ... and index tensors are valid indices (got ${it})`);
      const n = v.shape[d];
      if (it < -n || it >= n) throw new IndexError(`index ${it} is out of bounds for dimension ${src - 1} with size ${n}`);
      v = select(v, d, it);
    } else if (isSlice(it)) {
      const n = v.shape[d];
      const step = it.step ?? 1;
      if (!Number.isInteger(step) || step <= 0) throw new IndexError(`step must be greater than zero (got ${it.step})`);
      const clampIdx = (i: number | null, dflt: number) => (i === null ? dflt : Math.min(Math.max(i < 0 ? i + n : i, 0), n));
      const start = clampIdx(it.start, 0);
      const stop = Math.max(clampIdx(it.stop, n), start);
      const len = Math.ceil((stop - start) / step);
      v = sliceView(v, d, start, len, step);
      d++;
    } else if (it instanceof Tensor) {
      if (it.dtype === 'bool') {
        const k = Math.max(it.dim(), 1);
        for (let j = 0; j < it.dim(); j++) {
          if (it.shape[j] !== v.shape[d + j]) {
            throw new IndexError(`The shape of the mask [${it.shape}] at index ${j} does not match the shape of the indexed tensor [${v.shape}] at index ${d + j}`);
          }
        }
        const nz = nonzero(it);
        for (let j = 0; j < it.dim(); j++) adv.push({ dim: d + j, index: select(nz, 1, j) });
        d += k;
      } else if (it.dtype === 'int64' || it.dtype === 'int32') {
        adv.push({ dim: d, index: cast(it, 'int64') });
        d++;
      } else {
        throw new IndexError(`tensors used as indices must be long, int or bool tensors (got ${it.dtype})`);
      }
    } else {
      throw new IndexError(`invalid index item ${describe(it)}`);
    }
  }
  return { view: v, adv };
}

/** Iteration layout for advanced indexing: result shape, base layout and index operands. */
function advancedPlan(v: Tensor, adv: Advanced[]) {
  const bshape = adv.reduce<number[]>((s, a) => broadcastShapes(s, a.index.shape, 'index'), []);
  const dims = adv.map((a) => a.dim);
  const consecutive = dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);
  const rest = v.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const before = consecutive ? rest.filter((i) => i < dims[0]) : [];
  const after = consecutive ? rest.filter((i) => i > dims[0]) : rest;
  const shape = [...before.map((i) => v.shape[i]), ...bshape, ...after.map((i) => v.shape[i])];
  const strides = [...before.map((i) => v.strides[i]), ...bshape.map(() => 0), ...after.map((i) => v.strides[i])];
  const idx: K.IndexOperand[] = adv.map((a) => {
    const st = broadcastStrides(a.index.shape, a.index.strides, bshape);
    const full = [...before.map(() => 0), ...st, ...after.map(() => 0)];
    return { index: viewOf(a.index, shape, full, a.index.offset), stride: v.strides[a.dim], size: v.shape[a.dim] };
  });
  return { shape, base: { strides, offset: v.offset }, idx };
}

/**
 * NumPy-style indexing: basic items give views; tensor items gather.
 * @example X.index('-1'); X.index('1:3'); X.index([slice(null, 2), mask])
 */
export function index(x: Tensor, spec: IndexSpec): Tensor {
  if (!(x instanceof Tensor)) throw argError('index', 'a Tensor', x);
  const { view, adv } = basic(x, spec);
  if (adv.length === 0) return view;
  const p = advancedPlan(view, adv);
  const out = allocTensor(p.shape, x.dtype, x.device);
  K.gather({ ...p.base, _buf: view._buf, dtype: view.dtype }, p.idx, out);
  if (!wouldRecord(view)) return out;
  return record('IndexBackward0', [view], out, (g) => [indexBackward(g, [...view.shape], adv)]);
}

/** Scatter-adds g into zeros of the view's shape; recorded so second derivatives gather back. */
function indexBackward(g: Tensor, vshape: number[], adv: Advanced[]): Tensor {
  const z = allocTensor(vshape, g.dtype, g.device);
  const gp = advancedPlan(z, adv);
  const gc = g.contiguous();
  K.scatter(gc, gp.idx, { ...gp.base, _buf: z._buf, dtype: z.dtype }, true, gp.shape);
  return record('IndexPutBackward0', [g], z, (gg) => {
    const ggc = gg.contiguous();
    const p = advancedPlan(ggc, adv);
    const o = allocTensor(p.shape, gg.dtype, gg.device);
    K.gather({ ...p.base, _buf: ggc._buf, dtype: gg.dtype }, p.idx, o);
    return [o];
  });
}

/** x[i, j, ...] for plain integers, as a 0-dim (or lower-dim) tensor. */
export function get(x: Tensor, idx: readonly number[]): Tensor {
  for (const i of idx) if (typeof i !== 'number' || !Number.isInteger(i)) throw argError('get', 'integer indices', i);
  return index(x, idx as number[]);
}

/**
 * Assigns value (a number or a broadcastable tensor) to x[spec] in place.
 * @example X.set('1, 2', 17); X.set(':2, :', 12)
 */
export function set(x: Tensor, spec: IndexSpec, value: TensorOrScalar): void {
  if (!(x instanceof Tensor)) throw argError('set', 'a Tensor', x);
  if (!(value instanceof Tensor) && typeof value !== 'number' && typeof value !== 'boolean') throw argError('set', 'a Tensor or a number', value);
  const rec = wouldRecord(x, value instanceof Tensor ? value : null);
  if (rec && x.isLeaf && x.requiresGrad) throw new AutogradError('a leaf Variable that requires grad is being used in an in-place operation.');
  const old = rec ? clone(x) : null;
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (v instanceof Tensor) K.checkDevices('set', x, v);
  const { view, adv } = basic(x.detach(), spec);
  if (adv.length === 0) {
    if (v instanceof Tensor && !sameShape(broadcastShapes(view.shape, v.shape, 'set'), view.shape)) {
      throw new ShapeError(`shape mismatch: value tensor of shape [${v.shape}] cannot be broadcast to indexing result of shape [${view.shape}]`);
    }
    K.copy(v, view);
  } else {
    const p = advancedPlan(view, adv);
    const src = allocTensor(p.shape, x.dtype, x.device);
    if (v instanceof Tensor && !sameShape(broadcastShapes(p.shape, v.shape, 'set'), p.shape)) {
      throw new ShapeError(`shape mismatch: value tensor of shape [${v.shape}] cannot be broadcast to indexing result of shape [${p.shape}]`);
    }
    K.copy(v, src);
    K.scatter(src, p.idx, { ...p.base, _buf: view._buf, dtype: view.dtype }, false, p.shape);
  }
  x._storage.version++;
  if (!rec) return;
  const node = record(
    adv.length === 0 ? 'CopySlices' : 'IndexPutBackward0',
    [old, v instanceof Tensor ? v : null],
    clone(x.detach()),
    (g) => {
      const gx = clone(g.detach());
      set(gx, spec, 0);
      return [gx, v instanceof Tensor ? index(g, spec) : null];
    },
  ).gradFn;
  x._setGradFn(node);
}

function checkIndex(fn: string, index: Tensor): Tensor {
  if (!(index instanceof Tensor)) throw argError(fn, 'an int64 index Tensor', index);
  if (index.dtype !== 'int64' && index.dtype !== 'int32') throw new DTypeError(`${fn}(): Expected dtype int64 for index (got ${index.dtype})`);
  return cast(index, 'int64');
}

/** out[i][j] = x[index[i][j]][j] along dim (torch.gather). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw argError('gather', 'a Tensor', x);
  const idx = checkIndex('gather', index);
  const d = normalizeDim(dim, x.dim(), 'gather');
  if (idx.dim() !== Math.max(x.dim(), 1) && !(x.dim() === 0 && idx.dim() <= 1)) {
    throw new IndexError('Index tensor must have the same number of dimensions as input tensor');
  }
  idx.shape.forEach((s, i) => {
    if (i !== d && s > (x.shape[i] ?? 1)) throw new IndexError(`Size does not match at dimension ${i} expected index [${idx.shape}] to be smaller than self [${x.shape}] apart from dimension ${d}`);
  });
  const out = allocTensor(idx.shape, x.dtype, x.device);
  const st = x.dim() === 0 ? [0] : x.strides.map((s, i) => (i === d ? 0 : s));
  K.gather({ strides: st, offset: x.offset, _buf: x._buf, dtype: x.dtype }, [{ index: idx, stride: x.strides[d] ?? 0, size: x.shape[d] ?? 1 }], out);
  if (!wouldRecord(x)) return out;
  const shape = [...x.shape];
  return record('GatherBackward0', [x], out, (g, s) => [scatterAdd(allocTensor(shape, g.dtype, g.device), d, s[0], g)], [idx]);
}

/**
 * Adds src into z at index along dim (torch.Tensor.scatter_add_, out of place on a fresh z), with
 * its own gradient (a gather) so second derivatives work.
 */
export function scatterAdd(z: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const idx = checkIndex('scatterAdd', index);
  const d = normalizeDim(dim, z.dim(), 'scatterAdd');
  const out = clone(z.detach());
  const st = out.strides.map((s, i) => (i === d ? 0 : s));
  if (!sameShape(src.shape, idx.shape)) throw new ShapeError(`scatterAdd: expected src of shape [${idx.shape}] (the index's shape) but got [${src.shape}]`);
  const srcv = src;
  K.scatter(srcv.contiguous(), [{ index: idx, stride: out.strides[d], size: out.shape[d] }], { strides: st, offset: out.offset, _buf: out._buf, dtype: out.dtype }, true, idx.shape);
  if (!wouldRecord(z, src)) return out;
  return record('ScatterAddBackward0', [z, src], out, (g, s) => [g, gather(g, d, s[0])], [idx]);
}

/** Picks entries of x along dim at the positions in a 1-D index (torch.index_select). */
export function indexSelect(x: Tensor, dim: number, indexT: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw argError('indexSelect', 'a Tensor', x);
  const idx = checkIndex('indexSelect', indexT);
  if (idx.dim() > 1) throw new IndexError('index_select(): Index is supposed to be a vector');
  const d = normalizeDim(dim, x.dim(), 'indexSelect');
  const items: IndexItem[] = x.shape.map(() => slice());
  items[d] = idx.dim() === 0 ? unsqueezeIdx(idx) : idx;
  const v = x.dim() === 0 ? index(x.reshape(1), [items[0]]).reshape([]) : index(x.detach(), items);
  if (!wouldRecord(x)) return v;
  const shape = [...x.shape];
  return record('IndexSelectBackward0', [x], v, (g) => {
    const z = allocTensor(shape, g.dtype, g.device);
    const ex = x.dim() === 0 ? g : g;
    const idxFull = expandIndex(idx.dim() === 0 ? unsqueezeIdx(idx) : idx, d, ex.shape as number[]);
    return [scatterAdd(z, d, idxFull, ex)];
  });
}

const unsqueezeIdx = (i: Tensor) => unsqueeze(i, 0);

/** A 1-D index along dim, viewed (stride 0) over `shape`. */
function expandIndex(idx: Tensor, d: number, shape: number[]): Tensor {
  const s = shape.map((_, i) => (i === d ? idx.shape[0] : 1));
  return expand(idx.reshape(s), [shape]);
}

/** Coordinates of the nonzero elements, int64 of shape [count, ndim]. */
export function nonzero(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw argError('nonzero', 'a Tensor', x);
  return K.nonzero(x, (count) => allocTensor([count, x.dim()], 'int64', x.device));
}

