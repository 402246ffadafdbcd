/** Multinomial: counts of totalCount categorical draws (torch.distributions.Multinomial). */
import { noGrad } from '../autograd/mode';
import { ArgumentError, describe } from '../errors';
import { tensor, zeros } from '../ops/creation';
import { clamp, log1p } from '../ops/elementwise';
import { scatterAdd } from '../ops/indexing';
import { expand, permute } from '../ops/movement';
import { sum } from '../ops/reduce';
import { broadcastShapes, sameShape } from '../shape/shape';
import { Tensor } from '../tensor';
import { Categorical, ProbsOrLogits, probsOrLogits } from './categorical';
import { Constraint, Distribution, DistributionOptions, SampleShape, constraints, probsToLogits } from './distribution';
import { lgamma, lgammaTensor } from './special';

/**
 * The counts of each of K categories in `totalCount` independent draws with probabilities `probs`
 * (normalised along the last dim) or `logits`. Samples have the dtype of the probabilities.
 * @example
 * // section 2.6: roll a fair die 1000 times and estimate each face's probability
 * torch.manualSeed(0);
 * const fairProbs = torch.ones(6).div(6);
 * new Multinomial(1000, fairProbs).sample().div(1000); // e.g. tensor([0.1650, 0.1700, ...])
 * const counts = new Multinomial(10, fairProbs).sample([500]); // shape [500, 6], rows sum to 10
 */
export class Multinomial extends Distribution {
  readonly totalCount: number;
  private readonly categorical: Categorical;
  private readonly given: 'probs' | 'logits';

  constructor(totalCount = 1, probs: Tensor | ProbsOrLogits, opts: DistributionOptions = {}) {
    if (typeof totalCount !== 'number' || !Number.isInteger(totalCount) || totalCount < 0) {
      throw new ArgumentError(`Multinomial: expected a non-negative integer totalCount (inhomogeneous total_count is not supported) but received ${describe(totalCount)}`);
    }
    const a = probsOrLogits('Multinomial', probs);
    const validateArgs = a.validateArgs ?? opts.validateArgs;
    const categorical = new Categorical(a.probs ? { probs: a.probs, validateArgs } : { logits: a.logits, validateArgs });
    super(categorical.batchShape, [categorical.numEvents], validateArgs);
    this.totalCount = totalCount;
    this.categorical = categorical;
    this.given = a.probs ? 'probs' : 'logits';
  }

  /** Normalised probabilities, shape batchShape + [K]. */
  get probs(): Tensor {
    return this.categorical.probs;
  }

  /** Normalised log-probabilities, shape batchShape + [K]. */
  get logits(): Tensor {
    return this.categorical.logits;
  }

  protected params(): [string, Tensor][] {
    return [[this.given, this.given === 'probs' ? this.probs : this.logits]];
  }

  get support(): Constraint {
    return constraints.multinomial(this.totalCount);
  }

  /** totalCount * probs. */
  get mean(): Tensor {
    return this.probs.mul(this.totalCount);
  }

  /** totalCount * probs * (1 - probs). */
  get variance(): Tensor {
    return this.probs.mul(this.probs.neg().add(1)).mul(this.totalCount);
  }

  /**
   * Counts of shape sampleShape + batchShape + [K], each summing to totalCount over the last dim.
   * @example new Multinomial(10, torch.ones(6)).sample([3]) // three groups of ten die rolls
   */
  sample(sampleShape: SampleShape = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const dtype = this.probs.dtype;
    const device = this.probs.device;
    if (this.totalCount === 0 || shape.includes(0)) return zeros(shape, { dtype, device });
    return noGrad(() => {
      const lead = shape.slice(0, -1);
      // draws of shape [totalCount, ...sampleShape, ...batchShape] -> move the draw dim last
      const draws = this.categorical.sample([this.totalCount, ...lead.slice(0, lead.length - this.batchShape.length)]);
      const order = [...Array(draws.dim()).keys()];
      order.push(order.shift()!);
      const idx = permute(draws, [order]).contiguous();
      const ones = tensor(1, { dtype: 'int64', device }).expand(idx.shape as number[]).contiguous();
      const counts = scatterAdd(zeros(shape, { dtype: 'int64', device }), -1, idx, ones);
      return counts.to(dtype);
    });
  }

  /** log P(counts): log n! - Σ log x_i! + Σ x_i log p_i. */
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const shape = broadcastShapes(this.logits.shape, value.shape, 'Multinomial.logProb');
    const logits = sameShape(this.logits.shape, shape) ? this.logits : expand(this.logits, [shape]);
    const v = sameShape(value.shape, shape) ? value : expand(value, [shape]);
    const logFactN = lgammaTensor(sum(v, -1).add(1));
    const logFactXs = sum(lgammaTensor(v.add(1)), -1);
    // 0 * log 0 counts as 0: a category of probability 0 that was never drawn adds nothing
    const safe = logits.maskedFill(v.eq(0).logicalAnd(logits.eq(-Infinity)), 0);
    const logPowers = sum(safe.mul(v), -1);
    return logFactN.sub(logFactXs).add(logPowers);
  }

  /**
   * Entropy, n H(categorical) - log n! + Σ_i Σ_k Binomial(k; n, p_i) log k!, with the binomial
   * probabilities computed from clamped logits as PyTorch's Binomial does.
   */
  entropy(): Tensor {
    const n = this.totalCount;
    const term1 = this.categorical.entropy().mul(n).sub(lgamma(n + 1));
    if (n === 0) return term1;
    const probs = this.probs;
    const opts = { dtype: probs.dtype, device: probs.device };
    const bshape = [n, ...probs.shape.map(() => 1)];
    const k = tensor(Array.from({ length: n }, (_, i) => i + 1), opts).reshape(bshape);
    const lgK = tensor(Array.from({ length: n }, (_, i) => lgamma(i + 2)), opts).reshape(bshape);
    const lgNmK = tensor(Array.from({ length: n }, (_, i) => lgamma(n - i)), opts).reshape(bshape);
    const logits = probsToLogits(probs, true);
    const normalize = clamp(logits, 0).mul(n).add(log1p(logits.abs().neg().exp()).mul(n)).sub(lgamma(n + 1));
    const logPmf = k.mul(logits).sub(lgK).sub(lgNmK).sub(normalize);
    const term2 = sum(logPmf.exp().mul(lgK), [0, -1]);
    return term1.add(term2);
  }
}
