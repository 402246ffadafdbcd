/**
 * The Tensor: a handle on native storage plus a layout (shape, strides in elements, offset),
 * a dtype and a device, and its autograd state. Methods are one-line sugar over lib/ops.
 */
import { Device } from './device';
import { DType, ITEMSIZE, TYPED_ARRAY, TypedArray } from './dtype';
import { AutogradError, DisposedError, KindlingError } from './errors';
import type { Node } from './autograd/node';
import { track } from './memory';
import { Storage } from './storage';
import * as E from './ops/elementwise';
import * as R from './ops/reduce';
import * as M from './ops/movement';
import * as I from './ops/indexing';
import * as L from './ops/linalg';
import * as C from './ops/convert';
import { backward } from './autograd/engine';
import { formatTensor } from './format';
import type { IndexSpec } from './ops/indexing';
import type { ReduceOptions } from './ops/reduce';

export type Scalar = number | boolean;
export type TensorOrScalar = Tensor | number | boolean;
type DimArg = number | number[] | ReduceOptions | undefined;

let nextId = 1;

export class Tensor {
  readonly id = nextId++;
  /** @internal */ _storage: Storage;
  readonly shape: readonly number[];
  /** Element strides. */
  readonly strides: readonly number[];
  /** Element offset into the storage. */
  readonly offset: number;
  readonly dtype: DType;
  readonly device: Device;
  /** @internal */ _requiresGrad = false;
  /** Accumulated gradient; null until a backward pass reaches this tensor. */
  grad: Tensor | null = null;
  /** @internal */ _gradFn: Node | null = null;
  /** @internal */ _accNode: Node | null = null;
  /** @internal */ _retainsGrad = false;
  /** @internal The tensor this one is a view of (for views only). */
  _base: Tensor | null = null;
  private _disposed = false;

  /** @internal Use the creation functions (torch.tensor, torch.zeros, ...) instead. */
  constructor(storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, dtype: DType, device: Device) {
    this._storage = storage;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze([...strides]);
    this.offset = offset;
    this.dtype = dtype;
    this.device = device;
    storage.retain();
    track(this);
  }

