/** torch.nn.utils: gradient clipping. */
import { noGrad } from '../autograd/mode';
import { ArgumentError, argError } from '../errors';
import { stack } from '../ops/movement';
import { zeros } from '../ops/creation';
import { Tensor } from '../tensor';

function gradsOf(params: Iterable<Tensor> | Tensor, fn: string): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...(params as Iterable<Tensor>)];
  for (const p of list) if (!(p instanceof Tensor)) throw argError(fn, 'an iterable of Tensors', p);
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/**
 * Scales gradients in place so their joint norm is at most maxNorm; returns the norm before
 * clipping. As PyTorch: coefficient maxNorm / (norm + 1e-6), clamped to 1.
 * @example const norm = nn.utils.clipGradNorm_(model.parameters(), 1.0);
 */
export function clipGradNorm_(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  { normType = 2, errorIfNonfinite = false }: { normType?: number; errorIfNonfinite?: boolean } = {},
): Tensor {
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw argError('clipGradNorm_', 'a number maxNorm', maxNorm);
  if (typeof normType !== 'number' || Number.isNaN(normType)) throw argError('clipGradNorm_', 'a number normType', normType);
  const grads = gradsOf(params, 'clipGradNorm_');
  if (grads.length === 0) return zeros([]);
  return noGrad(() => {
    const norms = grads.map((g) => (normType === Infinity ? g.abs().amax() : g.norm(normType)));
    const all = stack(norms);
    const total = normType === Infinity ? all.amax() : all.norm(normType);
    for (const n of norms) n.dispose();
    all.dispose();
    const t = Number(total.item());
    if (errorIfNonfinite && !Number.isFinite(t)) {
      throw new ArgumentError(`The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`errorIfNonfinite: false\``);
    }
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
    for (const g of grads) g.mul_(coef);
    coef.dispose();
    return total;
  });
}

/** Clamps every gradient to [-clipValue, clipValue] in place. */
export function clipGradValue_(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) throw argError('clipGradValue_', 'a number clipValue', clipValue);
  noGrad(() => {
    for (const g of gradsOf(params, 'clipGradValue_')) g.clamp_(-clipValue, clipValue);
  });
}
