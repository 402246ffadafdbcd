/**
 * torch.nn.functional: activations, softmax family, dropout, one-hot and the losses. Softmax,
 * log-softmax and BCE-with-logits are single autograd nodes with their analytic gradients; the
 * losses built on them are compositions of recorded ops.
 */
import { record, wouldRecord } from '../autograd/node';
import { noGrad } from '../autograd/mode';
import { isFloating } from '../dtype';
import { ArgumentError, DTypeError, IndexError, ShapeError, argError } from '../errors';
import { arange, bernoulli, full } from '../ops/creation';
import * as E from '../ops/elementwise';
import { matmul } from '../ops/linalg';
import { normalizeDim } from '../shape/shape';
import { Tensor } from '../tensor';

export type Reduction = 'mean' | 'sum' | 'none';

function need(x: unknown, fn: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw argError(fn, `a Tensor as ${what}`, x);
  return x;
}

function needFloat(x: unknown, fn: string, what = 'input'): Tensor {
  const t = need(x, fn, what);
  if (!isFloating(t.dtype)) throw new DTypeError(`${fn}: expected a floating point ${what} but got ${t.dtype}`);
  return t;
}

function checkReduction(r: unknown, fn: string): Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw argError(fn, "reduction 'mean', 'sum' or 'none'", r);
  return r;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? loss.sum() : loss.mean();
}

// ---- activations -----------------------------------------------------------------------------------

/** max(x, 0). @example F.relu(torch.tensor([-1, 2])) // tensor([0., 2.]) */
export const relu = (x: Tensor): Tensor => need(x, 'relu').relu();
/** 1 / (1 + exp(-x)). */
export const sigmoid = (x: Tensor): Tensor => need(x, 'sigmoid').sigmoid();
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => need(x, 'tanh').tanh();

/**
 * x @ weight^T + bias, the affine map of nn.Linear.
 * @example F.linear(torch.ones(2, 3), torch.ones(4, 3)) // shape [2, 4], all 3
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  need(x, 'linear');
  need(weight, 'linear', 'weight');
  if (weight.dim() !== 2 && weight.dim() !== 1) throw new ShapeError(`linear: expected a 1-D or 2-D weight but got shape [${weight.shape.join(', ')}]`);
  const wt = weight.dim() === 2 ? weight.t() : weight;
  const y = matmul(x, wt);
  return bias ? y.add(need(bias, 'linear', 'bias')) : y;
}

/** z = x - max(x), e = exp(z) and s = sum(e) along d: the shared start of softmax and log-softmax. */
function shiftedExp(x: Tensor, d: number): { z: Tensor; e: Tensor; s: Tensor } {
  const m = x.amax(d, true);
  const z = x.sub(m);
  m.dispose();
  const e = z.exp();
  return { z, e, s: e.sum(d, true) };
}

/**
 * softmax along dim: exp(x) / sum(exp(x)), computed as exp(x - max) so large logits do not
 * overflow. One autograd node: dx = y * (g - sum(g * y)).
 * @example F.softmax(torch.tensor([[1, 2, 3]]), 1)
 */
export function softmax(x: Tensor, dim: number): Tensor {
  needFloat(x, 'softmax');
  const d = normalizeDim(dim, Math.max(x.dim(), 1), 'softmax');
  const y = noGrad(() => {
    const { z, e, s } = shiftedExp(x, d);
    z.dispose();
    const out = e.div_(s);
    s.dispose();
    return out;
  });
  if (!wouldRecord(x)) return y;
  return record('SoftmaxBackward0', [x], y, (g, [out]) => [out.mul(g.sub(g.mul(out).sum(d, true)))], [y]);
}

/**
 * log(softmax(x)) along dim, as x - max - log(sum(exp(x - max))): finite for any finite logits.
 * One autograd node: dx = g - exp(y) * sum(g).
 * @example F.logSoftmax(torch.tensor([[1000, 0]]), 1) // tensor([[0., -1000.]])
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  needFloat(x, 'logSoftmax');
  const d = normalizeDim(dim, Math.max(x.dim(), 1), 'logSoftmax');
  const y = noGrad(() => {
    const { z, e, s } = shiftedExp(x, d);
    e.dispose();
    const lse = s.log();
    s.dispose();
    const out = z.sub_(lse);
    lse.dispose();
    return out;
  });
  if (!wouldRecord(x)) return y;
  return record('LogSoftmaxBackward0', [x], y, (g, [out]) => [g.sub(out.exp().mul(g.sum(d, true)))], [y]);
}

/**
 * Zeroes each element with probability p during training and scales the rest by 1/(1-p).
 * @example F.dropout(x, { p: 0.5, training: true })
 */
