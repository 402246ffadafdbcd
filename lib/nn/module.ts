/**
 * nn.Module and nn.Parameter. A module's parameters, buffers and sub-modules are its own
 * enumerable fields, found in assignment order when asked for (so `this.fc = new nn.Linear(..)`
 * registers `fc`), which gives PyTorch's state-dict keys (`net.0.weight`).
 */
import { noGrad } from '../autograd/mode';
import { DType, isFloating, toDType } from '../dtype';
import { DeviceLike, resolveDevice } from '../device';
import { ArgumentError, KindlingError, argError } from '../errors';
import { keep } from '../memory';
import { Tensor } from '../tensor';

/**
 * A tensor that is a module parameter: it shares the given tensor's storage, requires grad by
 * default, and is never freed by `torch.tidy` (it is state, like a tfjs variable).
 * @example const w = new nn.Parameter(torch.zeros(3, 2));
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw argError('Parameter', 'a Tensor', data);
    super(data._storage, data.shape, data.strides, data.offset, data.dtype, data.device);
    keep(this);
    if (requiresGrad) this.requiresGrad_(true);
  }
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** Errors raised by loadStateDict list every missing, unexpected and mismatched key at once. */
export class StateDictError extends KindlingError {
  constructor(readonly missingKeys: string[], readonly unexpectedKeys: string[], readonly mismatched: string[], cls: string) {
    const parts: string[] = [];
    if (missingKeys.length) parts.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    if (unexpectedKeys.length) parts.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
    parts.push(...mismatched);
    super(`Error(s) in loading state_dict for ${cls}:\n\t${parts.join('\n\t')}`);
  }
}

const BUFFERS = Symbol('buffers');
const NON_PERSISTENT = Symbol('nonPersistent');

/**
 * Base class of every layer and model. Subclasses assign parameters and sub-modules as fields and
 * implement `forward`.
 * @example
 * class Net extends nn.Module {
 *   fc = new nn.Linear(4, 2);
 *   forward(x: Tensor) { return this.fc.forward(x).relu(); }
 * }
 */
export class Module {
  /** Train mode (dropout active) or eval mode. */
  training = true;
  declare private [BUFFERS]: Set<string>;
  declare private [NON_PERSISTENT]: Set<string>;

  constructor() {
    Object.defineProperty(this, BUFFERS, { value: new Set<string>(), enumerable: false });
    Object.defineProperty(this, NON_PERSISTENT, { value: new Set<string>(), enumerable: false });
  }

  /** The computation; subclasses override it. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  forward(...inputs: unknown[]): unknown {
    throw new KindlingError(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  // ---- registration ----------------------------------------------------------------------------
  /** Adds a parameter under `name` (same as assigning a Parameter to the field). */
  registerParameter(name: string, param: Parameter | null): void {
    checkName(this, name, 'registerParameter');
    if (param !== null && !(param instanceof Parameter)) {
      throw new ArgumentError(`cannot assign '${describeValue(param)}' as parameter '${name}' (nn.Parameter or null expected)`);
    }
    (this as unknown as Record<string, unknown>)[name] = param;
  }
  /** Adds a child module under `name` (same as assigning a Module to the field). */
  registerModule(name: string, module: Module | null): void {
    checkName(this, name, 'registerModule');
    if (module !== null && !(module instanceof Module)) throw new ArgumentError(`${describeValue(module)} is not a Module subclass`);
    (this as unknown as Record<string, unknown>)[name] = module;
  }
  /** A tensor that is state but not a parameter (saved in stateDict unless persistent is false). */
  registerBuffer(name: string, tensor: Tensor | null, { persistent = true } = {}): void {
    checkName(this, name, 'registerBuffer');
    if (tensor !== null && !(tensor instanceof Tensor)) throw new ArgumentError(`cannot assign '${describeValue(tensor)}' as buffer '${name}' (Tensor or null expected)`);
    if (tensor) keep(tensor);
    (this as unknown as Record<string, unknown>)[name] = tensor;
    this[BUFFERS].add(name);
    if (!persistent) this[NON_PERSISTENT].add(name);
    else this[NON_PERSISTENT].delete(name);
  }

