/** Bernoulli: a coin with probability `probs` of 1 (torch.distributions.Bernoulli). */
import { noGrad } from '../autograd/mode';
import { ArgumentError, describe } from '../errors';
import { keep } from '../memory';
import { bernoulli, tensor } from '../ops/creation';
import { log1p, relu } from '../ops/elementwise';
import { expand } from '../ops/movement';
import { Tensor } from '../tensor';
import { Constraint, Distribution, DistributionOptions, Param, SampleShape, broadcastAll, constraints, probsToLogits } from './distribution';

/** `{ probs }` or `{ logits }` (exactly one) for Bernoulli, plus the common options. */
export interface BernoulliParams extends DistributionOptions {
  probs?: Param;
  logits?: Param;
}

/** max(l, 0) - l z + log(1 + e^-|l|): binary cross-entropy of target z given logit l, stable for large |l|. */
function bceWithLogits(logits: Tensor, target: Tensor): Tensor {
  return relu(logits).sub(logits.mul(target)).add(log1p(logits.abs().neg().exp()));
}

/**
 * 1 with probability `probs` and 0 otherwise; `probs` (in [0, 1]) or `logits` (log-odds) may be
 * tensors or numbers. Samples have the parameters' dtype.
 * @example
 * torch.manualSeed(0);
 * const coin = new Bernoulli(0.5);
 * coin.sample([10]);                      // ten tosses, e.g. tensor([1., 0., 0., ...])
 * coin.entropy();                          // tensor(0.6931) = log 2
 * new Bernoulli({ logits: torch.tensor([0.0, 2.0]) }).mean; // sigmoid: tensor([0.5000, 0.8808])
 */
export class Bernoulli extends Distribution {
  /** Probability of 1. */
  readonly probs: Tensor;
  /** log(p / (1 - p)), from probs clamped into [eps, 1 - eps] when probs were given. */
  readonly logits: Tensor;
  private readonly given: 'probs' | 'logits';

  constructor(probs: Param | BernoulliParams, opts: DistributionOptions = {}) {
    const a: BernoulliParams = probs instanceof Tensor || typeof probs === 'number' ? { probs } : probs;
    if (a === null || typeof a !== 'object') throw new ArgumentError(`Bernoulli: expected probs (a Tensor or number) or { probs } or { logits } but received ${describe(probs)}`);
    if ((a.probs === undefined) === (a.logits === undefined)) throw new ArgumentError('Bernoulli: Either `probs` or `logits` must be specified, but not both.');
    const given = a.probs !== undefined ? 'probs' : 'logits';
    const [param] = broadcastAll('Bernoulli', [[given, a.probs ?? a.logits]]).tensors;
    super(param.shape, [], a.validateArgs ?? opts.validateArgs);
    this.given = given;
    if (given === 'probs') {
      this.probs = param;
      this.logits = keep(probsToLogits(param, true));
      this.checkParam('probs', param, constraints.unitInterval);
    } else {
      this.logits = param;
      this.probs = keep(param.sigmoid());
      this.checkParam('logits', param, constraints.real);
    }
  }

  protected params(): [string, Tensor][] {
    return [[this.given, this.given === 'probs' ? this.probs : this.logits]];
  }

  get support(): Constraint {
    return constraints.boolean;
  }

  /** p. */
  get mean(): Tensor {
    return this.probs;
  }

  /** p (1 - p). */
  get variance(): Tensor {
    return this.probs.mul(this.probs.neg().add(1));
  }

  /**
   * 0/1 draws of shape sampleShape + batchShape.
   * @example new Bernoulli(torch.tensor([0.1, 0.9])).sample([2]) // shape [2, 2]
   */
  sample(sampleShape: SampleShape = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => bernoulli(expand(this.probs, [shape])));
  }

  /** z log p + (1 - z) log(1 - p), computed from the logits. */
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const [l, v] = broadcastAll('Bernoulli.logProb', [['logits', this.logits], ['value', value]]).tensors;
    return bceWithLogits(l, v).neg();
  }

  /** -p log p - (1 - p) log(1 - p). */
  entropy(): Tensor {
    return bceWithLogits(this.logits, this.probs);
  }

  /** [0, 1], shaped [2, 1, ...] (expand=false) or [2, ...batchShape]. */
  enumerateSupport(expandToBatch = true): Tensor {
    const vals = tensor([0, 1], { dtype: this.probs.dtype, device: this.probs.device }).reshape([-1, ...this.batchShape.map(() => 1)]);
    return expandToBatch ? vals.expand([-1, ...this.batchShape]) : vals;
  }
}
