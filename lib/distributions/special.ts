/**
 * log Γ(x) for the distributions' normalising constants (Multinomial's log n!/∏ x_i!). kindling has
 * no lgamma kernel yet, and these constants never need a gradient, so they are computed here on
 * the host and handed back as tensors.
 */
import { CPU } from '../device';
import { TYPED_ARRAY } from '../dtype';
import { to, values } from '../ops/convert';
import { Tensor, allocTensor } from '../tensor';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

// log (n-1)! for n = 1 .. 171 from the exact-as-doubles factorials, so lgamma(1) = lgamma(2) = 0
// exactly and log-probabilities of small counts carry no series error
const LOG_FACTORIAL: number[] = [];
for (let n = 0, f = 1; n <= 170; n++, f *= n) LOG_FACTORIAL.push(Math.log(f));

/**
 * log|Γ(x)| for a JS number: Γ's recurrence lifts x to at least 15, where Stirling's series
 * (terms up to x^-9; the first omitted term, 691 / (360360 x^11), is below 3e-16 there) is accurate; negative arguments use the reflection
 * formula Γ(x)Γ(1-x) = π / sin(πx). Poles (0, -1, -2, ...) give +Infinity, as torch.lgamma does.
 * @example lgamma(5) // log(4!) = 3.1780538303479458
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (Number.isInteger(x) && x <= LOG_FACTORIAL.length) return LOG_FACTORIAL[x - 1];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  let shift = 0;
  let prod = 1;
  while (x < 15) {
    prod *= x;
    x += 1;
    if (prod > 1e280) {
      shift += Math.log(prod);
      prod = 1;
    }
  }
  shift += Math.log(prod);
  const r = 1 / x;
  const r2 = r * r;
  // Stirling: B_2k / (2k (2k-1) x^(2k-1)) for k = 1..5
  const series = r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188)))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series - shift;
}

/** lgamma applied to every element of a floating tensor; a new tensor of the same dtype, shape and device (no gradient). */
export function lgammaTensor(t: Tensor): Tensor {
  const src = values(t);
  const dtype = t.dtype === 'float64' ? 'float64' : 'float32';
  const out = allocTensor([...t.shape], dtype, CPU, false);
  const dst = new TYPED_ARRAY[dtype](out._buf, 0, src.length) as Float32Array | Float64Array;
  for (let i = 0; i < src.length; i++) dst[i] = lgamma(Number(src[i]));
  return to(out, t.device);
}
