/** dtype and device conversion, and reading values back into JS. */
import { record, wouldRecord } from '../autograd/node';
import * as K from '../backend/kernels';
import { Device, resolveDevice } from '../device';
import { DType, ITEMSIZE, TYPED_ARRAY, TypedArray, isDType, isFloating, toDType } from '../dtype';
import { KindlingError, argError } from '../errors';
import { RANDOM, fillRandom } from '../random';
import { Tensor, allocOutput, allocTensor } from '../tensor';
import { contiguous } from './movement';

/** x in dtype dt: x itself when it already is, else a converted copy (differentiable between floats). */
export function cast(x: Tensor, dt: DType): Tensor {
  if (x.dtype === dt) return x;
  const out = allocOutput(x.shape, dt, x.device);
  K.copy(x, out);
  if (isFloating(dt) && wouldRecord(x)) {
    const from = x.dtype;
    return record('ToCopyBackward0', [x], out, (g) => [cast(g, from)]);
  }
  return out;
}

/**
 * Converts dtype and/or device: `t.to('float64')`, `t.to('cpu')`, `t.to({ dtype, device })`.
 * Returns t itself when nothing changes, as PyTorch.
 */
export function to(x: Tensor, target: DType | Device | string | { dtype?: DType; device?: Device | string }): Tensor {
  let dtype: DType | undefined;
  let dev: Device | string | undefined;
  if (typeof target === 'string' && isDType(target)) dtype = target;
  else if (typeof target === 'string' && ['float', 'double', 'long', 'int'].includes(target)) dtype = toDType(target);
  else if (typeof target === 'string' || target instanceof Device) dev = target;
  else if (target && typeof target === 'object') {
    dtype = target.dtype === undefined ? undefined : toDType(target.dtype, 'to');
    dev = target.device;
  } else throw argError('to', 'a dtype, a device or { dtype, device }', target);
  if (dev !== undefined) resolveDevice(dev);
  return dtype ? cast(x, dtype) : x;
}

/** Values in row-major logical order, as a fresh typed array. */
export function values(x: Tensor): TypedArray {
  const c = contiguous(x);
  const n = c.numel();
  const Ctor = TYPED_ARRAY[c.dtype];
  const view = new Ctor(c._buf, c.offset * ITEMSIZE[c.dtype], n);
  const copy = view.slice() as TypedArray;
  if (c !== x) c.dispose();
  return copy;
}

function convertValue(dtype: DType, v: number | bigint): number | boolean {
  if (dtype === 'bool') return v !== 0;
  return typeof v === 'bigint' ? Number(v) : v;
}

/** Nested JS arrays (int64 read as numbers; bool as booleans). */
export function toArray(x: Tensor): unknown {
  const vals = values(x);
  if (x.dim() === 0) return convertValue(x.dtype, vals[0]);
  let i = 0;
  const build = (d: number): unknown[] => {
    const n = x.shape[d];
    const out = new Array(n);
    for (let k = 0; k < n; k++) out[k] = d === x.dim() - 1 ? convertValue(x.dtype, vals[i++]) : build(d + 1);
    return out;
  };
  return build(0);
}

export function item(x: Tensor): number | boolean {
  const n = x.numel();
  if (n !== 1) throw new KindlingError(`a Tensor with ${n} elements cannot be converted to Scalar`);
  return convertValue(x.dtype, values(x)[0]);
}

/** A typed array that shares memory with a contiguous CPU tensor (the book's NumPy round trip). */
export function typedArray(x: Tensor): TypedArray {
  if (x.device.type !== 'cpu') throw new KindlingError(`typedArray: the tensor is on ${x.device}; call .cpu() first`);
  if (!x.isContiguous()) throw new KindlingError('typedArray: the tensor is not contiguous; call .contiguous() first (which copies)');
  x._storage.exposed = true;
  return new TYPED_ARRAY[x.dtype](x._buf, x.offset * ITEMSIZE[x.dtype], x.numel());
}

function randomFill_<T extends Tensor>(x: T, kind: number, a: number, b: number): T {
  if (!isFloating(x.dtype)) throw new KindlingError(`${kind === RANDOM.normal ? 'normal_' : 'uniform_'}: expected a floating point tensor, got ${x.dtype}`);
  if (x.isContiguous()) fillRandom(x, kind, a, b);
  else {
    const tmp = allocTensor(x.shape, x.dtype, x.device);
    fillRandom(tmp, kind, a, b);
    K.copy(tmp, x);
    tmp.dispose();
  }
  x._storage.version++;
  return x;
}

export const uniform_ = <T extends Tensor>(x: T, low: number, high: number): T => randomFill_(x, RANDOM.uniform, low, high);
export const normal_ = <T extends Tensor>(x: T, mean: number, std: number): T => randomFill_(x, RANDOM.normal, mean, std);

export { resolveDevice };
