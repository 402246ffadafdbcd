/**
 * The backward engine: topological traversal from the roots, one gradient per node accumulated
 * from its consumers, each input's gradient summed back to that input's shape and cast to its
 * dtype (the one place where broadcasting is undone), AccumulateGrad into leaves' .grad.
 */
import { AutogradError, ShapeError } from '../errors';
import { sameShape } from '../shape/shape';
import type { Tensor } from '../tensor';
import { enableGrad, isGradEnabled, noGrad } from './mode';
import { Node, edgeOf } from './node';
import { keep, tidy } from '../memory';

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  inputs?: Tensor[];
}

// Lazily loaded to keep module initialisation acyclic.
const ops = () => ({
  E: require('../ops/elementwise') as typeof import('../ops/elementwise'),
  R: require('../ops/reduce') as typeof import('../ops/reduce'),
  C: require('../ops/convert') as typeof import('../ops/convert'),
  Cr: require('../ops/creation') as typeof import('../ops/creation'),
});

/** Sums a gradient over the dims that broadcasting expanded, back to `shape`. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const { R } = ops();
  const lead = g.dim() - shape.length;
  if (lead < 0) throw new ShapeError(`gradient of shape [${g.shape}] cannot be reduced to [${shape}]`);
  const dims: number[] = [];
  for (let d = 0; d < g.dim(); d++) if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) dims.push(d);
  let r = dims.length ? R.sum(g, dims, true) : g;
  if (lead > 0) r = r.reshape([...shape]);
  if (!sameShape(r.shape, shape)) throw new ShapeError(`gradient of shape [${g.shape}] cannot be reduced to [${shape}]`);
  return r;
}

function collect(roots: Node[]): Map<Node, number> {
  // dependency counts: how many consumers will send a gradient to each node
  const deps = new Map<Node, number>();
  const seen = new Set<Node>();
  const stack = [...roots];
  for (const r of roots) seen.add(r);
  while (stack.length) {
    const n = stack.pop()!;
    for (const m of n.next) {
      if (!m) continue;
      deps.set(m, (deps.get(m) ?? 0) + 1);
      if (!seen.has(m)) {
        seen.add(m);
        stack.push(m);
      }
    }
  }
  return deps;
}

/**
 * Runs the backward pass from `roots` with output gradients `grads` (null: ones for a one-element
 * root). With `capture`, gradients for those nodes are returned instead of accumulated into .grad.
 */
export function runBackward(
  roots: Tensor[],
  grads: (Tensor | null)[],
  opts: BackwardOptions,
  capture?: Node[],
): Map<Node, Tensor> {
  const { Cr } = ops();
  const rootNodes: Node[] = [];
  const pending = new Map<Node, Tensor>();
  roots.forEach((t, i) => {
    if (!t.requiresGrad) {
      throw new AutogradError('element 0 of tensors does not require grad and does not have a grad_fn');
    }
    let g = grads[i];
    let own = false;
    if (!g) {
      if (t.numel() !== 1) throw new AutogradError('grad can be implicitly created only for scalar outputs');
      g = noGrad(() => Cr.onesLike(t));
      own = true;
    } else if (!sameShape(g.shape, t.shape)) {
      throw new ShapeError(`Mismatch in shape: grad_output[${i}] has a shape of [${g.shape}] and output[${i}] has a shape of [${t.shape}].`);
    }
    const n = edgeOf(t);
    rootNodes.push(n);
    // the engine owns every pending gradient object; a caller's tensor is only viewed
    pending.set(n, pending.has(n) ? ops().E.add(pending.get(n)!, g) : own ? g : g.detach());
  });
  const deps = collect(rootNodes);
  const captured = new Map<Node, Tensor>();
  const captureSet = new Set(capture ?? []);
  const ready = rootNodes.filter((n, i) => rootNodes.indexOf(n) === i && !deps.get(n));
  const visited: Node[] = [];
  const run = () => {
    while (ready.length) {
      const node = ready.pop()!;
      visited.push(node);
      const g = pending.get(node)!;
      pending.delete(node);
      if (captureSet.has(node)) captured.set(node, g);
      const kept = node.retained?.deref();
      if (kept && !capture) kept.grad = keep(accumulate(kept.grad, g, opts.createGraph));
      if (node.variable) {
        if (!capture) accumulateLeaf(node.variable, g, opts.createGraph);
        if (!opts.createGraph && !captureSet.has(node)) g.dispose();
        continue;
      }
      // run the rule and fold its gradients into the pending ones; without createGraph every
      // temporary the rule made is freed at once (tidy), only the new pending sums survive
      const step = (): [Node, Tensor][] => {
        const inGrads = node.apply(g);
        // one input may appear on several edges (x.dot(x)): sum within the step too
        const local = new Map<Node, Tensor>();
        node.next.forEach((m, i) => {
          let gi = inGrads[i];
          if (!m || !gi) return;
          const meta = node.inputMeta[i];
          gi = sumToShape(gi, meta.shape);
          if (gi.dtype !== meta.dtype) gi = ops().C.cast(gi, meta.dtype as Tensor['dtype']);
          const prev = local.get(m) ?? pending.get(m);
          local.set(m, prev ? ops().E.add(prev, gi) : opts.createGraph ? gi : gi.detach());
        });
        return [...local.entries()];
      };
      const updates = opts.createGraph ? step() : tidy(step);
      for (const [m, v] of updates) {
        const prev = pending.get(m);
        if (prev && !opts.createGraph) prev.dispose();
        pending.set(m, v);
      }
      if (!opts.createGraph && !captureSet.has(node)) g.dispose();
      releaseDependants(node, deps, ready, pending);
    }
  };
  if (opts.createGraph) enableGrad(run);
  else noGrad(run);
  if (!opts.retainGraph) for (const n of visited) n.release();
  return captured;
}

