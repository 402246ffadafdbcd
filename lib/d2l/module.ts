/**
 * The training-loop classes of the book's section 3.2, in TypeScript: a Module that knows its
 * loss, training and validation steps and optimizer; a DataModule that hands out loaders; and
 * the models of chapters 3 and 4 built on them.
 */
import { noGrad } from '../autograd/mode';
import { ArgumentError, KindlingError, argError } from '../errors';
import { DataLoader } from '../data/dataloader';
import { TensorDataset } from '../data/dataset';
import { normal, randn, tensor, zeros } from '../ops/creation';
import * as nn from '../nn';
import * as F from '../nn/functional';
import { Optimizer } from '../optim/optimizer';
import { SGD as TorchSGD } from '../optim/sgd';
import { Tensor } from '../tensor';

/** What a Trainer offers the model it fits: a place to report metrics. @internal */
export interface MetricSink {
  record(key: string, value: Tensor | number, train: boolean, count: number): void;
}

/**
 * The book's d2l.Module: subclasses give `loss`, `forward` (or a `net` field) and
 * `configureOptimizers`; `trainingStep` and `validationStep` report the loss.
 * @example
 * class LinearRegression extends d2l.Module {
 *   net = new nn.Linear(2, 1);
 *   loss(yHat: Tensor, y: Tensor) { return F.mseLoss(yHat, y); }
 *   configureOptimizers() { return new optim.SGD(this.parameters(), { lr: 0.03 }); }
 * }
 */
export class Module extends nn.Module {
  /** Set by Trainer.fit. */
  declare trainer: MetricSink | null;

  constructor() {
    super();
    Object.defineProperty(this, 'trainer', { value: null, writable: true, enumerable: false });
  }

  loss(_yHat: Tensor, _y: Tensor): Tensor {
    throw new KindlingError(`${this.constructor.name} must implement loss(yHat, y)`);
  }

  override forward(...inputs: unknown[]): unknown {
    const net = (this as unknown as { net?: nn.Module }).net;
    if (!(net instanceof nn.Module)) throw new KindlingError(`${this.constructor.name}: neural network is not defined (set this.net or override forward)`);
    return net.forward(...inputs);
  }

  /** Reports a metric for the current batch to the trainer (the book draws it on a board). */
  plot(key: string, value: Tensor | number, train: boolean, count = 1): void {
    this.trainer?.record(key, value, train, count);
  }

  /** Forward on all but the last batch element, loss against the last. */
  trainingStep(batch: Tensor[]): Tensor {
    const l = this.loss(this.forward(...batch.slice(0, -1)) as Tensor, batch[batch.length - 1]);
    this.plot('loss', l, true, batch[0].shape[0] ?? 1);
    return l;
  }

  validationStep(batch: Tensor[]): void {
    const l = this.loss(this.forward(...batch.slice(0, -1)) as Tensor, batch[batch.length - 1]);
    this.plot('loss', l, false, batch[0].shape[0] ?? 1);
  }

  configureOptimizers(): Optimizer<{ lr: number }> | { step(): void; zeroGrad(): void } {
    throw new KindlingError(`${this.constructor.name} must implement configureOptimizers()`);
  }
}

/**
 * The book's Classifier: cross-entropy loss, and accuracy reported on validation batches.
 * @example class SoftmaxRegression extends d2l.Classifier { ... }
 */
export class Classifier extends Module {
  override loss(yHat: Tensor, y: Tensor, averaged = true): Tensor {
    const logits = yHat.reshape(-1, yHat.shape[yHat.dim() - 1]);
    return F.crossEntropy(logits, y.reshape(-1), { reduction: averaged ? 'mean' : 'none' });
  }
  override validationStep(batch: Tensor[]): void {
    const yHat = this.forward(...batch.slice(0, -1)) as Tensor;
    const y = batch[batch.length - 1];
    const n = batch[0].shape[0] ?? 1;
    this.plot('loss', this.loss(yHat, y), false, n);
    this.plot('acc', this.accuracy(yHat, y), false, n);
  }
  /** Fraction (or, with averaged false, per-example 0/1) of correct predictions. */
  accuracy(yHat: Tensor, y: Tensor, averaged = true): Tensor {
    return noGrad(() => {
      const preds = yHat.reshape(-1, yHat.shape[yHat.dim() - 1]).argmax(1).to(y.dtype);
      const compare = preds.eq(y.reshape(-1)).to('float32');
      return averaged ? compare.mean() : compare;
    });
  }
}

/**
 * The book's DataModule: `getDataloader(train)` gives the train or validation loader.
 * @example data.trainDataloader()
 */
export class DataModule {
  constructor(readonly batchSize = 32) {}
  getDataloader(_train: boolean): Iterable<Tensor[]> | null {
    throw new KindlingError(`${this.constructor.name} must implement getDataloader(train)`);
  }
  trainDataloader(): Iterable<Tensor[]> {
    const l = this.getDataloader(true);
    if (!l) throw new KindlingError(`${this.constructor.name} has no training data`);
    return l;
  }
  valDataloader(): Iterable<Tensor[]> | null {
    return this.getDataloader(false);
  }
  /** A loader over rows `indices` of the tensors, shuffled when train. */
  getTensorloader(tensors: Tensor[], train: boolean, indices?: Tensor): DataLoader<Tensor[], Tensor[]> {
    const parts = indices ? tensors.map((t) => t.indexSelect(0, indices)) : tensors;
    return new DataLoader(new TensorDataset(...parts), { batchSize: this.batchSize, shuffle: train });
  }
}

