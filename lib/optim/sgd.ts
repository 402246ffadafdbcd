/** Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (PyTorch's update). */
import { ArgumentError } from '../errors';
import { Tensor } from '../tensor';
import { Optimizer, ParamGroup, ParamsArg, StateValue } from './optimizer';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * SGD: d = g (+ weightDecay * p); with momentum, buf = momentum * buf + (1 - dampening) * d
 * (buf = d at the first step) and d = buf, or d + momentum * buf with nesterov; p -= lr * d.
 * @example const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, opts: Partial<SGDOptions> & { lr?: number } = {}) {
    super(params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...opts });
  }
  protected override validate(g: SGDOptions): void {
    super.validate(g);
    if (!(g.momentum >= 0)) throw new ArgumentError(`Invalid momentum value: ${g.momentum}`);
    if (!(g.weightDecay >= 0)) throw new ArgumentError(`Invalid weight_decay value: ${g.weightDecay}`);
    if (typeof g.dampening !== 'number' || Number.isNaN(g.dampening)) throw new ArgumentError(`Invalid dampening value: ${g.dampening}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) throw new ArgumentError('Nesterov momentum requires a momentum and zero dampening');
  }
  protected override update(p: Tensor, grad: Tensor, st: Record<string, StateValue>, g: ParamGroup<SGDOptions>): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    if (g.momentum !== 0) {
      let buf = st.momentumBuffer as Tensor | undefined;
      if (!buf) buf = st.momentumBuffer = this.keepState(d.clone());
      else buf.mul_(g.momentum).add_(d, { alpha: 1 - g.dampening });
      d = g.nesterov ? d.add(buf, { alpha: g.momentum }) : buf;
    }
    p.add_(d, { alpha: -g.lr });
  }
}
