/**
 * Learning-rate schedulers with PyTorch's recursive ("chainable") formulas: each step derives
 * the new lr from the group's current one, so schedulers compose. Step the optimizer first, then
 * the scheduler, once per epoch (or per iteration, as you choose).
 */
import { ArgumentError, argError } from '../errors';
import { Optimizer } from './optimizer';

type AnyOptimizer = Optimizer<{ lr: number }>;

export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  readonly baseLrs: number[];
  lastEpoch: number;
  private lastLr: number[] = [];
  protected stepCount = 0;

  constructor(optimizer: AnyOptimizer, lastEpoch = -1) {
    if (!(optimizer instanceof Optimizer)) throw argError(this.constructor.name, 'an Optimizer', optimizer);
    this.optimizer = optimizer;
    for (const g of optimizer.paramGroups as unknown as Record<string, number>[]) {
      if (lastEpoch === -1) g.initialLr = g.lr;
      else if (!('initialLr' in g)) throw new ArgumentError(`param 'initialLr' is not specified in paramGroups when resuming an optimizer`);
    }
    this.baseLrs = (optimizer.paramGroups as unknown as Record<string, number>[]).map((g) => g.initialLr);
    this.lastEpoch = lastEpoch;
  }

  /** Must be called at the end of a subclass constructor (PyTorch's initial step). */
  protected init(): void {
    this.step();
  }

  /** The learning rates for lastEpoch, from the current ones. */
  protected abstract getLr(): number[];

  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Advances one epoch and writes the new learning rates into the optimizer's groups. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const lrs = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]));
    this.lastLr = lrs;
  }

  /** The learning rates the last step set. @example sched.getLastLr() // [0.1] */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = Array.isArray(v) ? [...v] : v;
    return out;
  }
  loadStateDict(sd: Record<string, unknown>): void {
    if (!sd || typeof sd !== 'object') throw argError('loadStateDict', 'a scheduler state dict', sd);
    for (const [k, v] of Object.entries(sd)) if (k !== 'optimizer') (this as unknown as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
  }
}

/**
 * Multiplies the lr by gamma every stepSize epochs.
 * @example const sched = new optim.lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, stepSize: number, { gamma = 0.1, lastEpoch = -1 }: { gamma?: number; lastEpoch?: number } = {}) {
    super(optimizer, lastEpoch);
    if (!Number.isInteger(stepSize) || stepSize <= 0) throw argError('StepLR', 'a positive integer stepSize', stepSize);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.init();
  }
  protected getLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
}

/**
 * Cosine annealing from the initial lr to etaMin over TMax epochs (then back up, periodically).
 * @example const sched = new optim.lrScheduler.CosineAnnealingLR(opt, 100);
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly TMax: number;
  readonly etaMin: number;
  constructor(optimizer: AnyOptimizer, TMax: number, { etaMin = 0, lastEpoch = -1 }: { etaMin?: number; lastEpoch?: number } = {}) {
    super(optimizer, lastEpoch);
    if (typeof TMax !== 'number' || !(TMax > 0)) throw argError('CosineAnnealingLR', 'a positive TMax', TMax);
    this.TMax = TMax;
    this.etaMin = etaMin;
    this.init();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    const lrs = this.groupLrs();
    if (e === 0) return lrs;
    if (this.stepCount === 1 && e > 0) return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    if ((e - 1 - T) % (2 * T) === 0) return lrs.map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin);
  }
}

/**
 * Scales the lr linearly from startFactor to endFactor over totalIters epochs.
 * @example const warmup = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(
    optimizer: AnyOptimizer,
    { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch = -1 }: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {},
  ) {
    super(optimizer, lastEpoch);
    if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentError(`Starting multiplicative factor expected to be greater than 0 and less or equal to 1, but got ${startFactor}`);
    if (!(endFactor >= 0 && endFactor <= 1)) throw new ArgumentError(`Ending multiplicative factor expected to be between 0 and 1, but got ${endFactor}`);
    if (!Number.isInteger(totalIters) || totalIters <= 0) throw argError('LinearLR', 'a positive integer totalIters', totalIters);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.init();
  }
  protected getLr(): number[] {
    const lrs = this.groupLrs();
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    if (e === 0) return lrs.map((lr) => lr * s);
    if (e > n) return lrs;
    return lrs.map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
}