  // ---- state ---------------------------------------------------------------------------------
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(v: boolean) {
    this.requiresGrad_(v);
  }
  get gradFn(): Node | null {
    return this._gradFn;
  }
  /** A tensor is a leaf unless an op recorded it (PyTorch's is_leaf). */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }
  get disposed(): boolean {
    return this._disposed;
  }
  /** @internal */
  _setGradFn(n: Node | null): void {
    this._gradFn = n;
    this._requiresGrad = n !== null || this._requiresGrad;
  }
  /** The native buffer; throws if this tensor was disposed. @internal */
  get _buf(): ArrayBuffer {
    if (this._disposed || this._storage.freed) {
      throw new DisposedError(`Tensor of shape [${this.shape.join(', ')}] was used after dispose()`);
    }
    return this._storage.buffer;
  }

  requiresGrad_(v = true): this {
    if (!v && this._gradFn) {
      throw new AutogradError(
        "you can only change requiresGrad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use varNoGrad = v.detach().",
      );
    }
    if (v && this.dtype !== 'float32' && this.dtype !== 'float64') {
      throw new AutogradError(`only Tensors of floating point dtype can require gradients (got ${this.dtype})`);
    }
    this._requiresGrad = v;
    return this;
  }
  /** Keeps .grad for a non-leaf tensor after backward. */
  retainGrad(): void {
    if (!this._requiresGrad) throw new AutogradError("can't retainGrad on Tensor that has requiresGrad=false");
    if (this._gradFn) {
      this._retainsGrad = true;
      this._gradFn.retained = new WeakRef(this);
    }
  }
  get retainsGrad(): boolean {
    return this._retainsGrad;
  }

  /** Frees the native storage now (once no other view holds it). Later use throws DisposedError. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._storage.release();
    if (this.grad) this.grad.dispose();
  }

  // ---- shape ---------------------------------------------------------------------------------
  numel(): number {
    let n = 1;
    for (const s of this.shape) n *= s;
    return n;
  }
  dim(): number {
    return this.shape.length;
  }
  get ndim(): number {
    return this.shape.length;
  }
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    return M.size(this, dim);
  }
  get itemsize(): number {
    return ITEMSIZE[this.dtype];
  }
  isContiguous(): boolean {
    return M.isContiguous(this);
  }
  get T(): Tensor {
    return M.reverseDims(this);
  }
  get mT(): Tensor {
    return M.transpose(this, -2, -1);
  }
  t(): Tensor {
    return M.t(this);
  }
  reshape(...shape: (number | number[])[]): Tensor {
    return M.reshape(this, shape);
  }
  view(...shape: (number | number[])[]): Tensor {
    return M.view(this, shape);
  }
  viewAs(other: Tensor): Tensor {
    return M.view(this, [other.shape as number[]]);
  }
  reshapeAs(other: Tensor): Tensor {
    return M.reshape(this, [other.shape as number[]]);
  }
  transpose(d0: number, d1: number): Tensor {
    return M.transpose(this, d0, d1);
  }
  permute(...dims: (number | number[])[]): Tensor {
    return M.permute(this, dims);
  }
  expand(...shape: (number | number[])[]): Tensor {
    return M.expand(this, shape);
  }
  expandAs(other: Tensor): Tensor {
    return M.expand(this, [other.shape as number[]]);
  }
  squeeze(dim?: number | number[]): Tensor {
    return M.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return M.unsqueeze(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return M.flatten(this, startDim, endDim);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return M.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return M.select(this, dim, index);
  }
  split(sizeOrSections: number | number[], dim = 0): Tensor[] {
    return M.split(this, sizeOrSections, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return M.chunk(this, chunks, dim);
  }
  contiguous(): Tensor {
    return M.contiguous(this);
  }
  clone(): Tensor {
    return M.clone(this);
  }
  detach(): Tensor {
    return M.detach(this);
  }
  detach_(): this {
    if (this._base) throw new AutogradError('Can\'t detach views in-place. Use detach() instead.');
    this._gradFn = null;
    this._requiresGrad = false;
    return this;
  }

  // ---- indexing ------------------------------------------------------------------------------
  index(spec: IndexSpec): Tensor {
    return I.index(this, spec);
  }
  get(...idx: number[]): Tensor {
    return I.get(this, idx);
  }
  set(spec: IndexSpec, value: TensorOrScalar): this {
    I.set(this, spec, value);
    return this;
  }
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  maskedFill(mask: Tensor, value: TensorOrScalar): Tensor {
    return E.maskedFill(this, mask, value);
  }
  maskedFill_(mask: Tensor, value: TensorOrScalar): this {
    return E.inplaceOp(this, [value], (s) => E.maskedFill(s, mask, value));
  }
  nonzero(): Tensor {
    return I.nonzero(this);
  }

  // ---- elementwise ---------------------------------------------------------------------------
  add(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
    return E.add(this, other, opts);
  }
  sub(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
    return E.sub(this, other, opts);
  }
  mul(other: TensorOrScalar): Tensor {
    return E.mul(this, other);
  }
  div(other: TensorOrScalar, opts?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    return E.div(this, other, opts);
  }
  pow(other: TensorOrScalar): Tensor {
    return E.pow(this, other);
  }
  maximum(other: Tensor): Tensor {
    return E.maximum(this, other);
  }
  minimum(other: Tensor): Tensor {
    return E.minimum(this, other);
  }
  remainder(other: TensorOrScalar): Tensor {
    return E.remainder(this, other);
  }
  atan2(other: Tensor): Tensor {
    return E.atan2(this, other);
  }
  eq(other: TensorOrScalar): Tensor {
    return E.eq(this, other);
  }
  ne(other: TensorOrScalar): Tensor {
    return E.ne(this, other);
  }
  lt(other: TensorOrScalar): Tensor {
    return E.lt(this, other);
  }
  le(other: TensorOrScalar): Tensor {
    return E.le(this, other);
  }
  gt(other: TensorOrScalar): Tensor {
    return E.gt(this, other);
  }
  ge(other: TensorOrScalar): Tensor {
    return E.ge(this, other);
  }
  logicalAnd(other: TensorOrScalar): Tensor {
    return E.logicalAnd(this, other);
  }
  logicalOr(other: TensorOrScalar): Tensor {
    return E.logicalOr(this, other);
  }
  logicalXor(other: TensorOrScalar): Tensor {
    return E.logicalXor(this, other);
  }
  logicalNot(): Tensor {
    return E.logicalNot(this);
  }
  neg(): Tensor {
    return E.neg(this);
  }
  abs(): Tensor {
    return E.abs(this);
  }
  sign(): Tensor {
    return E.sign(this);
  }
  floor(): Tensor {
    return E.floor(this);
  }
  ceil(): Tensor {
    return E.ceil(this);
  }
  round(): Tensor {
    return E.round(this);
  }
  trunc(): Tensor {
    return E.trunc(this);
  }
  exp(): Tensor {
    return E.exp(this);
  }
  log(): Tensor {
    return E.log(this);
  }
  log2(): Tensor {
    return E.log2(this);
  }
  log1p(): Tensor {
    return E.log1p(this);
  }
  expm1(): Tensor {
    return E.expm1(this);
  }
  sqrt(): Tensor {
    return E.sqrt(this);
  }
  rsqrt(): Tensor {
    return E.rsqrt(this);
  }
  square(): Tensor {
    return E.square(this);
  }
  reciprocal(): Tensor {
    return E.reciprocal(this);
  }
  sin(): Tensor {
    return E.sin(this);
  }
  cos(): Tensor {
    return E.cos(this);
  }
  tan(): Tensor {
    return E.tan(this);
  }
  tanh(): Tensor {
    return E.tanh(this);
  }
  sigmoid(): Tensor {
    return E.sigmoid(this);
  }
  relu(): Tensor {
    return E.relu(this);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return E.clamp(this, min, max);
  }
  clip(min?: number | null, max?: number | null): Tensor {
    return E.clamp(this, min, max);
  }
  where(condition: Tensor, other: TensorOrScalar): Tensor {
    return E.where(condition, this, other);
  }

  // ---- in place ------------------------------------------------------------------------------
  add_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    return E.inplaceOp(this, [other], (s) => E.add(s, other, opts));
  }
  sub_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    return E.inplaceOp(this, [other], (s) => E.sub(s, other, opts));
  }
  mul_(other: TensorOrScalar): this {
    return E.inplaceOp(this, [other], (s) => E.mul(s, other));
  }
  div_(other: TensorOrScalar): this {
    return E.inplaceOp(this, [other], (s) => E.div(s, other));
  }
  pow_(other: TensorOrScalar): this {
    return E.inplaceOp(this, [other], (s) => E.pow(s, other));
  }
  clamp_(min?: number | null, max?: number | null): this {
    return E.inplaceOp(this, [], (s) => E.clamp(s, min, max));
  }
  neg_(): this {
    return E.inplaceOp(this, [], (s) => E.neg(s));
  }
  exp_(): this {
    return E.inplaceOp(this, [], (s) => E.exp(s));
  }
  relu_(): this {
    return E.inplaceOp(this, [], (s) => E.relu(s));
  }
  zero_(): this {
    return E.fill_(this, 0);
  }
  fill_(value: TensorOrScalar): this {
    return E.fill_(this, value);
  }
  copy_(src: Tensor): this {
    return E.copy_(this, src);
  }
  uniform_(low = 0, high = 1): this {
    return C.uniform_(this, low, high);
  }
  normal_(mean = 0, std = 1): this {
    return C.normal_(this, mean, std);
  }

  // ---- reductions ----------------------------------------------------------------------------
  sum(dim?: DimArg, keepdim?: boolean): Tensor {
    return R.sum(this, dim, keepdim);
  }
  mean(dim?: DimArg, keepdim?: boolean): Tensor {
    return R.mean(this, dim, keepdim);
  }
  prod(dim?: DimArg, keepdim?: boolean): Tensor {
    return R.prod(this, dim, keepdim);
  }
  max(): Tensor;
  max(dim: number | ReduceOptions, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(other: Tensor): Tensor;
  max(dim?: number | ReduceOptions | Tensor, keepdim?: boolean): Tensor | { values: Tensor; indices: Tensor } {
    if (dim instanceof Tensor) return E.maximum(this, dim);
    return R.max(this, dim, keepdim) as Tensor;
  }
  min(): Tensor;
  min(dim: number | ReduceOptions, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(other: Tensor): Tensor;
  min(dim?: number | ReduceOptions | Tensor, keepdim?: boolean): Tensor | { values: Tensor; indices: Tensor } {
    if (dim instanceof Tensor) return E.minimum(this, dim);
    return R.min(this, dim, keepdim) as Tensor;
  }
  amax(dim?: DimArg, keepdim?: boolean): Tensor {
    return R.amax(this, dim, keepdim);
  }
  amin(dim?: DimArg, keepdim?: boolean): Tensor {
    return R.amin(this, dim, keepdim);
  }
  argmax(dim?: number | ReduceOptions, keepdim?: boolean): Tensor {
    return R.argmax(this, dim, keepdim);
  }
  argmin(dim?: number | ReduceOptions, keepdim?: boolean): Tensor {
    return R.argmin(this, dim, keepdim);
  }
  var(dim?: DimArg, opts?: boolean | { correction?: number; unbiased?: boolean; keepdim?: boolean }): Tensor {
    return R.variance(this, dim, opts);
  }
  std(dim?: DimArg, opts?: boolean | { correction?: number; unbiased?: boolean; keepdim?: boolean }): Tensor {
    return R.std(this, dim, opts);
  }
  norm(p?: number | 'fro', dim?: number | number[], keepdim?: boolean): Tensor {
    return R.norm(this, p, dim, keepdim);
  }
  cumsum(dim: number): Tensor {
    return R.cumsum(this, dim);
  }
  cumprod(dim: number): Tensor {
    return R.cumprod(this, dim);
  }
  any(dim?: DimArg, keepdim?: boolean): Tensor {
    return R.any(this, dim, keepdim);
  }
  all(dim?: DimArg, keepdim?: boolean): Tensor {
    return R.all(this, dim, keepdim);
  }
  /** torch.equal and torch.allclose as methods. */
  equal(other: Tensor): boolean { return R.equal(this, other); } // prettier-ignore
  allclose(other: Tensor, opts?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean { return R.allclose(this, other, opts); } // prettier-ignore

  // ---- linear algebra ------------------------------------------------------------------------
  matmul(other: Tensor): Tensor {
    return L.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return L.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return L.bmm(this, other);
  }
  mv(other: Tensor): Tensor {
    return L.mv(this, other);
  }
  dot(other: Tensor): Tensor {
    return L.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return L.outer(this, other);
  }

  // ---- conversion ----------------------------------------------------------------------------
  to(target: DType | Device | string | { dtype?: DType; device?: Device | string }): Tensor {
    return C.to(this, target);
  }
  type(dtype: DType): Tensor {
    return C.to(this, dtype);
  }
  float(): Tensor {
    return C.to(this, 'float32');
  }
  double(): Tensor {
    return C.to(this, 'float64');
  }
  int(): Tensor {
    return C.to(this, 'int32');
  }
  long(): Tensor {
    return C.to(this, 'int64');
  }
  bool(): Tensor {
    return C.to(this, 'bool');
  }
  cpu(): Tensor {
    return C.to(this, 'cpu');
  }
  cuda(): Tensor {
    return C.to(this, 'cuda');
  }
  /** Nested JS arrays of numbers (int64 as numbers) or booleans. */
  toArray(): unknown {
    return C.toArray(this);
  }
  tolist(): unknown {
    return C.toArray(this);
  }
  /** The value of a one-element tensor. */
  item(): number | boolean {
    return C.item(this);
  }
  /** A typed array sharing memory with this contiguous CPU tensor. */
  typedArray(): TypedArray {
    return C.typedArray(this);
  }
  /** @internal Values in logical (row-major) order, copied. */
  _values(): TypedArray {
    return C.values(this);
  }
  [Symbol.toPrimitive](hint: string): number | string {
    if (hint === 'string') return this.toString();
    const v = C.item(this);
    return typeof v === 'boolean' ? Number(v) : v;
  }

  // ---- autograd ------------------------------------------------------------------------------
  /** Computes gradients of this tensor with respect to the graph's leaves. */
  backward(gradient?: Tensor, opts: { retainGraph?: boolean; createGraph?: boolean; inputs?: Tensor[] } = {}): void {
    backward([this], gradient ? [gradient] : [null], opts);
  }

  // ---- printing ------------------------------------------------------------------------------
  toString(): string {
    if (this._disposed) return 'tensor(<disposed>)';
    return formatTensor(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** @internal Allocates a zero-filled contiguous tensor. */
export function allocTensor(shape: readonly number[], dtype: DType, device: Device, zero = true): Tensor {
  let n = 1;
  for (const s of shape) n *= s;
  if (!Number.isSafeInteger(n * ITEMSIZE[dtype])) throw new KindlingError(`cannot allocate a tensor of shape [${shape}]`);
  const storage = new Storage(n * ITEMSIZE[dtype], undefined, zero);
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= Math.max(shape[d], 1);
  }
  return new Tensor(storage, shape, strides, 0, dtype, device);
}

/** @internal Allocates a contiguous tensor whose every element a kernel is about to write. */
export function allocOutput(shape: readonly number[], dtype: DType, device: Device): Tensor {
  return allocTensor(shape, dtype, device, false);
}

/** @internal A view sharing t's storage. */
export function viewOf(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  t._buf; // throws if disposed
  const v = new Tensor(t._storage, shape, strides, offset, t.dtype, t.device);
  v._base = t._base ?? t;
  return v;
}

export { TYPED_ARRAY };
