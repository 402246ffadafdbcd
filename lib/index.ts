/**
 * kindling: PyTorch-style tensors and autograd for Node.js.
 * @example
 * import * as torch from 'kindling';
 * const x = torch.arange(12).reshape(3, 4);
 * console.log(x.sum()); // tensor(66.)
 */
import { binding } from './backend/native';
import * as autogradEngine from './autograd/engine';
import { gradcheck, gradgradcheck } from './autograd/gradcheck';

export { Tensor } from './tensor';
export type { TensorOrScalar, Scalar } from './tensor';
export * from './errors';
export { float32, float64, int32, int64, bool, float, double, long, int, promoteTypes, resultType } from './dtype';
export type { DType, TypedArray } from './dtype';
export { device, Device } from './device';
export type { DeviceLike } from './device';
export { tidy, keep } from './memory';
export { manualSeed, initialSeed, getRngState, setRngState, Generator } from './random';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/mode';
export { Node } from './autograd/node';
export { setPrintOptions } from './format';
export * from './ops/creation';
export {
  add, sub, mul, div, pow, neg, abs, sign, floor, ceil, round, trunc, square, exp, log, log2, log1p, expm1, sqrt, rsqrt,
  reciprocal, sin, cos, tan, tanh, sigmoid, relu, maximum, minimum, atan2, remainder, fmod, eq, ne, lt, le, gt, ge,
  logicalAnd, logicalOr, logicalXor, logicalNot, clamp, where, rsub,
} from './ops/elementwise';
export { clamp as clip } from './ops/elementwise';
export { sum, mean, prod, max, min, amax, amin, argmax, argmin, variance as var, std, norm, cumsum, cumprod, any, all, equal, allclose } from './ops/reduce';
export type { ReduceOptions } from './ops/reduce';
export { matmul, mm, bmm, mv, dot, outer } from './ops/linalg';
export { cat, stack, split, chunk, reshape, view, transpose, permute, expand, squeeze, unsqueeze, flatten, narrow, select, contiguous, clone, detach, t } from './ops/movement';
export { index, get, set, slice, gather, indexSelect, scatterAdd, nonzero } from './ops/indexing';
export type { IndexSpec, IndexItem, Slice } from './ops/indexing';
export { to, item, toArray } from './ops/convert';
export { gradcheck, gradgradcheck };
export * as nn from './nn';
export * as optim from './optim';
export * as data from './data';
export * as d2l from './d2l';
export * as jobs from './jobs';
export * as distributions from './distributions';
export { multinomial } from './distributions';
export * as tabular from './tabular';
export { plot, Timer, Accumulator, ProgressBoard } from './plot';
export type { PlotOptions, ProgressBoardOptions } from './plot';
export { train, TrainingJob } from './jobs';
export { save, load } from './io/checkpoint';
export type { Saveable } from './io/checkpoint';
export { saveSafetensors, loadSafetensors, serializeSafetensors, deserializeSafetensors, SafetensorsError } from './io/safetensors';
import * as dataModule from './data';

/** torch.utils: `torch.utils.data` holds Dataset, TensorDataset, DataLoader and randomSplit. */
export const utils = { data: dataModule };

/** torch.autograd: grad, backward, gradcheck. */
export const autograd = {
  grad: autogradEngine.grad,
  backward: (tensors: import('./tensor').Tensor | import('./tensor').Tensor[], grads?: import('./tensor').Tensor | (import('./tensor').Tensor | null)[], opts?: autogradEngine.BackwardOptions) =>
    autogradEngine.backward(Array.isArray(tensors) ? tensors : [tensors], grads === undefined ? (Array.isArray(tensors) ? tensors.map(() => null) : [null]) : Array.isArray(grads) ? grads : [grads], opts),
  gradcheck,
  gradgradcheck,
};

/** Sets the number of threads kindling's kernels and OpenBLAS use (torch.set_num_threads). */
export function setNumThreads(n: number): void {
  binding.setNumThreads(n);
}
export function getNumThreads(): number {
  return binding.info().threads;
}

/** Build facts: which BLAS, how many threads, whether CUDA was compiled in. */
export function buildInfo(): { blas: string; threads: number; cuda: boolean } {
  return binding.info();
}

/** torch.cuda on a build or machine without CUDA. */
export const cuda = {
  isAvailable: (): boolean => false,
  deviceCount: (): number => 0,
  unavailableReason: (): string => 'built without CUDA',
};
