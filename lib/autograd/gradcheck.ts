/**
 * Finite-difference gradient checking (torch.autograd.gradcheck): compares the analytical
 * Jacobian from backward passes with central differences in float64.
 */
import { AutogradError } from '../errors';
import type { Tensor } from '../tensor';
import { grad } from './engine';
import { noGrad } from './mode';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** throw with details on mismatch (default) or return false */
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor;

function flatValues(t: Tensor): Float64Array {
  return Float64Array.from(t._values() as Float64Array);
}

/**
 * Checks the gradients of fn at inputs (float64 tensors with requiresGrad) against finite
 * differences. Returns true, or throws (or returns false) describing the first mismatch.
 * @example torch.gradcheck((x) => x.pow(3).sum(), [torch.randn(4, { dtype: 'float64', requiresGrad: true })])
 */
export function gradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): boolean {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const raise = opts.raiseException ?? true;
  const diff = inputs.filter((t) => t.requiresGrad);
  for (const t of diff) {
    if (t.dtype !== 'float64') throw new AutogradError(`gradcheck expects float64 inputs that require grad (got ${t.dtype}); finite differences in float32 are too coarse`);
  }
  const out0 = fn(...inputs);
  const outN = out0.numel();
  // analytical: one backward per output element
  const analytical = diff.map((t) => new Float64Array(t.numel() * outN));
  const { onesLike, zerosLike } = require('../ops/creation') as typeof import('../ops/creation');
  for (let j = 0; j < outN; j++) {
    const out = fn(...inputs);
    const go = zerosLike(out);
    go.reshape(-1).set(String(j), 1);
    const gs = grad(out, diff, { gradOutputs: go, allowUnused: true });
    gs.forEach((g, k) => {
      const v = g ? flatValues(g) : new Float64Array(diff[k].numel());
      for (let i = 0; i < v.length; i++) analytical[k][i * outN + j] = v[i];
    });
  }
  void onesLike;
  // numerical: central differences, perturbing each input element in place
  for (let k = 0; k < diff.length; k++) {
    const t = diff[k];
    // perturb in place through t's own layout (a reshape of a non-contiguous t would copy)
    const base = t.detach();
    const coords = (i: number) => {
      const c: number[] = [];
      for (let d = t.dim() - 1; d >= 0; d--) {
        c.unshift(i % t.shape[d]);
        i = Math.floor(i / t.shape[d]);
      }
      return c;
    };
    const flat = {
      get: (i: number) => base.index(coords(i)),
      set: (i: string, v: number) => base.set(coords(Number(i)), v),
    };
    for (let i = 0; i < t.numel(); i++) {
      const x0 = flat.get(i).item() as number;
      // fn runs with grad mode as the caller has it: gradgradcheck's fn differentiates inside
      const at = (v: number) => {
        noGrad(() => flat.set(String(i), v));
        return flatValues(fn(...inputs));
      };
      const plus = at(x0 + eps);
      const minus = at(x0 - eps);
      noGrad(() => flat.set(String(i), x0));
      for (let j = 0; j < outN; j++) {
        const num = (plus[j] - minus[j]) / (2 * eps);
        const ana = analytical[k][i * outN + j];
        if (!(Math.abs(num - ana) <= atol + rtol * Math.abs(num))) {
          if (!raise) return false;
          throw new AutogradError(
            `Jacobian mismatch for output ${j} with respect to input ${k}, element ${i}: numerical ${num}, analytical ${ana}`,
          );
        }
      }
    }
  }
  return true;
}

/** Checks second derivatives: gradcheck of the (createGraph) gradient of fn. */
export function gradgradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): boolean {
  const diff = inputs.filter((t) => t.requiresGrad);
  const first = (...xs: Tensor[]) => {
    const out = fn(...xs).sum();
    const gs = grad(out, xs.filter((t) => t.requiresGrad), { createGraph: true, allowUnused: true });
    const { cat } = require('../ops/movement') as typeof import('../ops/movement');
    return cat(gs.map((g, i) => (g ?? diff[i].mul(0)).reshape(-1)));
  };
  return gradcheck(first, inputs, opts);
}
