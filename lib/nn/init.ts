/**
 * torch.nn.init: in-place initialisers, run without recording autograd, with PyTorch's fan and
 * gain conventions (fanIn = size(1) * receptive field, fanOut = size(0) * receptive field).
 */
import { noGrad } from '../autograd/mode';
import { isFloating } from '../dtype';
import { ArgumentError, DTypeError, ShapeError, argError } from '../errors';
import { Tensor } from '../tensor';

function floatTensor(t: unknown, fn: string): Tensor {
  if (!(t instanceof Tensor)) throw argError(fn, 'a Tensor', t);
  if (!isFloating(t.dtype)) throw new DTypeError(`${fn}: expected a floating point tensor but got ${t.dtype}`);
  return t;
}

export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu';

/**
 * The recommended gain for a nonlinearity: 1 (linear, sigmoid), 5/3 (tanh), sqrt(2) (relu),
 * sqrt(2 / (1 + slope^2)) (leaky_relu, slope 0.01 by default), 3/4 (selu).
 * @example nn.init.calculateGain('relu') // 1.4142135623730951
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': case 'leakyRelu': {
      const slope = param === undefined ? 0.01 : param;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new ArgumentError(`negative_slope ${slope} not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ArgumentError(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** [fanIn, fanOut] of a weight of at least 2 dims. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.dim() < 2) throw new ShapeError(`Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape [${t.shape.join(', ')}])`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/** Fills with U(a, b). @example nn.init.uniform_(w, -0.1, 0.1) */
export function uniform_<T extends Tensor>(t: T, a = 0, b = 1): T {
  floatTensor(t, 'uniform_');
  if (!(a <= b)) throw new ArgumentError(`uniform_ expects to return a [from, to) range, but found from=${a} > to=${b}`);
  return noGrad(() => t.uniform_(a, b));
}

/** Fills with N(mean, std^2). @example nn.init.normal_(w, 0, 0.01) */
export function normal_<T extends Tensor>(t: T, mean = 0, std = 1): T {
  floatTensor(t, 'normal_');
  if (!(std >= 0)) throw new ArgumentError(`normal_ expects std >= 0.0, but found std ${std}`);
  return noGrad(() => t.normal_(mean, std));
}

/** Fills with a constant. */
export function constant_<T extends Tensor>(t: T, value: number): T {
  floatTensor(t, 'constant_');
  return noGrad(() => t.fill_(value));
}
export const zeros_ = <T extends Tensor>(t: T): T => constant_(t, 0);
export const ones_ = <T extends Tensor>(t: T): T => constant_(t, 1);

/**
 * Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)).
 * @example nn.init.xavierUniform_(linear.weight)
 */
export function xavierUniform_<T extends Tensor>(t: T, { gain = 1 }: { gain?: number } = {}): T {
  const [fanIn, fanOut] = calculateFanInAndFanOut(floatTensor(t, 'xavierUniform_'));
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a);
}

/** Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_<T extends Tensor>(t: T, { gain = 1 }: { gain?: number } = {}): T {
  const [fanIn, fanOut] = calculateFanInAndFanOut(floatTensor(t, 'xavierNormal_'));
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, fn: string, { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu' }: KaimingOptions): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(floatTensor(t, fn));
  if (!['fanIn', 'fanOut', 'fan_in', 'fan_out'].includes(mode)) throw argError(fn, "mode 'fanIn' or 'fanOut'", mode);
  const fan = mode === 'fanIn' || mode === 'fan_in' ? fanIn : fanOut;
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/**
 * He uniform: U(-b, b) with b = gain * sqrt(3 / fan).
 * @example nn.init.kaimingUniform_(w, { nonlinearity: 'relu' })
 */
export function kaimingUniform_<T extends Tensor>(t: T, opts: KaimingOptions = {}): T {
  const bound = Math.sqrt(3) * kaimingStd(t, 'kaimingUniform_', opts);
  return uniform_(t, -bound, bound);
}

/** He normal: N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal_<T extends Tensor>(t: T, opts: KaimingOptions = {}): T {
  return normal_(t, 0, kaimingStd(t, 'kaimingNormal_', opts));
}