  // ---- traversal -------------------------------------------------------------------------------
  private ownEntries(): [string, unknown][] {
    return Object.keys(this).map((k) => [k, (this as unknown as Record<string, unknown>)[k]]);
  }
  /** Direct sub-modules with their names. */
  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [k, v] of this.ownEntries()) {
      if (v instanceof Module && !seen.has(v)) {
        seen.add(v);
        yield [k, v];
      }
    }
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }
  /** This module and every descendant, each once, with dotted names ('' for this one). */
  *namedModules(prefix = '', memo: Set<Module> = new Set()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k, memo);
  }
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }
  /** Parameters with PyTorch's dotted names, each parameter once. */
  *namedParameters({ prefix = '', recurse = true } = {}): Generator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods) {
      for (const [k, v] of m.ownEntries()) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          yield [mp ? `${mp}.${k}` : k, v];
        }
      }
    }
  }
  /** Every parameter, for an optimizer: `new optim.SGD(model.parameters(), { lr: 0.1 })`. */
  parameters({ recurse = true } = {}): Parameter[] {
    return [...this.namedParameters({ recurse })].map(([, p]) => p);
  }
  *namedBuffers({ prefix = '', recurse = true } = {}): Generator<[string, Tensor]> {
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods) {
      for (const k of m[BUFFERS]) {
        const v = (m as unknown as Record<string, unknown>)[k];
        if (v instanceof Tensor) yield [mp ? `${mp}.${k}` : k, v];
      }
    }
  }
  buffers({ recurse = true } = {}): Tensor[] {
    return [...this.namedBuffers({ recurse })].map(([, b]) => b);
  }
  /** Calls fn on every sub-module, then on this one (for custom initialisation). */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  // ---- modes and gradients -----------------------------------------------------------------------
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw argError('train', 'a boolean mode', mode);
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  /** Clears parameter gradients (to null by default, as PyTorch 2 does). */
  zeroGrad({ setToNone = true } = {}): void {
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (setToNone) {
        p.grad.dispose();
        p.grad = null;
      } else noGrad(() => p.grad!.zero_());
    }
  }
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  // ---- state -------------------------------------------------------------------------------------
  /**
   * Parameters and persistent buffers by dotted name, sharing storage with the module.
   * @example torch.save(model.stateDict(), 'model.safetensors')
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [mp, m] of this.namedModules()) {
      for (const [k, v] of m.ownEntries()) {
        const key = mp ? `${mp}.${k}` : k;
        if (v instanceof Parameter) out[key] = v.detach();
        else if (v instanceof Tensor && m[BUFFERS].has(k) && !m[NON_PERSISTENT].has(k)) out[key] = v.detach();
      }
    }
    return out;
  }
  /**
   * Copies values from a state dict into this module's parameters and buffers. With strict (the
   * default) the keys must match exactly; every problem is reported in one StateDictError.
   * @example model.loadStateDict(torch.load('model.safetensors'))
   */
  loadStateDict(dict: Record<string, Tensor>, { strict = true } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    if (dict === null || typeof dict !== 'object') throw argError('loadStateDict', 'an object of Tensors', dict);
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !(k in own));
    const mismatched: string[] = [];
    for (const [k, target] of Object.entries(own)) {
      if (!(k in dict)) continue;
      const src = dict[k];
      if (!(src instanceof Tensor)) mismatched.push(`While copying the parameter named "${k}", expected a Tensor but received ${describeValue(src)}.`);
      else if (src.shape.join() !== target.shape.join()) {
        mismatched.push(
          `size mismatch for ${k}: copying a param with shape [${src.shape.join(', ')}] from checkpoint, the shape in current model is [${target.shape.join(', ')}].`,
        );
      }
    }
    if (mismatched.length || (strict && (missingKeys.length || unexpectedKeys.length))) {
      throw new StateDictError(strict ? missingKeys : [], strict ? unexpectedKeys : [], mismatched, this.constructor.name);
    }
    noGrad(() => {
      for (const [k, target] of Object.entries(own)) if (k in dict) target.copy_(dict[k]);
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- placement ---------------------------------------------------------------------------------
  /**
   * Moves parameters and buffers to a device, or casts floating ones to a dtype, in place on the
   * module (parameter objects are replaced when their data moves, so build optimizers after).
   * @example model.to('float64'); model.to('cpu')
   */
  to(target: DeviceLike | DType | { device?: DeviceLike; dtype?: DType }): this {
    let dtype: DType | undefined;
    let device: DeviceLike | undefined;
    if (typeof target === 'string' && /^(cpu|cuda)(:\d+)?$/.test(target)) device = target;
    else if (typeof target === 'string') dtype = toDType(target as DType, 'Module.to');
    else if (target && typeof target === 'object' && !('type' in target)) {
      device = (target as { device?: DeviceLike }).device;
      dtype = (target as { dtype?: DType }).dtype;
    } else device = target as DeviceLike;
    if (dtype !== undefined && !isFloating(dtype)) throw new ArgumentError(`nn.Module.to only accepts floating point dtypes, but got desired dtype=${dtype}`);
    const dev = device === undefined ? undefined : resolveDevice(device);
    for (const m of this.modules()) {
      for (const [k, v] of m.ownEntries()) {
        if (!(v instanceof Tensor)) continue;
        const wantDtype = dtype !== undefined && isFloating(v.dtype) ? dtype : v.dtype;
        const wantDev = dev ?? v.device;
        if (wantDtype === v.dtype && String(wantDev) === String(v.device)) continue;
        const moved = noGrad(() => v.detach().to({ dtype: wantDtype, device: wantDev }));
        const rec = m as unknown as Record<string, unknown>;
        if (v instanceof Parameter) {
          const p = new Parameter(moved, v.requiresGrad);
          if (v.grad) p.grad = keep(noGrad(() => v.grad!.to({ dtype: wantDtype, device: wantDev })));
          rec[k] = p;
        } else if (m[BUFFERS].has(k)) rec[k] = keep(moved);
      }
    }
    return this;
  }
  float(): this {
    return this.to('float32');
  }
  double(): this {
    return this.to('float64');
  }
  cpu(): this {
    return this.to('cpu');
  }
  cuda(index?: number): this {
    return this.to(index === undefined ? 'cuda' : `cuda:${index}`);
  }

  // ---- printing ----------------------------------------------------------------------------------
  /** Extra text inside this module's parentheses when printed. */
  extraRepr(): string {
    return '';
  }
  toString(): string {
    const lines: string[] = [];
    for (const [k, m] of this.namedChildren()) lines.push(`(${k}): ${String(m).split('\n').join('\n  ')}`);
    const extra = this.extraRepr();
    if (!lines.length) return `${this.constructor.name}(${extra})`;
    return `${this.constructor.name}(${extra ? `\n  ${extra}` : ''}\n  ${lines.join('\n  ')}\n)`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function checkName(m: Module, name: unknown, fn: string): void {
  if (typeof name !== 'string') throw argError(fn, 'a string name', name);
  if (name === '' || name.includes('.')) throw new ArgumentError(`${fn}: name can't be empty or contain ".", got "${name}"`);
  if (name in m && !Object.prototype.hasOwnProperty.call(m, name)) throw new ArgumentError(`${fn}: attribute '${name}' already exists`);
}

function describeValue(v: unknown): string {
  if (v instanceof Tensor) return `Tensor of shape [${v.shape.join(', ')}]`;
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return `${typeof v} ${String(v)}`;
}