export function dropout(x: Tensor, { p = 0.5, training = true }: { p?: number; training?: boolean } = {}): Tensor {
  needFloat(x, 'dropout');
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ArgumentError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const mask = noGrad(() => {
    const keepP = full([...x.shape], 1 - p, { dtype: x.dtype, device: x.device });
    const m = bernoulli(keepP);
    keepP.dispose();
    return m.mul_(1 / (1 - p));
  });
  return x.mul(mask);
}

/**
 * One-hot encoding of int64 class indices: shape [...x.shape, numClasses], int64. With
 * numClasses -1 (the default) it is max(x) + 1.
 * @example F.oneHot(torch.tensor([0, 2], { dtype: 'int64' }), 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  need(x, 'oneHot');
  if (x.dtype !== 'int64' && x.dtype !== 'int32') throw new DTypeError(`one_hot is only applicable to index tensor (int64), got ${x.dtype}`);
  if (!Number.isInteger(numClasses) || numClasses < -1) throw argError('oneHot', 'an integer numClasses >= -1', numClasses);
  let n = numClasses;
  if (x.numel() > 0) {
    const lo = Number(x.amin().item());
    const hi = Number(x.amax().item());
    if (lo < 0) throw new IndexError('Class values must be non-negative.');
    if (n === -1) n = hi + 1;
    else if (hi >= n) throw new IndexError(`Class values must be smaller than num_classes (got ${hi} for num_classes ${n}).`);
  } else if (n === -1) throw new ArgumentError('Can not infer total number of classes from empty tensor.');
  const classes = arange(n, { dtype: 'int64', device: x.device });
  return noGrad(() => x.unsqueeze(-1).eq(classes).to('int64'));
}

// ---- losses -----------------------------------------------------------------------------------------

export interface LossOptions {
  reduction?: Reduction;
}

function checkSameShape(fn: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join()) {
    throw new ShapeError(`${fn}: target size [${target.shape.join(', ')}] must be the same as input size [${input.shape.join(', ')}]`);
  }
}

/**
 * Mean squared error (input - target)^2, reduced. Shapes must match (PyTorch broadcasts with a
 * warning; kindling asks for matching shapes, the usual source of silent bugs).
 * @example F.mseLoss(yHat, y)
 */
export function mseLoss(input: Tensor, target: Tensor, { reduction = 'mean' }: LossOptions = {}): Tensor {
  needFloat(input, 'mseLoss');
  need(target, 'mseLoss', 'target');
  checkSameShape('mseLoss', input, target);
  return reduce(input.sub(target).square(), checkReduction(reduction, 'mseLoss'));
}

/** Mean absolute error |input - target|, reduced. @example F.l1Loss(yHat, y, { reduction: 'sum' }) */
export function l1Loss(input: Tensor, target: Tensor, { reduction = 'mean' }: LossOptions = {}): Tensor {
  needFloat(input, 'l1Loss');
  need(target, 'l1Loss', 'target');
  checkSameShape('l1Loss', input, target);
  return reduce(input.sub(target).abs(), checkReduction(reduction, 'l1Loss'));
}

export interface NLLOptions extends LossOptions {
  /** Per-class weights, shape [C]. */
  weight?: Tensor | null;
  /** Target value that contributes nothing (PyTorch's default -100). */
  ignoreIndex?: number;
}

/** Moves the class dim (1, or 0 for unbatched input) last and flattens: [M, C]. */
function classesLast(input: Tensor): { flat: Tensor; classDim: number; C: number } {
  if (input.dim() === 0) throw new ShapeError('expected an input of at least 1 dimension (classes) but got a 0-d tensor');
  const classDim = input.dim() === 1 ? 0 : 1;
  const C = input.shape[classDim];
  if (input.dim() <= 2) return { flat: input.dim() === 1 ? input.unsqueeze(0) : input, classDim, C };
  const perm = [0, ...Array.from({ length: input.dim() - 2 }, (_, i) => i + 2), 1];
  return { flat: input.permute(perm).reshape(-1, C), classDim, C };
}

