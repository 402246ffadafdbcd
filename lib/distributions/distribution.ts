/**
 * The base of kindling's torch.distributions: batch and event shapes, sample shapes, argument
 * validation with PyTorch's constraints and messages, and the helpers the concrete distributions
 * share (broadcasting parameters, probabilities <-> logits).
 */
import { noGrad } from '../autograd/mode';
import { DType, isFloating } from '../dtype';
import { ArgumentError, KindlingError, ShapeError, describe } from '../errors';
import { keep } from '../memory';
import { tensor } from '../ops/creation';
import { clamp, eq, ge, gt, le, log, log1p, logicalAnd, logicalOr, lt, remainder } from '../ops/elementwise';
import { expand } from '../ops/movement';
import { all, amax, sum } from '../ops/reduce';
import { broadcastShapes, sameShape } from '../shape/shape';
import { Tensor } from '../tensor';

/** A sample shape: `5`, `[500]`, `[2, 3]` (torch.Size). */
export type SampleShape = number | readonly number[];

/** A distribution parameter: a tensor, or a JS number (becomes a 0-D tensor). */
export type Param = Tensor | number;

/** A property some values must have; `check` answers elementwise (over the event dims for vector constraints). */
export interface Constraint {
  /** PyTorch's repr of the constraint, used in error messages. */
  readonly name: string;
  check(value: Tensor): Tensor;
}

let validateByDefault = true;

/**
 * Turns argument validation on or off for distributions created afterwards without an explicit
 * `validateArgs` (torch.distributions.Distribution.set_default_validate_args). On by default.
 * @example torch.distributions.setDefaultValidateArgs(false);
 */
export function setDefaultValidateArgs(value: boolean): void {
  if (typeof value !== 'boolean') throw new ArgumentError(`setDefaultValidateArgs: expected a boolean but received ${describe(value)}`);
  validateByDefault = value;
}

/** The constraints kindling's distributions use, named as PyTorch prints them. */
export const constraints = {
  real: { name: 'Real()', check: (v: Tensor) => eq(v, v) } as Constraint,
  realVector: { name: 'IndependentConstraint(Real(), 1)', check: (v: Tensor) => all(eq(v, v), -1) } as Constraint,
  positive: { name: 'GreaterThan(lower_bound=0.0)', check: (v: Tensor) => gt(v, 0) } as Constraint,
  unitInterval: { name: 'Interval(lower_bound=0.0, upper_bound=1.0)', check: (v: Tensor) => logicalAnd(ge(v, 0), le(v, 1)) } as Constraint,
  boolean: { name: 'Boolean()', check: (v: Tensor) => logicalOr(eq(v, 0), eq(v, 1)) } as Constraint,
  simplex: {
    name: 'Simplex()',
    check: (v: Tensor) => logicalAnd(all(ge(v, 0), -1), lt(sum(v, -1).sub(1).abs(), 1e-6)),
  } as Constraint,
  integerInterval: (lo: number, hi: number): Constraint => ({
    name: `IntegerInterval(lower_bound=${lo}, upper_bound=${hi})`,
    check: (v) => logicalAnd(logicalAnd(eq(remainder(v, 1), 0), ge(v, lo)), le(v, hi)),
  }),
  interval: (lo: Tensor, hi: Tensor): Constraint => ({
    name: `Interval(lower_bound=${lo}, upper_bound=${hi})`,
    check: (v) => logicalAnd(ge(v, lo), le(v, hi)),
  }),
  multinomial: (n: number): Constraint => ({
    name: `Multinomial(upper_bound=${n})`,
    check: (v) => logicalAnd(all(ge(v, 0), -1), le(sum(v, -1), n)),
  }),
};

/** Options every distribution takes. */
export interface DistributionOptions {
  /** Check parameters at construction and values in logProb (default: on, see setDefaultValidateArgs). */
  validateArgs?: boolean;
}

/**
 * The common surface of kindling's distributions (torch.distributions.Distribution).
 * Concrete classes: Bernoulli, Categorical, Multinomial, Normal, Uniform.
 * @example
 * const d: Distribution = new Normal(torch.zeros(3), 1);
 * d.batchShape;            // [3]
 * d.sample([2]).shape;     // [2, 3]
 * d.logProb(torch.zeros(3)); d.mean; d.variance; d.stddev; d.entropy();
 */
export abstract class Distribution {
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly validateArgs: boolean;
  /** Whether `rsample` exists (a reparameterised, differentiable sample). */
  readonly hasRsample: boolean = false;

  protected constructor(batchShape: readonly number[], eventShape: readonly number[], validateArgs: boolean | undefined) {
    this.batchShape = [...batchShape];
    this.eventShape = [...eventShape];
    this.validateArgs = validateArgs === undefined ? validateByDefault : validateArgs;
  }

  /** The values a sample may take. */
  abstract get support(): Constraint;
  /** The distribution's mean, of shape batchShape + eventShape. */
  abstract get mean(): Tensor;
  /** The variance, of shape batchShape + eventShape. */
  abstract get variance(): Tensor;
  /** Log of the probability (density or mass) of value. */
  abstract logProb(value: Tensor): Tensor;
  /** Entropy, of shape batchShape. */
  abstract entropy(): Tensor;
  /** Parameters shown by toString and in error messages, in order. */
  protected abstract params(): [string, Tensor][];
  /** A sample of shape sampleShape + batchShape + eventShape, without gradient. */
  abstract sample(sampleShape?: SampleShape): Tensor;

