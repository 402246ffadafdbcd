/** Categorical: one draw from K categories (torch.distributions.Categorical). */
import { noGrad } from '../autograd/mode';
import { ArgumentError, ShapeError, describe } from '../errors';
import { keep } from '../memory';
import { arange, full, zeros } from '../ops/creation';
import { clamp } from '../ops/elementwise';
import { gather } from '../ops/indexing';
import { expand } from '../ops/movement';
import { argmax, sum } from '../ops/reduce';
import { broadcastShapes, numel } from '../shape/shape';
import { Tensor } from '../tensor';
import { Constraint, Distribution, DistributionOptions, SampleShape, constraints, finfoMin, logsumexpLast, probsToLogits } from './distribution';
import { multinomial } from './sampling';

/** `{ probs }` or `{ logits }` (exactly one), plus the common options. */
export interface ProbsOrLogits extends DistributionOptions {
  probs?: Tensor;
  logits?: Tensor;
}

/** Reads the `(probs | { probs } | { logits })` argument shared by Categorical and Multinomial. @internal */
export function probsOrLogits(who: string, arg: Tensor | ProbsOrLogits | undefined): { probs?: Tensor; logits?: Tensor; validateArgs?: boolean } {
  if (arg instanceof Tensor) return { probs: arg };
  if (arg === null || typeof arg !== 'object') throw new ArgumentError(`${who}: expected a probs Tensor or { probs } or { logits } but received ${describe(arg)}`);
  const { probs, logits, validateArgs } = arg;
  if ((probs === undefined) === (logits === undefined)) throw new ArgumentError(`${who}: Either \`probs\` or \`logits\` must be specified, but not both.`);
  const t = probs ?? logits;
  if (!(t instanceof Tensor)) throw new ArgumentError(`${who}: expected ${probs !== undefined ? 'probs' : 'logits'} to be a Tensor but received ${describe(t)}`);
  return { probs, logits, validateArgs };
}

/**
 * A distribution over the categories 0 .. K-1 of the last dim of `probs` (non-negative weights,
 * normalised here) or of `logits` (unnormalised log-probabilities). Samples are int64.
 * @example
 * torch.manualSeed(0);
 * const d = new Categorical(torch.tensor([0.25, 0.25, 0.5]));
 * d.sample([4]);                      // e.g. tensor([2, 0, 2, 1])
 * d.logProb(torch.tensor([2]));       // tensor([-0.6931])
 * new Categorical({ logits: torch.zeros(3) }).entropy(); // tensor(1.0986) = log 3
 */
export class Categorical extends Distribution {
  /** Normalised probabilities, shape batchShape + [K]. */
  readonly probs: Tensor;
  /** Normalised log-probabilities, shape batchShape + [K]. */
  readonly logits: Tensor;
  /** K, the number of categories. */
  readonly numEvents: number;
  private readonly given: 'probs' | 'logits';

  constructor(probs: Tensor | ProbsOrLogits, opts: DistributionOptions = {}) {
    const a = probsOrLogits('Categorical', probs);
    const param = (a.probs ?? a.logits) as Tensor;
    const name = a.probs ? 'probs' : 'logits';
    if (param.dim() < 1) throw new ShapeError(`Categorical: \`${name}\` parameter must be at least one-dimensional (received a 0-D tensor).`);
    super(param.shape.slice(0, -1), [], a.validateArgs ?? opts.validateArgs);
    this.given = name;
    this.numEvents = param.shape[param.dim() - 1];
    if (a.probs) {
      const p = a.probs.dtype === 'float32' || a.probs.dtype === 'float64' ? a.probs : a.probs.to('float32');
      this.probs = keep(p.div(sum(p, -1, true)));
      this.logits = keep(probsToLogits(this.probs, false));
      this.checkParam('probs', this.probs, constraints.simplex);
    } else {
      const l = a.logits!.dtype === 'float32' || a.logits!.dtype === 'float64' ? a.logits! : a.logits!.to('float32');
      this.logits = keep(l.sub(logsumexpLast(l)));
      this.probs = keep(this.logits.exp());
      this.checkParam('logits', this.logits, constraints.realVector);
    }
  }

  protected params(): [string, Tensor][] {
    return [[this.given, this.given === 'probs' ? this.probs : this.logits]];
  }

  get support(): Constraint {
    return constraints.integerInterval(0, this.numEvents - 1);
  }

  /** Undefined for categories: NaN, as PyTorch. */
  get mean(): Tensor {
    return full([...this.batchShape], NaN, { dtype: this.probs.dtype, device: this.probs.device });
  }

  /** Undefined for categories: NaN, as PyTorch. */
  get variance(): Tensor {
    return full([...this.batchShape], NaN, { dtype: this.probs.dtype, device: this.probs.device });
  }

  /** The most probable category. */
  get mode(): Tensor {
    return argmax(this.probs, -1);
  }

  /**
   * Category indices (int64) of shape sampleShape + batchShape.
   * @example new Categorical(torch.ones(6)).sample([10]) // ten die rolls, faces 0..5
   */
  sample(sampleShape: SampleShape = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const n = numel(shape) / Math.max(numel(this.batchShape), 1);
    if (numel(shape) === 0) return zeros(shape, { dtype: 'int64', device: this.probs.device });
    return noGrad(() => {
      const probs2d = this.probs.reshape(-1, this.numEvents);
      const s = multinomial(probs2d, n, { replacement: true });
      return s.T.reshape(shape);
    });
  }

  /** log P(value) for integer category values broadcastable with batchShape. */
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const v = value.long().unsqueeze(-1);
    const shape = broadcastShapes(v.shape, this.logits.shape, 'Categorical.logProb');
    const idx = expand(v, [shape]).narrow(-1, 0, 1).contiguous();
    return gather(expand(this.logits, [shape]), -1, idx).squeeze(-1);
  }

  /** -Σ p log p over the categories. */
  entropy(): Tensor {
    const logits = clamp(this.logits, finfoMin(this.logits.dtype));
    return sum(logits.mul(this.probs), -1).neg();
  }

  /**
   * All categories, shaped to broadcast against batchShape: [K, 1, ...] (expand=false) or
   * [K, ...batchShape] (expand=true).
   */
  enumerateSupport(expandToBatch = true): Tensor {
    const vals = arange(this.numEvents, { dtype: 'int64', device: this.probs.device }).reshape([-1, ...this.batchShape.map(() => 1)]);
    return expandToBatch ? vals.expand([-1, ...this.batchShape]) : vals;
  }
}
