/** Adam and AdamW (decoupled weight decay), with amsgrad, as PyTorch computes them. */
import { ArgumentError } from '../errors';
import { zerosLike } from '../ops/creation';
import { Tensor } from '../tensor';
import { Optimizer, ParamGroup, ParamsArg, StateValue } from './optimizer';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;
  protected override validate(g: AdamOptions): void {
    super.validate(g);
    if (!(g.eps >= 0)) throw new ArgumentError(`Invalid epsilon value: ${g.eps}`);
    if (!Array.isArray(g.betas) || g.betas.length !== 2) throw new ArgumentError(`Invalid betas: expected [beta1, beta2] but got ${JSON.stringify(g.betas)}`);
    g.betas.forEach((b, i) => {
      if (!(b >= 0 && b < 1)) throw new ArgumentError(`Invalid beta parameter at index ${i}: ${b}`);
    });
    if (!(g.weightDecay >= 0)) throw new ArgumentError(`Invalid weight_decay value: ${g.weightDecay}`);
  }
  // m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
  protected override update(p: Tensor, grad: Tensor, st: Record<string, StateValue>, g: ParamGroup<AdamOptions>): void {
    const [b1, b2] = g.betas;
    let d = g.maximize ? grad.neg() : grad;
    if (st.step === undefined) {
      st.step = 0;
      st.expAvg = this.keepState(zerosLike(p));
      st.expAvgSq = this.keepState(zerosLike(p));
      if (g.amsgrad) st.maxExpAvgSq = this.keepState(zerosLike(p));
    }
    const step = (st.step as number) + 1;
    st.step = step;
    if (this.decoupled) p.mul_(1 - g.lr * g.weightDecay);
    else if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    const m = st.expAvg as Tensor;
    const v = st.expAvgSq as Tensor;
    m.mul_(b1).add_(d, { alpha: 1 - b1 });
    v.mul_(b2).add_(d.mul(d), { alpha: 1 - b2 });
    const stepSize = g.lr / (1 - b1 ** step);
    const bc2Sqrt = Math.sqrt(1 - b2 ** step);
    let second = v;
    if (g.amsgrad) {
      const mx = st.maxExpAvgSq as Tensor;
      mx.copy_(mx.maximum(v));
      second = mx;
    }
    const denom = second.sqrt().div_(bc2Sqrt).add_(g.eps);
    p.sub_(m.div(denom), { alpha: stepSize });
  }
}

/**
 * Adam with L2 weight decay added to the gradient.
 * @example const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...opts });
  }
}

/**
 * AdamW: weight decay applied to the parameter (p *= 1 - lr * weightDecay), 0.01 by default.
 * @example const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...opts });
  }
}