function checkTarget(fn: string, input: Tensor, target: Tensor, classDim: number, C: number, ignoreIndex: number): Tensor {
  if (target.dtype !== 'int64' && target.dtype !== 'int32') {
    throw new DTypeError(`${fn}: expected class indices of dtype int64 (or class probabilities of floating dtype for crossEntropy) but got ${target.dtype}`);
  }
  const expected = input.shape.filter((_, i) => i !== classDim);
  if (target.shape.join() !== expected.join()) {
    throw new ShapeError(`${fn}: expected target of shape [${expected.join(', ')}] for input of shape [${input.shape.join(', ')}] but got [${target.shape.join(', ')}]`);
  }
  const t = target.to('int64').reshape(-1);
  if (t.numel() > 0) {
    const bad = noGrad(() => t.ne(ignoreIndex).logicalAnd(t.lt(0).logicalOr(t.ge(C))));
    if (bad.any().item()) {
      const v = Number(t.index([bad]).index([0]).item());
      throw new IndexError(`${fn}: Target ${v} is out of bounds (expected a class in [0, ${C - 1}]${ignoreIndex < 0 || ignoreIndex >= C ? ` or ignoreIndex ${ignoreIndex}` : ''}).`);
    }
  }
  return t;
}

function checkWeight(fn: string, weight: Tensor | null | undefined, C: number, input: Tensor): Tensor | null {
  if (weight === undefined || weight === null) return null;
  need(weight, fn, 'weight');
  if (weight.dim() !== 1 || weight.shape[0] !== C) throw new ShapeError(`${fn}: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`);
  return weight.to(input.dtype);
}

/**
 * Negative log-likelihood of class indices under log-probabilities: -w[t] * logp[t], with
 * PyTorch's reductions (mean divides by the summed weights of non-ignored targets).
 * @example F.nllLoss(F.logSoftmax(logits, 1), labels)
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NLLOptions = {}): Tensor {
  return nll('nllLoss', needFloat(input, 'nllLoss'), need(target, 'nllLoss', 'target'), opts);
}

function nll(fn: string, input: Tensor, target: Tensor, { reduction = 'mean', weight, ignoreIndex = -100 }: NLLOptions): Tensor {
  const red = checkReduction(reduction, fn);
  if (!Number.isInteger(ignoreIndex)) throw argError(fn, 'an integer ignoreIndex', ignoreIndex);
  const { flat, classDim, C } = classesLast(input);
  const t = checkTarget(fn, input, target, classDim, C, ignoreIndex);
  const w = checkWeight(fn, weight, C, input);
  const keepMask = t.ne(ignoreIndex);
  const safe = E.where(keepMask, t, 0);
  const picked = flat.gather(1, safe.unsqueeze(1)).squeeze(1);
  let wi = keepMask.to(input.dtype);
  if (w) wi = wi.mul(w.indexSelect(0, safe));
  const loss = picked.mul(wi).neg();
  if (red === 'none') return loss.reshape(target.shape as number[]);
  if (red === 'sum') return loss.sum();
  return meanOver(loss.sum(), wi.sum());
}

/**
 * total / weight for the 'mean' reductions. When every target is ignored the weight is 0: the
 * value is NaN, as in PyTorch, but the gradient is zero rather than 0 * inf = NaN.
 */
function meanOver(total: Tensor, weight: Tensor): Tensor {
  if (Number(weight.item()) === 0) return total.mul(0).add(NaN);
  return total.div(weight);
}

