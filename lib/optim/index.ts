/** torch.optim: optimizers and learning-rate schedulers. */
import * as lrScheduler from './lr_scheduler';

export { Optimizer } from './optimizer';
export type { ParamGroup, ParamsArg, OptimizerStateDict, StateValue } from './optimizer';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
export { Adam, AdamW } from './adam';
export type { AdamOptions } from './adam';
export { LRScheduler, StepLR, CosineAnnealingLR, LinearLR } from './lr_scheduler';
export { lrScheduler };
