/**
 * The optimizer base: parameter groups with their hyper-parameters, per-parameter state, and
 * state dicts in PyTorch's shape ({ state: { index: {...} }, paramGroups: [{ ..., params: [indices] }] }).
 */
import { noGrad } from '../autograd/mode';
import { isFloating } from '../dtype';
import { ArgumentError, argError } from '../errors';
import { keep, tidy } from '../memory';
import { Tensor } from '../tensor';

export type ParamGroup<O> = O & { params: Tensor[] };
export type ParamsArg<O> = Iterable<Tensor> | (Partial<O> & { params: Iterable<Tensor> })[];
export type StateValue = Tensor | number;
export interface OptimizerStateDict<O> {
  state: Record<number, Record<string, StateValue>>;
  paramGroups: (O & { params: number[] })[];
}

export abstract class Optimizer<O extends { lr: number }> {
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moment estimates, step counts). */
  readonly state = new Map<Tensor, Record<string, StateValue>>();

  constructor(params: ParamsArg<O>, defaults: O) {
    this.defaults = defaults;
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw argError(this.constructor.name, 'an iterable of Tensors or an array of parameter groups', params);
    }
    if (params instanceof Tensor) throw new ArgumentError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got a Tensor`);
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ArgumentError('optimizer got an empty parameter list');
    const groups = (list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : list) as (Partial<O> & { params: Iterable<Tensor> })[];
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group of parameters with its own hyper-parameters (the rest from the defaults). */
  addParamGroup(group: Partial<O> & { params: Iterable<Tensor> }): void {
    if (group === null || typeof group !== 'object' || !('params' in group)) throw argError('addParamGroup', 'an object with params', group);
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw argError(this.constructor.name, 'Tensors as parameters', p);
      if (!isFloating(p.dtype)) throw new ArgumentError(`optimizer can only optimize Tensors of floating dtype, but one of the params is ${p.dtype}`);
      if (!p.isLeaf) throw new ArgumentError("can't optimize a non-leaf Tensor");
    }
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    for (const p of params) {
      if (seen.has(p)) throw new ArgumentError('some parameters appear in more than one parameter group');
      seen.add(p);
    }
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /** Checks a group's hyper-parameters; subclasses extend it. */
  protected validate(g: O): void {
    if (typeof g.lr !== 'number' || !(g.lr >= 0)) throw new ArgumentError(`Invalid learning rate: ${g.lr}`);
  }

  /** Clears the gradients of every parameter (to null by default, as PyTorch 2 does). */
  zeroGrad({ setToNone = true } = {}): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (!p.grad) continue;
        if (setToNone) {
          p.grad.dispose();
          p.grad = null;
        } else noGrad(() => p.grad!.zero_());
      }
    }
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    noGrad(() =>
      tidy(() => {
        for (const g of this.paramGroups) {
          for (const p of g.params) {
            if (p.grad === null) continue;
            let st = this.state.get(p);
            if (!st) this.state.set(p, (st = {}));
            this.update(p, p.grad, st, g);
          }
        }
      }),
    );
  }

  /** Updates one parameter in place; new state tensors must go through `this.keepState`. */
  protected abstract update(p: Tensor, grad: Tensor, state: Record<string, StateValue>, group: ParamGroup<O>): void;

  /** Marks a tensor as optimizer state, outliving the step's tidy scope. */
  protected keepState(t: Tensor): Tensor {
    return keep(t);
  }

  /**
   * Hyper-parameters and state with parameters replaced by their index, in group order.
   * @example torch.save(opt.stateDict(), 'opt.safetensors')
   */
  stateDict(): OptimizerStateDict<O> {
    const state: Record<number, Record<string, StateValue>> = {};
    let i = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...rest } = g;
      const ids = params.map((p) => {
        const st = this.state.get(p);
        if (st) state[i] = { ...st };
        return i++;
      });
      return { ...(rest as unknown as O), params: ids };
    });
    return { state, paramGroups };
  }

  /** Restores what stateDict returned (tensors are copied, cast to each parameter's dtype). */
  loadStateDict(sd: OptimizerStateDict<O>): void {
    if (!sd || typeof sd !== 'object' || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object') {
      throw argError('loadStateDict', 'an optimizer state dict { state, paramGroups }', sd);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ArgumentError(`loaded state dict has ${sd.paramGroups.length} parameter groups but the optimizer has ${this.paramGroups.length}`);
    }
    sd.paramGroups.forEach((g, i) => {
      if (!Array.isArray(g.params) || g.params.length !== this.paramGroups[i].params.length) {
        throw new ArgumentError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    });
    const byIndex: Tensor[] = [];
    sd.paramGroups.forEach((g, gi) => g.params.forEach((id, k) => (byIndex[id] = this.paramGroups[gi].params[k])));
    for (const [gi, g] of sd.paramGroups.entries()) {
      const { params: _ids, ...hyper } = g;
      Object.assign(this.paramGroups[gi], hyper);
      this.validate(this.paramGroups[gi]);
    }
    this.state.clear();
    for (const [id, st] of Object.entries(sd.state)) {
      const p = byIndex[Number(id)];
      if (!p) throw new ArgumentError(`loaded state dict has state for parameter ${id}, which no group lists`);
      const copy: Record<string, StateValue> = {};
      for (const [k, v] of Object.entries(st)) {
        copy[k] = v instanceof Tensor ? keep(noGrad(() => v.to({ dtype: k === 'step' ? v.dtype : p.dtype, device: p.device }).clone())) : v;
      }
      this.state.set(p, copy);
    }
  }
}
