/** Loss modules: thin holders of options over torch.nn.functional. */
import { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';

/** Shared base: a reduction of 'mean' (default), 'sum' or 'none'. */
export class Loss extends Module {
  readonly reduction: F.Reduction;
  constructor({ reduction = 'mean' }: F.LossOptions = {}) {
    super();
    this.reduction = reduction;
  }
  override extraRepr(): string {
    return this.reduction === 'mean' ? '' : `reduction=${this.reduction}`;
  }
  /** A registered buffer (which module.to() may have moved), or null. */
  protected buffer(name: string): Tensor | null {
    const v = (this as unknown as Record<string, unknown>)[name];
    return v instanceof Tensor ? v : null;
  }
}

/** Mean squared error. @example new nn.MSELoss().forward(yHat, y) */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error. */
export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Negative log-likelihood of class indices under log-probabilities. */
export class NLLLoss extends Loss {
  constructor(readonly options: F.NLLOptions = {}) {
    super(options);
    if (options.weight) this.registerBuffer('weight', options.weight);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { ...this.options, reduction: this.reduction, weight: this.buffer('weight') });
  }
}

/**
 * Cross-entropy from logits (log-sum-exp stabilised) against class indices or probabilities.
 * @example new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(logits, labels)
 */
export class CrossEntropyLoss extends NLLLoss {
  declare readonly options: F.CrossEntropyOptions;
  constructor(options: F.CrossEntropyOptions = {}) {
    super(options);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, { ...this.options, reduction: this.reduction, weight: this.buffer('weight') });
  }
}

/** Binary cross-entropy on logits, with weight and posWeight. */
export class BCEWithLogitsLoss extends Loss {
  constructor(readonly options: F.BCEWithLogitsOptions = {}) {
    super(options);
    if (options.weight) this.registerBuffer('weight', options.weight);
    if (options.posWeight) this.registerBuffer('pos_weight', options.posWeight);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { ...this.options, reduction: this.reduction, weight: this.buffer('weight'), posWeight: this.buffer('pos_weight') });
  }
}
