/**
 * Views (reshape, view, transpose, permute, expand, squeeze, unsqueeze, flatten, narrow, select)
 * change metadata only and share storage; contiguous, clone, cat and stack copy. Each view's
 * gradient rule sits beside it; broadcasting of gradients is undone by the engine.
 */
import { record, renameNode, wouldRecord } from '../autograd/node';
import * as K from '../backend/kernels';
import { promoteTypes } from '../dtype';
import { ArgumentError, IndexError, KindlingError, ShapeError, argError } from '../errors';
import { contiguousStrides, normalizeDim, numel, parseShape, sameShape } from '../shape/shape';
import { Tensor, allocOutput, allocTensor, viewOf } from '../tensor';

const need = (x: unknown, fn: string): Tensor => {
  if (!(x instanceof Tensor)) throw argError(fn, 'a Tensor', x);
  return x;
};

export function size(x: Tensor, dim?: number): number[] | number {
  if (dim === undefined) return [...x.shape];
  return x.shape[normalizeDim(dim, x.dim(), 'size')] ?? 1;
}

export function isContiguous(x: Tensor): boolean {
  // as PyTorch: a tensor with no elements is contiguous whatever its strides
  if (x.shape.includes(0)) return true;
  let expected = 1;
  for (let d = x.shape.length - 1; d >= 0; d--) {
    if (x.shape[d] === 1) continue;
    if (x.strides[d] !== expected) return false;
    expected *= x.shape[d];
  }
  return true;
}

/** Resolves -1 and checks the element count of a requested shape. */
function inferShape(x: Tensor, args: readonly (number | number[])[], fn: string): number[] {
  const raw = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as unknown[];
  let infer = -1;
  const shape = raw.map((s, i) => {
    if (s === -1) {
      if (infer >= 0) throw new ShapeError(`${fn}: only one dimension can be inferred`);
      infer = i;
      return 1;
    }
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      throw new ShapeError(`${fn}: expected non-negative integer sizes (or -1) but received ${JSON.stringify(raw)}`);
    }
    return s;
  });
  const n = x.numel();
  const known = shape.reduce((a, b) => a * b, 1);
  if (infer >= 0) {
    if (known === 0 || n % known !== 0) throw new ShapeError(`shape '[${raw.join(', ')}]' is invalid for input of size ${n}`);
    shape[infer] = n / known;
  } else if (known !== n) {
    throw new ShapeError(`shape '[${raw.join(', ')}]' is invalid for input of size ${n}`);
  }
  return shape;
}