  /** The standard deviation, sqrt(variance). */
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  /**
   * A reparameterised sample whose gradient flows to the parameters (only where hasRsample).
   * @example const d = new Normal(mu, 1); d.rsample([3]).sum().backward();
   */
  rsample(_sampleShape?: SampleShape): Tensor {
    throw new KindlingError(`${this.constructor.name} has no rsample (it is not reparameterisable); use sample()`);
  }

  /** sampleShape + batchShape + eventShape. */
  extendedShape(sampleShape: SampleShape = []): number[] {
    return [...parseSampleShape(sampleShape, this.constructor.name), ...this.batchShape, ...this.eventShape];
  }

  toString(): string {
    const parts = this.params().map(([n, t]) => `${n}: ${t.numel() === 1 ? String(t) : `[${t.shape.join(', ')}]`}`);
    return `${this.constructor.name}(${parts.join(', ')})`;
  }

  /** Throws PyTorch's ValueError text when `value` breaks `constraint`. */
  protected checkParam(name: string, value: Tensor, constraint: Constraint): void {
    if (!this.validateArgs) return;
    const ok = noGrad(() => all(constraint.check(value)).item());
    if (!ok) {
      throw new ArgumentError(
        `Expected parameter ${name} (Tensor of shape [${value.shape.join(', ')}]) of distribution ${this} to satisfy the constraint ${constraint.name}, but found invalid values:\n${value.detach()}`,
      );
    }
  }

  /** The checks PyTorch's `_validate_sample` makes on logProb's argument. */
  protected validateSample(value: Tensor): void {
    if (!(value instanceof Tensor)) throw new ArgumentError(`The value argument to logProb must be a Tensor but received ${describe(value)}`);
    if (!this.validateArgs) return;
    const ev = this.eventShape;
    const tail = value.shape.slice(value.shape.length - ev.length);
    if (value.dim() < ev.length || !sameShape(tail, ev)) {
      throw new ShapeError(`The right-most size of value must match event_shape: [${value.shape.join(', ')}] vs [${ev.join(', ')}].`);
    }
    const expected = [...this.batchShape, ...ev];
    for (let i = 1; i <= Math.min(value.dim(), expected.length); i++) {
      const a = value.shape[value.dim() - i];
      const b = expected[expected.length - i];
      if (a !== 1 && b !== 1 && a !== b) {
        throw new ShapeError(`Value is not broadcastable with batch_shape+event_shape: [${value.shape.join(', ')}] vs [${expected.join(', ')}].`);
      }
    }
    const support = this.support;
    const ok = noGrad(() => all(support.check(value)).item());
    if (!ok) {
      throw new ArgumentError(
        `Expected value argument (Tensor of shape [${value.shape.join(', ')}]) to be within the support (${support.name}) of the distribution ${this}, but found invalid values:\n${value.detach()}`,
      );
    }
  }
}

/** `5` -> [5], `[2, 3]` -> [2, 3], with PyTorch-like checks. @internal */
export function parseSampleShape(s: SampleShape, who: string): number[] {
  const arr = typeof s === 'number' ? [s] : s;
  if (!Array.isArray(arr) || arr.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
    throw new ShapeError(`${who}.sample: expected a sample shape of non-negative integers (a number or an array) but received ${describe(s)}`);
  }
  return [...arr];
}

/**
 * Tensors from parameters (numbers take the dtype and device of the first tensor, else float32),
 * broadcast to one shape (torch.distributions.utils.broadcast_all).
 * @internal
 */
export function broadcastAll(who: string, named: [string, unknown][]): { tensors: Tensor[]; allNumbers: boolean } {
  let like: Tensor | undefined;
  for (const [name, v] of named) {
    if (v instanceof Tensor) like ??= v;
    else if (typeof v !== 'number') throw new ArgumentError(`${who}: expected ${name} to be a Tensor or a number but received ${describe(v)}`);
  }
  const dtype: DType = like && isFloating(like.dtype) ? like.dtype : 'float32';
  const ts = named.map(([, v]) => (v instanceof Tensor ? (isFloating(v.dtype) ? v : v.to(dtype)) : tensor(v as number, { dtype, device: like?.device })));
  let shape: number[] = [];
  for (const t of ts) shape = broadcastShapes(shape, t.shape, who);
  // a distribution holds its parameters like any JS object holds data: they outlive a tidy() scope
  return { tensors: ts.map((t) => keep(sameShape(t.shape, shape) ? t : expand(t, [shape]))), allNumbers: like === undefined };
}

/** The smallest float step above 1 (torch.finfo(dtype).eps). @internal */
export const eps = (d: DType): number => (d === 'float64' ? 2 ** -52 : 2 ** -23);
/** The most negative finite float (torch.finfo(dtype).min). @internal */
export const finfoMin = (d: DType): number => (d === 'float64' ? -Number.MAX_VALUE : -3.4028234663852886e38);

/** Probabilities clamped into [eps, 1 - eps] and turned into logits (torch's probs_to_logits). @internal */
export function probsToLogits(probs: Tensor, binary: boolean): Tensor {
  const e = eps(probs.dtype);
  const p = clamp(probs, e, 1 - e);
  return binary ? log(p).sub(log1p(p.neg())) : log(p);
}

/** log Σ exp(x) over the last dim, kept (with a max shift for stability). @internal */
export function logsumexpLast(x: Tensor): Tensor {
  const m = noGrad(() => {
    const a = amax(x, -1, true);
    // a row of -inf (or +inf) would give inf - inf; shifting by 0 there keeps PyTorch's answers
    return a.where(a.abs().ne(Infinity), 0);
  });
  return log(sum(x.sub(m).exp(), -1, true)).add(m);
}