/**
 * The book's synthetic linear-regression data: X ~ N(0, 1), y = X w + b + N(0, noise^2), with
 * numTrain training examples followed by numVal validation examples.
 * @example const data = new d2l.SyntheticRegressionData(torch.tensor([2, -3.4]), 4.2);
 */
export class SyntheticRegressionData extends DataModule {
  readonly X: Tensor;
  readonly y: Tensor;
  readonly numTrain: number;
  readonly numVal: number;
  constructor(w: Tensor, b: number, { noise = 0.01, numTrain = 1000, numVal = 1000, batchSize = 32 } = {}) {
    super(batchSize);
    if (!(w instanceof Tensor) || w.dim() !== 1) throw argError('SyntheticRegressionData', 'a 1-D weight Tensor', w);
    this.numTrain = numTrain;
    this.numVal = numVal;
    const n = numTrain + numVal;
    this.X = randn(n, w.shape[0]);
    const noiseT = randn(n, 1).mul(noise);
    this.y = this.X.matmul(w.reshape(-1, 1)).add(b).add(noiseT);
  }
  override getDataloader(train: boolean): DataLoader<Tensor[], Tensor[]> {
    const n = this.numTrain + this.numVal;
    const idx = train ? Array.from({ length: this.numTrain }, (_, i) => i) : Array.from({ length: n - this.numTrain }, (_, i) => this.numTrain + i);
    return this.getTensorloader([this.X, this.y], train, tensor(idx, { dtype: 'int64' }));
  }
}

/**
 * Minibatch SGD from scratch (section 3.4): p -= lr * p.grad.
 * @example const opt = new d2l.SGD([w, b], 0.03);
 */
export class SGD {
  constructor(readonly params: Tensor[], readonly lr: number) {
    if (!(lr >= 0)) throw new ArgumentError(`Invalid learning rate: ${lr}`);
  }
  step(): void {
    noGrad(() => {
      for (const p of this.params) if (p.grad) p.sub_(p.grad.mul(this.lr));
    });
  }
  zeroGrad(): void {
    for (const p of this.params) if (p.grad) noGrad(() => p.grad!.zero_());
  }
}

/** Linear regression from scratch (section 3.4): w ~ N(0, sigma^2), b = 0, squared loss / 2. */
export class LinearRegressionScratch extends Module {
  w: nn.Parameter;
  b: nn.Parameter;
  constructor(numInputs: number, readonly lr: number, sigma = 0.01) {
    super();
    this.w = new nn.Parameter(normal(0, sigma, [numInputs, 1]));
    this.b = new nn.Parameter(zeros(1));
  }
  override forward(X: Tensor): Tensor {
    return X.matmul(this.w).add(this.b);
  }
  override loss(yHat: Tensor, y: Tensor): Tensor {
    return yHat.sub(y).square().div(2).mean();
  }
  override configureOptimizers(): SGD {
    return new SGD([this.w, this.b], this.lr);
  }
}

/** Concise linear regression (section 3.5): nn.Linear with N(0, 0.01^2) weights, MSELoss, SGD. */
export class LinearRegression extends Module {
  net: nn.Linear;
  constructor(numInputs: number, readonly lr: number) {
    super();
    this.net = new nn.Linear(numInputs, 1);
    nn.init.normal_(this.net.weight, 0, 0.01);
    nn.init.zeros_(this.net.bias!);
  }
  override loss(yHat: Tensor, y: Tensor): Tensor {
    return F.mseLoss(yHat, y);
  }
  override configureOptimizers(): TorchSGD {
    return new TorchSGD(this.parameters(), { lr: this.lr });
  }
  /** The learned weight and bias. */
  getWB(): [Tensor, Tensor] {
    return [this.net.weight.detach(), this.net.bias!.detach()];
  }
}

/** Concise softmax regression (section 4.5): flatten, one linear layer, cross-entropy. */
export class SoftmaxRegression extends Classifier {
  net: nn.Sequential;
  constructor(numInputs: number, numOutputs: number, readonly lr: number) {
    super();
    this.net = new nn.Sequential(new nn.Flatten(), new nn.Linear(numInputs, numOutputs));
  }
  override configureOptimizers(): TorchSGD {
    return new TorchSGD(this.parameters(), { lr: this.lr });
  }
}

/** Concise MLP (section 5.1): flatten, hidden layers with ReLU, output layer. */
export class MLP extends Classifier {
  net: nn.Sequential;
  constructor(numInputs: number, numOutputs: number, numHiddens: number | number[], readonly lr: number) {
    super();
    const hidden = Array.isArray(numHiddens) ? numHiddens : [numHiddens];
    const layers: nn.Module[] = [new nn.Flatten()];
    let prev = numInputs;
    for (const h of hidden) {
      layers.push(new nn.Linear(prev, h), new nn.ReLU());
      prev = h;
    }
    layers.push(new nn.Linear(prev, numOutputs));
    this.net = new nn.Sequential(...layers);
  }
  override configureOptimizers(): TorchSGD {
    return new TorchSGD(this.parameters(), { lr: this.lr });
  }
}