export interface CrossEntropyOptions extends NLLOptions {
  /** Mixes the target with the uniform distribution: (1 - s) * target + s / C. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy between logits and class indices (int64) or class probabilities (float, same
 * shape as input), from a numerically stable log-softmax, with PyTorch's weight, ignoreIndex,
 * labelSmoothing and reductions.
 * @example F.crossEntropy(logits, torch.tensor([0, 2], { dtype: 'int64' }))
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  needFloat(input, 'crossEntropy');
  need(target, 'crossEntropy', 'target');
  const { reduction = 'mean', weight, ignoreIndex = -100, labelSmoothing = 0 } = opts;
  const red = checkReduction(reduction, 'crossEntropy');
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new ArgumentError(`label_smoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}`);
  }
  if (input.dim() === 0) throw new ShapeError('crossEntropy: expected an input of at least 1 dimension (classes) but got a 0-d tensor');
  const classDim = input.dim() === 1 ? 0 : 1;
  const C = input.shape[classDim];
  const logp = logSoftmax(input, classDim);
  const w = checkWeight('crossEntropy', weight, C, input);
  const wShape = input.shape.map((s, i) => (i === classDim ? C : 1));
  if (isFloating(target.dtype)) {
    checkSameShape('crossEntropy', input, target);
    if (ignoreIndex !== -100) throw new ArgumentError('crossEntropy: ignoreIndex is not supported for floating point (probability) targets');
    const tgt = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / C) : target;
    let prod = logp.mul(tgt);
    if (w) prod = prod.mul(w.reshape(wShape));
    if (red === 'none') return prod.sum(classDim).neg();
    if (red === 'sum') return prod.sum().neg();
    return prod.sum().neg().div(input.numel() / C);
  }
  const nllLossValue = nll('crossEntropy', logp, target, { reduction: red, weight: w, ignoreIndex });
  if (labelSmoothing === 0) return nllLossValue;
  const ignored = target.to('int64').eq(ignoreIndex);
  let smooth = (w ? logp.mul(w.reshape(wShape)) : logp).sum(classDim).neg();
  smooth = smooth.maskedFill(ignored, 0);
  let ret: Tensor;
  if (red === 'none') ret = smooth;
  else if (red === 'sum') ret = smooth.sum();
  else if (w) {
    const kept = target.to('int64').reshape(-1).index([ignored.reshape(-1).logicalNot()]);
    ret = meanOver(smooth.sum(), w.indexSelect(0, kept).sum());
  } else ret = meanOver(smooth.sum(), ignored.logicalNot().sum().to(input.dtype));
  return nllLossValue.mul(1 - labelSmoothing).add(ret.mul(labelSmoothing / C));
}

export interface BCEWithLogitsOptions extends LossOptions {
  /** Per-element rescaling, broadcast to the input. */
  weight?: Tensor | null;
  /** Weight of positive examples per class, broadcast to the input. */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy on logits, stable for any |x|:
 * (1 - y) x + (1 + (pw - 1) y) (log(1 + exp(-|x|)) + max(-x, 0)), times weight.
 * One autograd node for the elementwise part: d/dx = (1 - y) - lw * sigmoid(-x).
 * @example F.binaryCrossEntropyWithLogits(logits, labels.float())
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BCEWithLogitsOptions = {}): Tensor {
  needFloat(input, 'binaryCrossEntropyWithLogits');
  needFloat(target, 'binaryCrossEntropyWithLogits', 'target');
  checkSameShape('binaryCrossEntropyWithLogits', input, target);
  const { reduction = 'mean', weight, posWeight } = opts;
  const red = checkReduction(reduction, 'binaryCrossEntropyWithLogits');
  const pw = posWeight ? need(posWeight, 'binaryCrossEntropyWithLogits', 'posWeight') : null;
  const loss = noGrad(() => {
    const sp = input.abs().neg().exp().log1p().add(input.neg().relu());
    const lw = pw ? pw.sub(1).mul(target).add(1) : null;
    return E.rsub(target, 1).mul(input).add(lw ? lw.mul(sp) : sp);
  });
  let out = loss;
  if (wouldRecord(input, target, pw)) {
    out = record(
      'BinaryCrossEntropyWithLogitsBackward0',
      [input, target, pw],
      loss,
      (g, [x, y]) => {
        const sigNeg = x.neg().sigmoid();
        const lw = pw ? pw.sub(1).mul(y).add(1) : null;
        const gx = E.rsub(y, 1).sub(lw ? lw.mul(sigNeg) : sigNeg).mul(g);
        const needY = target.requiresGrad;
        const sp = needY || pw?.requiresGrad ? x.abs().neg().exp().log1p().add(x.neg().relu()) : null;
        const gy = needY ? x.neg().add(pw ? pw.sub(1).mul(sp!) : 0).mul(g) : null;
        const gpw = pw && pw.requiresGrad ? y.mul(sp!).mul(g) : null;
        return [gx, gy, gpw];
      },
      [input, target],
    );
  }
  if (weight) out = out.mul(need(weight, 'binaryCrossEntropyWithLogits', 'weight'));
  return reduce(out, red);
}
