/** The layers of the book's linear and MLP chapters: Linear, containers, activations, Dropout. */
import { DType } from '../dtype';
import { DeviceLike } from '../device';
import { ArgumentError, IndexError, argError } from '../errors';
import { empty } from '../ops/creation';
import { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import { Module, Parameter } from './module';

function positiveInt(v: unknown, fn: string, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw argError(fn, `a non-negative integer ${what}`, v);
  return v;
}

/**
 * y = x W^T + b. Weight [outFeatures, inFeatures] and bias [outFeatures] start as PyTorch's:
 * U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)) (kaimingUniform_ with a = sqrt(5)).
 * @example const fc = new nn.Linear(64, 10); fc.forward(torch.randn(32, 64)).shape // [32, 10]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;
  constructor(inFeatures: number, outFeatures: number, { bias = true, dtype = 'float32', device }: { bias?: boolean; dtype?: DType; device?: DeviceLike } = {}) {
    super();
    this.inFeatures = positiveInt(inFeatures, 'Linear', 'inFeatures');
    this.outFeatures = positiveInt(outFeatures, 'Linear', 'outFeatures');
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype, device }));
    this.bias = bias ? new Parameter(empty([outFeatures], { dtype, device })) : null;
    this.resetParameters();
  }
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}

/**
 * Modules applied in order; children are named '0', '1', ... as in PyTorch.
 * @example const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 */
export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m) => this.append(m));
  }
  /** Adds a module at the end. */
  append(m: Module): this {
    if (!(m instanceof Module)) throw argError('Sequential', 'Module arguments', m);
    this.registerModule(String(this.length), m);
    return this;
  }
  get length(): number {
    return [...this.namedChildren()].length;
  }
  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const mods = [...this.children()];
    const j = i < 0 ? mods.length + i : i;
    if (!Number.isInteger(j) || j < 0 || j >= mods.length) throw new IndexError(`index ${i} is out of range for Sequential of length ${mods.length}`);
    return mods[j];
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.children();
  }
  override forward(x: unknown): unknown {
    let y = x;
    for (const m of this.children()) y = m.forward(y);
    return y;
  }
}

/** A list of modules registered as children '0', '1', ...; forward is yours to write. */
export class ModuleList extends Sequential {
  override forward(): never {
    throw new ArgumentError('ModuleList has no forward; iterate over it in your module\'s forward');
  }
}

export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}
export class Identity extends Module {
  override forward<T>(x: T): T {
    return x;
  }
}

type DimOpt = number | { dim?: number };
function dimOf(arg: DimOpt | undefined, fn: string): number | undefined {
  const d = typeof arg === 'object' && arg !== null ? arg.dim : arg;
  if (d !== undefined && !Number.isInteger(d)) throw argError(fn, 'an integer dim', d);
  return d;
}
// PyTorch's legacy choice when no dim is given: 0 for 0-, 1- and 3-D input, else 1
const implicitDim = (x: Tensor) => (x.dim() === 0 || x.dim() === 1 || x.dim() === 3 ? 0 : 1);

/** A module applying fn along one dim (Softmax, LogSoftmax). */
abstract class AlongDim extends Module {
  readonly dim: number | undefined;
  protected abstract fn(x: Tensor, dim: number): Tensor;
  constructor(dim?: DimOpt) {
    super();
    this.dim = dimOf(dim, this.constructor.name);
  }
  override forward(x: Tensor): Tensor {
    return this.fn(x, this.dim ?? implicitDim(x));
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/** softmax along dim. @example new nn.Softmax({ dim: 1 }) */
export class Softmax extends AlongDim {
  protected fn(x: Tensor, dim: number): Tensor {
    return F.softmax(x, dim);
  }
}
/** log-softmax along dim. @example new nn.LogSoftmax({ dim: 1 }) */
export class LogSoftmax extends AlongDim {
  protected fn(x: Tensor, dim: number): Tensor {
    return F.logSoftmax(x, dim);
  }
}

/** Flattens dims startDim..endDim (1..-1 by default: keeps the batch dim). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(opts: { startDim?: number; endDim?: number } | number = {}, endDim?: number) {
    super();
    const o = typeof opts === 'number' ? { startDim: opts, endDim } : opts;
    this.startDim = o.startDim ?? 1;
    this.endDim = o.endDim ?? -1;
  }
  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Dropout with probability p (0.5 by default), active in train mode only. */
export class Dropout extends Module {
  readonly p: number;
  constructor(p: number | { p?: number } = 0.5) {
    super();
    this.p = typeof p === 'object' && p !== null ? p.p ?? 0.5 : p;
    if (typeof this.p !== 'number' || !(this.p >= 0 && this.p <= 1)) throw new ArgumentError(`dropout probability has to be between 0 and 1, but got ${this.p}`);
  }
  override forward(x: Tensor): Tensor {
    return F.dropout(x, { p: this.p, training: this.training });
  }
  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
