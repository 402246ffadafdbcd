/**
 * Explicit memory management. Native memory is invisible to V8's collector, so besides the
 * finalizer backstop kindling offers `dispose()` and `tidy(fn)`, as tfjs does.
 */
import type { Tensor } from './tensor';

const scopes: Set<Tensor>[] = [];

/** Called by every new tensor: the innermost tidy scope takes ownership. */
export function track(t: Tensor): void {
  if (scopes.length) scopes[scopes.length - 1].add(t);
}

/** Keeps a tensor alive past the tidy scope it was created in. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

function collect(v: unknown, out: Set<Tensor>, isTensor: (x: unknown) => x is Tensor, depth = 0): void {
  if (depth > 8 || v === null || typeof v !== 'object') return;
  if (isTensor(v)) {
    out.add(v);
    return;
  }
  if (Array.isArray(v)) for (const x of v) collect(x, out, isTensor, depth + 1);
  else if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) collect(x, out, isTensor, depth + 1);
}

/**
 * Runs fn and disposes every tensor created inside it except those it returns (in arrays or
 * plain objects too), and their gradients.
 * @example
 * const y = torch.tidy(() => x.mul(2).add(1)); // the intermediate x*2 is freed
 */
export function tidy<R>(fn: () => R): R {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: R;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const kept = new Set<Tensor>();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { Tensor: T } = require('./tensor') as typeof import('./tensor');
  collect(result, kept, (x): x is Tensor => x instanceof T);
  // tensors saved by the autograd graph of a returned tensor stay alive for its backward pass
  const seen = new Set<unknown>();
  const stack = [...kept].map((t) => t.gradFn).filter((n) => n !== null);
  const saved = new Set<Tensor>();
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const s of n.saved) saved.add(s);
    for (const m of n.next) if (m) stack.push(m);
  }
  for (const t of scope) {
    if (kept.has(t) || saved.has(t)) {
      if (scopes.length) scopes[scopes.length - 1].add(t);
    } else if (!t.requiresGrad || t.gradFn !== null) {
      // leaf parameters created inside a scope (requiresGrad, no gradFn) are kept: they are state
      t.dispose();
    }
  }
  return result;
}
