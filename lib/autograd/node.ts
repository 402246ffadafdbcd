/**
 * Autograd graph nodes. Each differentiable op records one Node per output tensor: its PyTorch
 * name (MulBackward0), edges to the nodes of its inputs (AccumulateGrad for leaves), the tensors
 * its gradient rule needs (with their versions at save time), and the rule itself.
 */
import { AutogradError } from '../errors';
import type { Tensor } from '../tensor';
import { isGradEnabled } from './mode';

/** A gradient rule: output gradient and saved tensors in, one gradient (or null) per input out. */
export type GradRule = (grad: Tensor, saved: Tensor[], node: Node) => (Tensor | null)[];

export interface InputMeta {
  shape: readonly number[];
  dtype: string;
}

export class Node {
  /** Edges to input nodes; null where the input needs no gradient. */
  readonly next: (Node | null)[];
  readonly inputMeta: InputMeta[];
  private savedTensors: Tensor[];
  private savedVersions: number[];
  private rule: GradRule | null;
  private readonly hadSaved: boolean;
  /** Set for AccumulateGrad nodes: the leaf tensor. */
  readonly variable: Tensor | null;
  /** A non-leaf output with retainGrad() on. */
  retained: WeakRef<Tensor> | null = null;
  /** Extra data a rule needs that is not a tensor (dims, shapes, scalars). */
  ctx: Record<string, unknown> = {};

  constructor(
    readonly name: string,
    inputs: readonly (Tensor | null)[],
    rule: GradRule | null,
    saved: readonly Tensor[] = [],
    variable: Tensor | null = null,
  ) {
    this.next = inputs.map((t) => (t && t.requiresGrad ? edgeOf(t) : null));
    this.inputMeta = inputs.map((t) => ({ shape: t ? t.shape : [], dtype: t ? t.dtype : 'float32' }));
    this.rule = rule;
    this.savedTensors = [...saved];
    this.savedVersions = saved.map((t) => t._storage.version);
    this.hadSaved = saved.length > 0;
    this.variable = variable;
  }

  /** Runs the rule, after checking that no saved tensor was modified in place since. */
  apply(grad: Tensor): (Tensor | null)[] {
    if (!this.rule || (this.hadSaved && this.savedTensors.length === 0)) {
      throw new AutogradError(
        'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). ' +
          'Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). ' +
          'Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.',
      );
    }
    for (let i = 0; i < this.savedTensors.length; i++) {
      const t = this.savedTensors[i];
      if (t._storage.version !== this.savedVersions[i]) {
        throw new AutogradError(
          `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
            `[${t.dtype} [${t.shape.join(', ')}]], which is saved by ${this.name}, is at version ${t._storage.version}; ` +
            `expected version ${this.savedVersions[i]} instead.`,
        );
      }
    }
    return this.rule(grad, this.savedTensors, this);
  }

  /** Frees what the rule saved (after a backward pass without retainGraph). */
  release(): void {
    if (this.hadSaved) {
      this.savedTensors = [];
      this.rule = null;
    }
  }

  get saved(): readonly Tensor[] {
    return this.savedTensors;
  }

  toString(): string {
    return `<${this.name}>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `<${this.name}>`;
  }
}

/** The node a gradient for t flows into: its gradFn, or its AccumulateGrad node if a leaf. */
export function edgeOf(t: Tensor): Node {
  if (t.gradFn) return t.gradFn;
  if (!t._accNode) t._accNode = new Node('AccumulateGrad', [], null, [], t);
  return t._accNode;
}

/**
 * Records a differentiable op: when grad mode is on and some input requires grad, out gets a
 * node with the rule. Returns out.
 */
export function record<T extends Tensor>(
  name: string,
  inputs: readonly (Tensor | null)[],
  out: T,
  rule: GradRule,
  saved: readonly Tensor[] = [],
  ctx?: Record<string, unknown>,
): T {
  if (!isGradEnabled()) return out;
  let any = false;
  for (const t of inputs) if (t && t.requiresGrad) any = true;
  if (!any) return out;
  const node = new Node(name, inputs, rule, saved);
  if (ctx) node.ctx = ctx;
  out._setGradFn(node);
  return out;
}

/** Gives a recorded output's node the name PyTorch shows for a composite op. */
export function renameNode<T extends Tensor>(t: T, name: string): T {
  if (t.gradFn) Object.defineProperty(t.gradFn, 'name', { value: name });
  return t;
}

/** True when an op on these inputs would record a node. */
export function wouldRecord(...inputs: (Tensor | number | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t && typeof t === 'object' && t.requiresGrad) return true;
  return false;
}
