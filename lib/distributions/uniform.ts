/** Continuous uniform distribution on [low, high) (torch.distributions.Uniform). */
import { noGrad } from '../autograd/mode';
import { ArgumentError } from '../errors';
import { rand } from '../ops/creation';
import { lt } from '../ops/elementwise';
import { all } from '../ops/reduce';
import { Tensor } from '../tensor';
import { Constraint, Distribution, DistributionOptions, Param, SampleShape, broadcastAll, constraints } from './distribution';

/**
 * Uniform on [low, high); the bounds are tensors or numbers, broadcast together.
 * @example
 * torch.manualSeed(0);
 * const d = new Uniform(0, 4);
 * d.sample([2]);                         // two draws in [0, 4)
 * d.logProb(torch.tensor([1, 5]));       // throws: 5 is outside the support (validateArgs)
 * d.entropy();                           // tensor(1.3863) = log 4
 */
export class Uniform extends Distribution {
  readonly low: Tensor;
  readonly high: Tensor;
  override readonly hasRsample = true;

  constructor(low: Param, high: Param, opts: DistributionOptions = {}) {
    const [lo, hi] = broadcastAll('Uniform', [['low', low], ['high', high]]).tensors;
    super(lo.shape, [], opts.validateArgs);
    this.low = lo;
    this.high = hi;
    if (this.validateArgs && !noGrad(() => all(lt(lo, hi)).item())) {
      throw new ArgumentError(`Uniform is not defined when low >= high (received low ${lo.detach()} and high ${hi.detach()})`);
    }
  }

  protected params(): [string, Tensor][] {
    return [['low', this.low], ['high', this.high]];
  }

  get support(): Constraint {
    return constraints.interval(this.low, this.high);
  }

  /** (low + high) / 2. */
  get mean(): Tensor {
    return this.high.add(this.low).div(2);
  }

  /** (high - low) / sqrt(12). */
  override get stddev(): Tensor {
    return this.high.sub(this.low).div(Math.sqrt(12));
  }

  /** (high - low)² / 12. */
  get variance(): Tensor {
    return this.high.sub(this.low).square().div(12);
  }

  /** low + (high - low) u with u ~ U[0, 1), differentiable in low and high. */
  override rsample(sampleShape: SampleShape = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const u = rand(shape, { dtype: this.low.dtype, device: this.low.device });
    return u.mul(this.high.sub(this.low)).add(this.low);
  }

  /** Draws of shape sampleShape + batchShape, without gradient. */
  sample(sampleShape: SampleShape = []): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }

  /** -log(high - low) inside [low, high), -inf outside. */
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const inside = this.low.le(value).logicalAnd(this.high.gt(value)).to(this.low.dtype);
    return inside.log().sub(this.high.sub(this.low).log());
  }

  /** P(X <= value), clamped to [0, 1]. */
  cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return value.sub(this.low).div(this.high.sub(this.low)).clamp(0, 1);
  }

  /** The value with P(X <= value) = q. */
  icdf(q: Tensor): Tensor {
    return q.mul(this.high.sub(this.low)).add(this.low);
  }

  /** log(high - low). */
  entropy(): Tensor {
    return this.high.sub(this.low).log();
  }
}