/**
 * Counts a finished node off each input node's dependencies; an input whose consumers are all
 * done becomes ready, or, if no gradient reached it, is finished the same way in turn.
 */
function releaseDependants(node: Node, deps: Map<Node, number>, ready: Node[], pending: Map<Node, Tensor>): void {
  for (const m of node.next) {
    if (!m) continue;
    const left = deps.get(m)! - 1;
    deps.set(m, left);
    if (left === 0) {
      if (pending.has(m)) ready.push(m);
      else releaseDependants(m, deps, ready, pending);
    }
  }
}

function accumulate(prev: Tensor | null, g: Tensor, createGraph?: boolean): Tensor {
  const { E } = ops();
  if (prev === null) return createGraph ? g : g.detach();
  if (createGraph) return E.add(prev, g);
  return prev.add_(g.detach());
}

function accumulateLeaf(t: Tensor, g: Tensor, createGraph?: boolean): void {
  if (t.grad === null) {
    // own the gradient: rules may hand the same tensor to several inputs, and a caller's
    // gradient tensor must not be written by later accumulation
    t.grad = keep(createGraph ? g : g.detach().clone());
  } else if (createGraph) {
    t.grad = keep(ops().E.add(t.grad, g));
  } else {
    noGrad(() => t.grad!.add_(g));
  }
}

/** tensor.backward(): accumulate gradients of roots into the leaves' .grad. */
export function backward(roots: Tensor[], grads: (Tensor | null)[], opts: BackwardOptions = {}): void {
  if (opts.inputs) {
    const caps = runBackward(roots, grads, { ...opts }, opts.inputs.map(edgeOf));
    for (const t of opts.inputs) {
      const g = caps.get(edgeOf(t));
      if (g) accumulateLeaf(t, g, opts.createGraph);
    }
    return;
  }
  runBackward(roots, grads, opts);
}

/**
 * Gradients of outputs with respect to inputs, returned rather than accumulated
 * (torch.autograd.grad). With createGraph the result is itself differentiable.
 * @example const [dx] = torch.autograd.grad(y, x, { createGraph: true });
 */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  opts: { gradOutputs?: Tensor | (Tensor | null)[]; retainGraph?: boolean; createGraph?: boolean; allowUnused?: boolean } = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const gos = opts.gradOutputs === undefined ? outs.map(() => null) : Array.isArray(opts.gradOutputs) ? opts.gradOutputs : [opts.gradOutputs];
  for (const t of ins) if (!t.requiresGrad) throw new AutogradError('One of the differentiated Tensors does not require grad');
  const retain = opts.retainGraph ?? opts.createGraph ?? false;
  const caps = runBackward(outs, gos, { retainGraph: retain, createGraph: opts.createGraph }, ins.map(edgeOf));
  return ins.map((t) => {
    const g = caps.get(edgeOf(t)) ?? null;
    if (g === null && !opts.allowUnused) {
      throw new AutogradError('One of the differentiated Tensors appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.');
    }
    return g;
  });
}

export { isGradEnabled };
