/** Matrix products: matmul (batched, broadcast batch dims), mm, bmm, mv, dot, outer. */
import { record, renameNode, wouldRecord } from '../autograd/node';
import * as K from '../backend/kernels';
import { DTypeError, ShapeError, argError } from '../errors';
import { broadcastShapes } from '../shape/shape';
import { Tensor, allocOutput } from '../tensor';
import * as E from './elementwise';
import { expand, reshape, squeeze, unsqueeze } from './movement';

function check(op: string, a: Tensor, b: Tensor): void {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw argError(op, 'two Tensors', a instanceof Tensor ? b : a);
  K.checkDevices(op, a, b);
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: expected both operands to have the same dtype, but got ${a.dtype} and ${b.dtype}`);
  if (a.dtype === 'bool') throw new DTypeError(`${op}: not implemented for bool tensors`);
}

/** Batched product of a [..., m, k] and b [..., k, n] without autograd. */
function product(op: string, a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.dim() - 2];
  const k = a.shape[a.dim() - 1];
  const k2 = b.shape[b.dim() - 2];
  const n = b.shape[b.dim() - 1];
  if (k !== k2) {
    throw new ShapeError(`${op}: mat1 and mat2 shapes cannot be multiplied (${a.shape.slice(-2).join('x')} and ${b.shape.slice(-2).join('x')})`);
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), op);
  const out = allocOutput([...batch, m, n], a.dtype, a.device);
  K.matmul(expand(a.detach(), [[...batch, m, k]]), expand(b.detach(), [[...batch, k, n]]), out);
  return out;
}

/** a @ b for a [..., m, k], b [..., k, n]; the engine sums gradients over broadcast batch dims. */
function batched(name: string, a: Tensor, b: Tensor): Tensor {
  const out = product(name, a, b);
  if (!wouldRecord(a, b)) return out;
  return record(name, [a, b], out, (g, s) => [matmul(g, s[1].mT), matmul(s[0].mT, g)], [a, b]);
}

/**
 * PyTorch's matmul: dot for 1-D x 1-D, mv / vector-matrix products, mm for 2-D, and batched
 * products with broadcast batch dims otherwise.
 * @example torch.matmul(A, B)
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  check('matmul', a, b);
  if (a.dim() === 0 || b.dim() === 0) throw new ShapeError(`both arguments to matmul need to be at least 1D, but they are ${a.dim()}D and ${b.dim()}D`);
  if (a.dim() === 1 && b.dim() === 1) return dot(a, b);
  if (a.dim() === 2 && b.dim() === 1) return mv(a, b);
  if (a.dim() === 2 && b.dim() === 2) return mm(a, b);
  // PyTorch folds these into a squeeze (vector x matrix) or an unsafe view (batched)
  if (a.dim() === 1) return renameNode(squeeze(matmul(unsqueeze(a, 0), b), -2), b.dim() === 2 ? 'SqueezeBackward3' : 'UnsafeViewBackward0');
  if (b.dim() === 1) return renameNode(squeeze(matmul(a, unsqueeze(b, -1)), -1), 'UnsafeViewBackward0');
  return batched('UnsafeViewBackward0', a, b);
}

export function mm(a: Tensor, b: Tensor): Tensor {
  check('mm', a, b);
  if (a.dim() !== 2) throw new ShapeError(`self must be a matrix (got a ${a.dim()}-D tensor)`);
  if (b.dim() !== 2) throw new ShapeError(`mat2 must be a matrix (got a ${b.dim()}-D tensor)`);
  return batched('MmBackward0', a, b);
}

export function bmm(a: Tensor, b: Tensor): Tensor {
  check('bmm', a, b);
  if (a.dim() !== 3 || b.dim() !== 3) throw new ShapeError(`bmm: expected 3-D tensors, got ${a.dim()}-D and ${b.dim()}-D`);
  if (a.shape[0] !== b.shape[0]) throw new ShapeError(`bmm: batch sizes differ (${a.shape[0]} and ${b.shape[0]})`);
  return batched('BmmBackward0', a, b);
}

/** Matrix-vector product. @example A.mv(x) */
export function mv(a: Tensor, x: Tensor): Tensor {
  check('mv', a, x);
  if (a.dim() !== 2 || x.dim() !== 1) throw new ShapeError(`vector + matrix @ vector expected, got ${a.dim()}, ${x.dim()}`);
  if (a.shape[1] !== x.shape[0]) throw new ShapeError(`size mismatch, got input (${a.shape[0]}), mat (${a.shape[0]}x${a.shape[1]}), vec (${x.shape[0]})`);
  const out = reshape(product('mv', a, unsqueeze(x.detach(), 1)), [[a.shape[0]]]).detach();
  if (!wouldRecord(a, x)) return out;
  return record('MvBackward0', [a, x], out, (g, s) => [outer(g, s[1]), mv(s[0].t(), g)], [a, x]);
}

/** Inner product of two 1-D tensors. @example x.dot(y) */
export function dot(a: Tensor, b: Tensor): Tensor {
  check('dot', a, b);
  if (a.dim() !== 1 || b.dim() !== 1) throw new ShapeError(`1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
  }
  const out = reshape(product('dot', unsqueeze(a.detach(), 0), unsqueeze(b.detach(), 1)), [[]]).detach();
  if (!wouldRecord(a, b)) return out;
  return record('DotBackward0', [a, b], out, (g, s) => [E.mul(s[1], g), E.mul(s[0], g)], [a, b]);
}

/** Outer product of two 1-D tensors. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor) || a.dim() !== 1 || b.dim() !== 1) {
    throw argError('outer', 'two 1-D Tensors', a instanceof Tensor && a.dim() !== 1 ? a.shape : b);
  }
  return E.mul(unsqueeze(a, 1), b);
}
