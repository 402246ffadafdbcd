/**
 * torch.multinomial: category indices drawn from rows of (unnormalised) probabilities, with or
 * without replacement. The uniforms come from kindling's default generator (`rand`), so a
 * `manualSeed` reproduces every draw; the search over each row runs on the host.
 */
import { CPU } from '../device';
import { isFloating } from '../dtype';
import { ArgumentError, DTypeError, ShapeError, argError } from '../errors';
import { rand } from '../ops/creation';
import { to, values } from '../ops/convert';
import { Tensor, allocTensor } from '../tensor';

/** Options of {@link multinomial}. */
export interface MultinomialOptions {
  /** Draw with replacement (default false, as torch.multinomial). */
  replacement?: boolean;
}

const MAX_CATEGORIES = 2 ** 24;

/**
 * Draws `numSamples` category indices from each row of `probs` (a 1-D or 2-D float tensor of
 * non-negative weights that need not sum to 1). Returns int64 of shape [numSamples] or
 * [rows, numSamples]. Without replacement every index appears at most once per row, and
 * categories of probability 0 are never drawn.
 * @example
 * torch.manualSeed(0);
 * const fair = torch.ones(6).div(6);
 * multinomial(fair, 10, { replacement: true }); // ten die rolls, e.g. tensor([3, 0, 5, ...])
 * multinomial(torch.tensor([0.1, 0.2, 0.7]), 3); // a random order of 0, 1, 2
 */
export function multinomial(probs: Tensor, numSamples: number, opts: MultinomialOptions | boolean = {}): Tensor {
  if (!(probs instanceof Tensor)) throw argError('multinomial', 'a Tensor of probabilities', probs);
  const replacement = typeof opts === 'boolean' ? opts : !!opts.replacement;
  if (typeof opts !== 'boolean' && (typeof opts !== 'object' || opts === null)) throw argError('multinomial', 'options { replacement }', opts);
  if (probs.dim() !== 1 && probs.dim() !== 2) throw new ShapeError(`multinomial: prob_dist must be 1 or 2 dim, but received a ${probs.dim()}-D tensor of shape [${probs.shape}]`);
  if (!isFloating(probs.dtype)) throw new DTypeError(`multinomial only supports floating-point dtypes for input, got: ${probs.dtype}`);
  if (typeof numSamples !== 'number' || !Number.isInteger(numSamples)) throw argError('multinomial', 'an integer number of samples', numSamples);
  if (numSamples <= 0) throw new ArgumentError(`multinomial: cannot sample n_sample <= 0 samples (received numSamples=${numSamples})`);
  const k = probs.shape[probs.dim() - 1];
  const rows = probs.dim() === 2 ? probs.shape[0] : 1;
  if (k > MAX_CATEGORIES) throw new ArgumentError(`multinomial: number of categories cannot exceed 2^24 (received ${k})`);
  if (!replacement && numSamples > k) {
    throw new ArgumentError(`multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement (n_sample=${numSamples}, size ${k})`);
  }
  const p = values(probs) as Float32Array | Float64Array;
  for (let r = 0; r < rows; r++) {
    let total = 0;
    let positive = 0;
    for (let j = 0; j < k; j++) {
      const v = p[r * k + j];
      if (!(v >= 0) || v === Infinity) throw new ArgumentError(`multinomial: probability tensor contains either \`inf\`, \`nan\` or element < 0 (row ${r}, category ${j}: ${v})`);
      total += v;
      if (v > 0) positive++;
    }
    if (!(total > 0)) throw new ArgumentError(`multinomial: invalid multinomial distribution (sum of probabilities <= 0) in row ${r}`);
    if (!replacement && positive < numSamples) {
      throw new ArgumentError(
        `multinomial: invalid multinomial distribution (with replacement=False, not enough non-negative category to sample): row ${r} has ${positive} categories of nonzero probability but ${numSamples} samples were asked for`,
      );
    }
  }
  const out = allocTensor(probs.dim() === 2 ? [rows, numSamples] : [numSamples], 'int64', CPU, false);
  const o = new BigInt64Array(out._buf, 0, rows * numSamples);
  if (replacement) sampleWithReplacement(p, rows, k, numSamples, o);
  else sampleWithoutReplacement(p, rows, k, numSamples, o);
  return to(out, probs.device);
}

/** Inverse-CDF search: the first category whose running total exceeds u * total. */
function sampleWithReplacement(p: Float32Array | Float64Array, rows: number, k: number, n: number, o: BigInt64Array): void {
  const u = rand([rows, n], { dtype: 'float64' });
  const uv = values(u) as Float64Array;
  u.dispose();
  const cdf = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let j = 0; j < k; j++) cdf[j] = acc += p[r * k + j];
    for (let s = 0; s < n; s++) {
      const target = uv[r * n + s] * acc;
      let lo = 0;
      let hi = k - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid] > target) hi = mid;
        else lo = mid + 1;
      }
      o[r * n + s] = BigInt(lo);
    }
  }
}

/**
 * Sequential draws without replacement in one pass: category j gets the key log(u_j) / p_j and the
 * n largest keys win, in order (the largest key is the first draw). This has the same law as
 * drawing one category, removing it, renormalising and repeating (Efraimidis and Spirakis, 2006).
 */
function sampleWithoutReplacement(p: Float32Array | Float64Array, rows: number, k: number, n: number, o: BigInt64Array): void {
  const u = rand([rows, k], { dtype: 'float64' });
  const uv = values(u) as Float64Array;
  u.dispose();
  const keys = new Float64Array(k);
  const order = Array.from({ length: k }, (_, j) => j);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < k; j++) {
      const pj = p[r * k + j];
      // u = 0 (probability 2^-53) would tie with the excluded categories' -Infinity
      keys[j] = pj > 0 ? Math.log(uv[r * k + j] || Number.MIN_VALUE) / pj : -Infinity;
    }
    for (let j = 0; j < k; j++) order[j] = j;
    order.sort((a, b) => keys[b] - keys[a] || a - b);
    for (let s = 0; s < n; s++) o[r * n + s] = BigInt(order[s]);
  }
}
