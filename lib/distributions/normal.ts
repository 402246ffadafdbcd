/** Normal (Gaussian) distribution (torch.distributions.Normal). */
import { noGrad } from '../autograd/mode';
import { randn } from '../ops/creation';
import { Tensor } from '../tensor';
import { Constraint, Distribution, DistributionOptions, Param, SampleShape, broadcastAll, constraints } from './distribution';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The normal distribution with mean `loc` and standard deviation `scale` (> 0), tensors or numbers
 * broadcast together.
 * @example
 * torch.manualSeed(0);
 * const d = new Normal(0, 1);
 * d.sample([3]);                       // three standard normal draws
 * d.logProb(torch.tensor(0));          // tensor(-0.9189) = -log sqrt(2 pi)
 * new Normal(torch.tensor([0, 5]), 2).entropy(); // tensor([2.1121, 2.1121])
 */
export class Normal extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;
  override readonly hasRsample = true;

  constructor(loc: Param, scale: Param, opts: DistributionOptions = {}) {
    const [l, s] = broadcastAll('Normal', [['loc', loc], ['scale', scale]]).tensors;
    super(l.shape, [], opts.validateArgs);
    this.loc = l;
    this.scale = s;
    this.checkParam('loc', l, constraints.real);
    this.checkParam('scale', s, constraints.positive);
  }

  protected params(): [string, Tensor][] {
    return [['loc', this.loc], ['scale', this.scale]];
  }

  get support(): Constraint {
    return constraints.real;
  }

  /** loc. */
  get mean(): Tensor {
    return this.loc;
  }

  /** The mode, loc. */
  get mode(): Tensor {
    return this.loc;
  }

  /** scale. */
  override get stddev(): Tensor {
    return this.scale;
  }

  /** scale². */
  get variance(): Tensor {
    return this.scale.square();
  }

  /**
   * loc + scale * ε with ε ~ N(0, 1), differentiable in loc and scale.
   * @example const mu = torch.zeros(2, { requiresGrad: true }); new Normal(mu, 1).rsample().sum().backward();
   */
  override rsample(sampleShape: SampleShape = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const eps = randn(shape, { dtype: this.loc.dtype, device: this.loc.device });
    return this.loc.add(eps.mul(this.scale));
  }

  /** Draws of shape sampleShape + batchShape, without gradient. */
  sample(sampleShape: SampleShape = []): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }

  /** -(x - loc)² / (2 scale²) - log scale - log sqrt(2 pi). */
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const variance = this.scale.square();
    return value.sub(this.loc).square().div(variance.mul(2)).neg().sub(this.scale.log()).sub(LOG_SQRT_2PI);
  }

  /** 1/2 + log(sqrt(2 pi) scale). */
  entropy(): Tensor {
    return this.scale.log().add(0.5 + LOG_SQRT_2PI);
  }
}