/** Strides that view x's memory as `shape` without copying, or null (PyTorch's computeStride). */
function viewStrides(x: Tensor, shape: number[]): number[] | null {
  // zero or one element: any strides address it
  if (x.numel() <= 1) return contiguousStrides(shape);
  const out = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBase = x.strides[x.dim() - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = x.dim() - 1; d >= 0; d--) {
    tensorNumel *= x.shape[d];
    if (d === 0 || (x.shape[d - 1] !== 1 && x.strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = x.strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}

function reshapeRule(x: Tensor) {
  const shape = [...x.shape];
  return (g: Tensor) => [reshape(g, [shape])];
}

export function view(x: Tensor, args: readonly (number | number[])[]): Tensor {
  need(x, 'view');
  const shape = inferShape(x, args, 'view');
  const st = viewStrides(x, shape);
  if (!st) {
    throw new ShapeError(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  return record('ViewBackward0', [x], viewOf(x, shape, st, x.offset), reshapeRule(x));
}

/** Like view, but copies when the memory layout does not allow a view. */
export function reshape(x: Tensor, args: readonly (number | number[])[]): Tensor {
  need(x, 'reshape');
  const shape = inferShape(x, args, 'reshape');
  const st = viewStrides(x, shape);
  if (st) return record('ViewBackward0', [x], viewOf(x, shape, st, x.offset), reshapeRule(x));
  return record('UnsafeViewBackward0', [x], view(contiguous(x.detach()), [shape]), reshapeRule(x));
}

export function permute(x: Tensor, args: readonly (number | number[])[], name = 'PermuteBackward0'): Tensor {
  need(x, 'permute');
  const dims = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as number[];
  if (dims.length !== x.dim()) {
    throw new ShapeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.dim()} is not equal to len(dims) = ${dims.length}`);
  }
  const nd = dims.map((d) => normalizeDim(d, x.dim(), 'permute'));
  if (new Set(nd).size !== nd.length) throw new ArgumentError('permute: repeated dim');
  const out = viewOf(x, nd.map((d) => x.shape[d]), nd.map((d) => x.strides[d]), x.offset);
  const inv = new Array<number>(nd.length);
  nd.forEach((d, i) => (inv[d] = i));
  return record(name, [x], out, (g) => [permute(g, [inv])]);
}

export function transpose(x: Tensor, d0: number, d1: number): Tensor {
  need(x, 'transpose');
  const a = normalizeDim(d0, x.dim(), 'transpose');
  const b = normalizeDim(d1, x.dim(), 'transpose');
  if (x.dim() === 0) return record('TransposeBackward0', [x], viewOf(x, [], [], x.offset), (g) => [g]);
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, [dims], 'TransposeBackward0');
}

/** 2-D transpose; 0-D and 1-D tensors are returned as they are (PyTorch's t()). */
export function t(x: Tensor): Tensor {
  need(x, 't');
  if (x.dim() > 2) throw new ShapeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.dim()}D`);
  if (x.dim() < 2) return record('TBackward0', [x], viewOf(x, x.shape, x.strides, x.offset), (g) => [g]);
  return permute(x, [[1, 0]], 'TBackward0');
}

/** x.T: all dims reversed. */
export function reverseDims(x: Tensor): Tensor {
  return permute(x, [x.shape.map((_, i) => x.dim() - 1 - i)]);
}

export function expand(x: Tensor, args: readonly (number | number[])[]): Tensor {
  need(x, 'expand');
  const shape = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as number[];
  if (shape.length < x.dim()) {
    throw new ShapeError(`expand: the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${x.dim()})`);
  }
  const off = shape.length - x.dim();
  const outShape: number[] = [];
  const st: number[] = [];
  shape.forEach((s, i) => {
    const d = i - off;
    const cur = d >= 0 ? x.shape[d] : 1;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < -1) throw new ShapeError(`expand: invalid size ${s}`);
    const target = s === -1 ? cur : s;
    if (d < 0 && s === -1) throw new ShapeError('expand: -1 is not allowed in a leading, non-existing dimension');
    if (cur !== target && cur !== 1) {
      throw new ShapeError(
        `The expanded size of the tensor (${target}) must match the existing size (${cur}) at non-singleton dimension ${i}.  Target sizes: [${shape.join(', ')}].  Tensor sizes: [${x.shape.join(', ')}]`,
      );
    }
    outShape.push(target);
    st.push(d >= 0 && cur === target ? x.strides[d] : 0);
  });
  return record('ExpandBackward0', [x], viewOf(x, outShape, st, x.offset), (g) => [g]);
}

export function squeeze(x: Tensor, dim?: number | number[]): Tensor {
  need(x, 'squeeze');
  const dims =
    dim === undefined
      ? x.shape.map((_, i) => i)
      : (Array.isArray(dim) ? dim : [dim]).map((d) => normalizeDim(d, x.dim(), 'squeeze'));
  const drop = new Set(dims.filter((d) => x.shape[d] === 1));
  const shape = x.shape.filter((_, i) => !drop.has(i));
  const st = x.strides.filter((_, i) => !drop.has(i));
  return record(dim === undefined ? 'SqueezeBackward0' : 'SqueezeBackward1', [x], viewOf(x, shape, st, x.offset), reshapeRule(x));
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  need(x, 'unsqueeze');
  const d = normalizeDim(dim, x.dim() + 1, 'unsqueeze');
  const shape = [...x.shape];
  const st = [...x.strides];
  shape.splice(d, 0, 1);
  st.splice(d, 0, d < x.dim() ? x.strides[d] * x.shape[d] : 1);
  return record('UnsqueezeBackward0', [x], viewOf(x, shape, st, x.offset), reshapeRule(x));
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  need(x, 'flatten');
  if (x.dim() === 0) return reshape(x, [[1]]);
  const s = normalizeDim(startDim, x.dim(), 'flatten');
  const e = normalizeDim(endDim, x.dim(), 'flatten');
  if (s > e) throw new ArgumentError('flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return x;
  const shape = [...x.shape.slice(0, s), x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1), ...x.shape.slice(e + 1)];
  return reshape(x, [shape]);
}

/**
 * The gradient of a view that selects part of its input: zeros of the input's shape with g written
 * into the same view. Recorded, so second derivatives flow back through the view.
 */
function embed(g: Tensor, inputShape: readonly number[], viewFn: (t: Tensor) => Tensor): Tensor {
  const out = allocTensor(inputShape, g.dtype, g.device);
  const v = viewFn(out.detach());
  K.copy(g, v);
  v.dispose();
  return record('EmbedBackward', [g], out, (gg) => [viewFn(gg)]);
}

/** The slice [start, start+length) of dim, sharing storage. */
export function narrow(x: Tensor, dim: number, start: number, length: number, name = 'SliceBackward0'): Tensor {
  need(x, 'narrow');
  const d = normalizeDim(dim, x.dim(), 'narrow');
  const n = x.shape[d];
  if (!Number.isInteger(start) || !Number.isInteger(length)) throw argError('narrow', 'integer start and length', [start, length]);
  const s = start < 0 ? start + n : start;
  if (s < 0 || s > n || length < 0 || s + length > n) {
    throw new IndexError(`start (${start}) + length (${length}) exceeds dimension size (${n}).`);
  }
  return slice(x, d, s, length, 1, name);
}

/** A strided slice along a normalised dim: `length` elements from start with step. @internal */
export function slice(x: Tensor, d: number, start: number, length: number, step: number, name = 'SliceBackward0'): Tensor {
  const shape = [...x.shape];
  const st = [...x.strides];
  shape[d] = length;
  st[d] = x.strides[d] * step;
  const out = viewOf(x, shape, st, x.offset + (length > 0 ? start * x.strides[d] : 0));
  if (!wouldRecord(x)) return out;
  const inShape = [...x.shape];
  return record(name, [x], out, (g) => [embed(g, inShape, (t) => slice(t, d, start, length, step))]);
}

/** Drops dim by taking one index (x[i] along dim), sharing storage. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  need(x, 'select');
  if (x.dim() === 0) throw new IndexError('select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, x.dim(), 'select');
  const n = x.shape[d];
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new IndexError(`index ${index} is out of bounds for dimension ${d} with size ${n}`);
  }
  const i = index < 0 ? index + n : index;
  const shape = x.shape.filter((_, k) => k !== d);
  const st = x.strides.filter((_, k) => k !== d);
  const out = viewOf(x, shape, st, x.offset + i * x.strides[d]);
  if (!wouldRecord(x)) return out;
  const inShape = [...x.shape];
  return record('SelectBackward0', [x], out, (g) => [embed(g, inShape, (t) => select(t, d, i))]);
}

export function split(x: Tensor, sizeOrSections: number | number[], dim = 0): Tensor[] {
  need(x, 'split');
  const d = normalizeDim(dim, x.dim(), 'split');
  const n = x.shape[d];
  let sizes: number[];
  if (Array.isArray(sizeOrSections)) {
    sizes = sizeOrSections;
    if (sizes.reduce((a, b) => a + b, 0) !== n) {
      throw new ShapeError(`split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=[${sizes.join(', ')}]`);
    }
  } else {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) throw argError('split', 'a positive integer split size', sizeOrSections);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
    if (n === 0) sizes.push(0);
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(narrow(x, d, start, s, Array.isArray(sizeOrSections) ? 'SplitWithSizesBackward0' : 'SplitBackward0'));
    start += s;
  }
  return out;
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw argError('chunk', 'a positive number of chunks', chunks);
  const d = normalizeDim(dim, x.dim(), 'chunk');
  const n = x.shape[d];
  return split(x, Math.max(1, Math.ceil(n / chunks)), d);
}

/** x itself if contiguous, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  need(x, 'contiguous');
  return isContiguous(x) ? x : clone(x);
}

export function clone(x: Tensor): Tensor {
  need(x, 'clone');
  const out = allocOutput(x.shape, x.dtype, x.device);
  K.copy(x, out);
  return record('CloneBackward0', [x], out, (g) => [g]);
}

/** A tensor sharing storage with x but outside the autograd graph. */
export function detach(x: Tensor): Tensor {
  need(x, 'detach');
  const v = viewOf(x, x.shape, x.strides, x.offset);
  return v;
}

/**
 * Concatenates along an existing dim.
 * @example torch.cat([X, Y], 0)
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw argError('cat', 'a non-empty array of Tensors', tensors);
  tensors.forEach((t) => need(t, 'cat'));
  K.checkDevices('cat', ...tensors);
  // PyTorch skips 1-D empty tensors in cat's shapes, but not in its type promotion
  let dt = tensors[0].dtype;
  for (const t of tensors) dt = promoteTypes(dt, t.dtype);
  const parts = tensors.filter((t) => !(t.dim() === 1 && t.shape[0] === 0));
  if (parts.length === 0) return allocOutput([0], dt, tensors[0].device);
  const ref = parts[0];
  const d = normalizeDim(dim, ref.dim(), 'cat');
  for (const t of parts) {
    if (t.dim() !== ref.dim()) throw new ShapeError(`Tensors must have same number of dimensions: got ${ref.dim()} and ${t.dim()}`);
    t.shape.forEach((s: number, i: number) => {
      if (i !== d && s !== ref.shape[i]) {
        throw new ShapeError(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[i]} but got size ${s} for tensor number ${parts.indexOf(t)} in the list.`);
      }
    });
  }
  const shape = [...ref.shape];
  shape[d] = parts.reduce((a, t) => a + t.shape[d], 0);
  const out = allocOutput(shape, dt, ref.device);
  let start = 0;
  const starts: number[] = [];
  for (const t of parts) {
    starts.push(start);
    const v = slice(out.detach(), d, start, t.shape[d], 1);
    K.copy(t, v);
    v.dispose();
    start += t.shape[d];
  }
  if (!wouldRecord(...parts)) return out;
  return record('CatBackward0', parts, out, (g) => parts.map((t, i) => narrow(g, d, starts[i], t.shape[d])));
}

/** Joins tensors of one shape along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw argError('stack', 'a non-empty array of Tensors', tensors);
  const ref = need(tensors[0], 'stack');
  for (const t of tensors) {
    if (!sameShape(need(t, 'stack').shape, ref.shape)) {
      throw new ShapeError(`stack expects each tensor to be equal size, but got [${ref.shape}] at entry 0 and [${t.shape}] at entry ${tensors.indexOf(t)}`);
    }
  }
  const d = normalizeDim(dim, ref.dim() + 1, 'stack');
  const out = cat(tensors.map((t) => unsqueeze(t, d)), d);
  return renameNode(out, 'StackBackward0');
}

export { numel, parseShape, KindlingError };
