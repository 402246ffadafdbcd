/** Grad mode: whether ops record autograd nodes. */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

function withMode<R>(mode: boolean, fn: () => R): R {
  const prev = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/**
 * Runs fn without recording autograd nodes (PyTorch's `with torch.no_grad():`).
 * @example
 * torch.noGrad(() => w.sub_(w.grad!.mul(lr)));
 */
export const noGrad = <R>(fn: () => R): R => withMode(false, fn);

/** Runs fn with recording on, even inside noGrad. */
export const enableGrad = <R>(fn: () => R): R => withMode(true, fn);

/** Sets grad mode globally (PyTorch's torch.set_grad_enabled). */
export function setGradEnabled(mode: boolean): void {
  enabled = !!mode;
}
