// torch.distributions and torch.multinomial: deterministic quantities (mean, variance, entropy,
// logProb, cdf) against PyTorch's values recorded by scripts/fixtures/distributions.py; sampling by
// fixed-seed statistical tests whose thresholds are stated with their mathematics, so they can fail
// but are never flaky; and PyTorch's argument validation.
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib';
import { Tensor } from '../lib';
import { Bernoulli, Categorical, Distribution, Multinomial, Normal, Uniform, lgamma, multinomial, setDefaultValidateArgs } from '../lib/distributions';
import { TensorFx, expectClose, fromFixture, valuesOf } from './helpers';

type Arg = TensorFx | number | { kw: 'probs' | 'logits'; value: TensorFx };
interface Case {
  name: string;
  dist: 'Bernoulli' | 'Categorical' | 'Multinomial' | 'Normal' | 'Uniform';
  args: Arg[];
  value: TensorFx | null;
  outputs: Record<string, TensorFx>;
}

const cases: Case[] = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'distributions.json'), 'utf8'));

function build(c: Case): Distribution {
  const conv = (a: Arg): unknown => {
    if (typeof a === 'number') return a;
    if ('kw' in a) return { [a.kw]: fromFixture(a.value) };
    return fromFixture(a);
  };
  const a = c.args.map(conv) as never[];
  switch (c.dist) {
    case 'Bernoulli': return new Bernoulli(a[0]);
    case 'Categorical': return new Categorical(a[0]);
    case 'Multinomial': return new Multinomial(a[0], a[1]);
    case 'Normal': return new Normal(a[0], a[1]);
    case 'Uniform': return new Uniform(a[0], a[1]);
  }
}

const TOL = { rtol: 1e-5, atol: 1e-6 };

describe('distributions against PyTorch 1.13 values', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const d = build(c);
    const got: Record<string, () => Tensor> = {
      mean: () => d.mean,
      variance: () => d.variance,
      stddev: () => d.stddev,
      entropy: () => d.entropy(),
      logProb: () => d.logProb(fromFixture(c.value!)),
      cdf: () => (d as Uniform).cdf(fromFixture(c.value!)),
    };
    for (const [k, exp] of Object.entries(c.outputs)) expectClose(got[k](), exp, TOL, `${c.name} ${k}`);
  });
});

// Pearson's statistic Σ (observed - expected)² / expected.
function chiSquare(counts: number[], probs: number[], n: number): number {
  return counts.reduce((acc, o, i) => acc + (o - n * probs[i]) ** 2 / (n * probs[i]), 0);
}
function bincount(t: Tensor, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const v of valuesOf(t)) c[v]++;
  return c;
}
// 0.999 quantiles of the chi-square distribution: 5 dof 20.515, 3 dof 16.266 (standard tables).
const CHI2_999_5DOF = 20.52;
const CHI2_999_3DOF = 16.27;

describe('multinomial (torch.multinomial)', () => {
  const fair = [1, 1, 1, 1, 1, 1].map((x) => x / 6);

  test('1e5 fair die rolls pass a chi-square test at the 0.999 level, and a loaded die fails it', () => {
    torch.manualSeed(0);
    const n = 100000;
    const rolls = multinomial(torch.tensor(fair), n, { replacement: true });
    expect(rolls.dtype).toBe('int64');
    expect(rolls.shape).toEqual([n]);
    const counts = bincount(rolls, 6);
    expect(chiSquare(counts, fair, n)).toBeLessThan(CHI2_999_5DOF);
    // the test has power: the same rolls judged against a die loaded 1/2 on face six fail by far
    expect(chiSquare(counts, [0.1, 0.1, 0.1, 0.1, 0.1, 0.5], n)).toBeGreaterThan(1000);
  });

  test('unnormalised weights, a loaded die, and rows drawn independently', () => {
    torch.manualSeed(1);
    const n = 100000;
    const w = [1, 1, 1, 1, 1, 5];
    const rows = multinomial(torch.tensor([w, [...w].reverse()]), n, true);
    expect(rows.shape).toEqual([2, n]);
    const p = w.map((x) => x / 10);
    expect(chiSquare(bincount(rows.index('0'), 6), p, n)).toBeLessThan(CHI2_999_5DOF);
    expect(chiSquare(bincount(rows.index('1'), 6), [...p].reverse(), n)).toBeLessThan(CHI2_999_5DOF);
  });

  test('categories of probability 0 are never drawn', () => {
    torch.manualSeed(2);
    const s = multinomial(torch.tensor([0, 0.5, 0, 0.5, 0]), 20000, { replacement: true });
    const c = bincount(s, 5);
    expect([c[0], c[2], c[4]]).toEqual([0, 0, 0]);
  });

  test('without replacement: distinct draws whose first and second picks follow sequential sampling', () => {
    torch.manualSeed(3);
    const p = [0.1, 0.2, 0.3, 0.4];
    const rows = 20000;
    const s = multinomial(torch.tensor(p).expand(rows, 4), 2);
    expect(s.shape).toEqual([rows, 2]);
    const v = valuesOf(s);
    let repeats = 0;
    for (let r = 0; r < rows; r++) if (v[2 * r] === v[2 * r + 1]) repeats++;
    expect(repeats).toBe(0);
    expect(chiSquare(bincount(s.index(':, 0'), 4), p, rows)).toBeLessThan(CHI2_999_3DOF);
    // P(second = j) = Σ_{i != j} p_i p_j / (1 - p_i): draw i first, then j from the rest renormalised
    const second = p.map((pj, j) => p.reduce((acc, pi, i) => (i === j ? acc : acc + (pi * pj) / (1 - pi)), 0));
    expect(second.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(chiSquare(bincount(s.index(':, 1'), 4), second, rows)).toBeLessThan(CHI2_999_3DOF);
  });

  test('without replacement, asking for every category gives a permutation', () => {
    torch.manualSeed(4);
    const s = multinomial(torch.tensor([0.1, 0.2, 0.7]), 3);
    expect([...valuesOf(s)].sort()).toEqual([0, 1, 2]);
  });

  test('manualSeed reproduces draws; another seed does not', () => {
    const draw = (seed: number) => {
      torch.manualSeed(seed);
      return valuesOf(multinomial(torch.tensor(fair), 50, { replacement: true }));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  test('validates like PyTorch', () => {
    const p = torch.tensor([0.2, 0.8]);
    expect(() => multinomial(torch.ones(2, 2, 2), 1)).toThrow(torch.ShapeError);
    expect(() => multinomial(torch.ones(2, 2, 2), 1)).toThrow(/prob_dist must be 1 or 2 dim/);
    expect(() => multinomial(torch.tensor([1, 2], { dtype: 'int64' }), 1)).toThrow(torch.DTypeError);
    expect(() => multinomial(p, 0)).toThrow(/cannot sample n_sample <= 0 samples/);
    expect(() => multinomial(p, 3)).toThrow(/cannot sample n_sample > prob_dist.size\(-1\) samples without replacement/);
    expect(() => multinomial(torch.tensor([0.5, -0.1]), 1)).toThrow(/contains either `inf`, `nan` or element < 0/);
    expect(() => multinomial(torch.tensor([0.5, NaN]), 1)).toThrow(torch.ArgumentError);
    expect(() => multinomial(torch.tensor([Infinity, 1]), 1)).toThrow(torch.ArgumentError);
    expect(() => multinomial(torch.zeros(3), 1, true)).toThrow(/sum of probabilities <= 0/);
    expect(() => multinomial(torch.tensor([1, 0, 0]), 2)).toThrow(/not enough non-negative category/);
    expect(() => multinomial(p, 1.5)).toThrow(torch.ArgumentError);
  });
});

describe('section 2.6: rolling a die with Multinomial', () => {
  const fairProbs = () => torch.ones(6).div(6);

  test('Multinomial(1, fair).sample() is one roll: a one-hot float vector', () => {
    torch.manualSeed(0);
    const s = new Multinomial(1, fairProbs()).sample();
    expect(s.dtype).toBe('float32');
    expect(s.shape).toEqual([6]);
    expect(valuesOf(s).sort()).toEqual([0, 0, 0, 0, 0, 1]);
  });

  test('Multinomial(1000, fair).sample() / 1000 estimates each face near 1/6', () => {
    torch.manualSeed(0);
    const est = valuesOf(new Multinomial(1000, fairProbs()).sample().div(1000));
    expect(est.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    // sd of one estimate: sqrt(p (1 - p) / 1000) = 0.0118; 5 sd = 0.059
    for (const e of est) expect(Math.abs(e - 1 / 6)).toBeLessThan(0.059);
  });

  test('500 groups of 10 rolls: counts sum to 10, estimates converge to 1/6', () => {
    torch.manualSeed(0);
    const counts = new Multinomial(10, fairProbs()).sample([500]);
    expect(counts.shape).toEqual([500, 6]);
    const v = valuesOf(counts);
    expect(v.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    expect(valuesOf(counts.sum(1)).every((s) => s === 10)).toBe(true);
    const cum = counts.cumsum(0);
    const estimates = cum.div(cum.sum({ dim: 1, keepdim: true }));
    const last = valuesOf(estimates.index('-1'));
    // 5000 rolls: sd sqrt(p (1 - p) / 5000) = 0.0053; 5 sd = 0.027
    for (const e of last) expect(Math.abs(e - 1 / 6)).toBeLessThan(0.027);
    expect(chiSquare(valuesOf(cum.index('-1')), Array(6).fill(1 / 6), 5000)).toBeLessThan(CHI2_999_5DOF);
  });

  test('1e5 rolls through Categorical pass the chi-square test', () => {
    torch.manualSeed(5);
    const rolls = new Categorical(fairProbs()).sample([100000]);
    expect(rolls.dtype).toBe('int64');
    expect(chiSquare(bincount(rolls, 6), Array(6).fill(1 / 6), 100000)).toBeLessThan(CHI2_999_5DOF);
  });

  test('the same seed gives the same counts', () => {
    torch.manualSeed(11);
    const a = valuesOf(new Multinomial(10, fairProbs()).sample([20]));
    torch.manualSeed(11);
    const b = valuesOf(new Multinomial(10, fairProbs()).sample([20]));
    expect(a).toEqual(b);
  });
});

describe('sample shapes and dtypes', () => {
  test('sampleShape + batchShape + eventShape', () => {
    torch.manualSeed(0);
    expect(new Categorical(torch.ones(2, 3)).sample([4]).shape).toEqual([4, 2]);
    expect(new Categorical(torch.ones(3)).sample().shape).toEqual([]);
    expect(new Multinomial(3, torch.ones(2, 3)).sample([4]).shape).toEqual([4, 2, 3]);
    expect(new Normal(torch.zeros(3), 1).sample([2, 5]).shape).toEqual([2, 5, 3]);
    expect(new Normal(0, 1).sample().shape).toEqual([]);
    expect(new Uniform(0, 1).sample(7).shape).toEqual([7]);
    expect(new Bernoulli(torch.full([2, 2], 0.5)).sample().shape).toEqual([2, 2]);
    expect(new Normal(torch.zeros(2, { dtype: 'float64' }), 1).sample().dtype).toBe('float64');
    expect(new Multinomial(4, torch.ones(2, 3)).batchShape).toEqual([2]);
    expect(new Multinomial(4, torch.ones(2, 3)).eventShape).toEqual([3]);
    expect(new Multinomial(0, torch.ones(3)).sample([2]).sum().item()).toBe(0);
  });

  test('a distribution made inside tidy() keeps its parameters', () => {
    torch.manualSeed(0);
    const [n, c, b] = torch.tidy(() => [new Normal(torch.zeros(2), 1), new Categorical(torch.ones(3)), new Bernoulli(torch.full([2], 0.5))]);
    expect(n.sample([3]).shape).toEqual([3, 2]);
    expect(n.logProb(torch.zeros(2)).shape).toEqual([2]);
    expect(c.sample([2]).shape).toEqual([2]);
    expect(b.entropy().shape).toEqual([2]);
  });

  test('Multinomial rows in a batch use their own probabilities', () => {
    torch.manualSeed(6);
    const s = new Multinomial(1000, torch.tensor([[1, 0, 0], [0, 0, 1]])).sample();
    expect(valuesOf(s)).toEqual([1000, 0, 0, 0, 0, 1000]);
  });
});

describe('sample moments (1e5 draws, fixed seeds, thresholds of 5 standard errors or more)', () => {
  const n = 100000;
  const moments = (t: Tensor) => ({ mean: t.mean().item() as number, std: t.std().item() as number });

  test('Normal(2, 3)', () => {
    torch.manualSeed(0);
    const { mean, std } = moments(new Normal(2, 3).sample([n]));
    // standard error of the mean 3 / sqrt(n) = 0.0095; of the sd about 3 / sqrt(2n) = 0.0067
    expect(Math.abs(mean - 2)).toBeLessThan(0.05);
    expect(Math.abs(std - 3)).toBeLessThan(0.04);
  });

  test('Uniform(-1, 3)', () => {
    torch.manualSeed(0);
    const s = new Uniform(-1, 3).sample([n]);
    expect(s.min().item()).toBeGreaterThanOrEqual(-1);
    expect(s.max().item()).toBeLessThan(3);
    const { mean, std } = moments(s);
    // mean 1, sd 4 / sqrt(12) = 1.1547; standard error of the mean 0.0037
    expect(Math.abs(mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(std - 4 / Math.sqrt(12))).toBeLessThan(0.01);
  });

  test('Bernoulli(0.3) and Bernoulli({ logits })', () => {
    torch.manualSeed(0);
    // standard error sqrt(0.3 * 0.7 / n) = 0.00145
    expect(Math.abs((new Bernoulli(0.3).sample([n]).mean().item() as number) - 0.3)).toBeLessThan(0.008);
    const s = new Bernoulli({ logits: torch.tensor([-2, 2]) }).sample([n]);
    const sig = 1 / (1 + Math.exp(2));
    const m = valuesOf(s.mean(0));
    expect(Math.abs(m[0] - sig)).toBeLessThan(0.006);
    expect(Math.abs(m[1] - (1 - sig))).toBeLessThan(0.006);
  });
});

describe('gradients', () => {
  test('Normal.rsample: d mean(loc + scale eps) / d loc = 1, / d scale = mean(eps)', () => {
    torch.manualSeed(0);
    const loc = torch.tensor(1.5, { requiresGrad: true });
    const scale = torch.tensor(2.0, { requiresGrad: true });
    const x = new Normal(loc, scale).rsample([1000]);
    x.mean().backward();
    expect(loc.grad!.item()).toBeCloseTo(1, 6);
    const eps = x.detach().sub(1.5).div(2).mean().item() as number;
    expect(scale.grad!.item()).toBeCloseTo(eps, 5);
  });

  test('Normal.logProb: d/d loc = (x - loc) / scale^2, d/d scale = (x - loc)^2 / scale^3 - 1 / scale', () => {
    const loc = torch.tensor(1.0, { requiresGrad: true });
    const scale = torch.tensor(2.0, { requiresGrad: true });
    new Normal(loc, scale).logProb(torch.tensor(4.0)).backward();
    expect(loc.grad!.item()).toBeCloseTo(3 / 4, 6);
    expect(scale.grad!.item()).toBeCloseTo(9 / 8 - 1 / 2, 6);
  });

  test('Categorical.logProb from logits: d/d logits = onehot - softmax', () => {
    const logits = torch.tensor([0.0, 1.0, 2.0], { requiresGrad: true });
    new Categorical({ logits }).logProb(torch.tensor(2, { dtype: 'int64' })).backward();
    const e = [1, Math.E, Math.E ** 2];
    const z = e.reduce((a, b) => a + b);
    const g = valuesOf(logits.grad!);
    [0, 0, 1].forEach((h, i) => expect(g[i]).toBeCloseTo(h - e[i] / z, 6));
  });

  test('sample() does not record a graph', () => {
    const loc = torch.zeros(2, { requiresGrad: true });
    expect(new Normal(loc, 1).sample().requiresGrad).toBe(false);
  });
});

describe('argument validation', () => {
  test('parameters outside their constraints', () => {
    expect(() => new Normal(0, -1)).toThrow(torch.ArgumentError);
    expect(() => new Normal(0, -1)).toThrow(/Expected parameter scale .* to satisfy the constraint GreaterThan\(lower_bound=0.0\), but found invalid values/s);
    expect(() => new Normal(torch.tensor([0, NaN]), 1)).toThrow(/parameter loc .*Real\(\)/s);
    expect(() => new Categorical(torch.tensor([-1, 2]))).toThrow(/parameter probs .*Simplex\(\)/s);
    expect(() => new Multinomial(3, torch.tensor([0.5, -0.5, 1]))).toThrow(/Simplex\(\)/);
    expect(() => new Bernoulli(1.5)).toThrow(/Interval\(lower_bound=0.0, upper_bound=1.0\)/);
    expect(() => new Uniform(1, 1)).toThrow(/Uniform is not defined when low >= high/);
  });

  test('wrong argument kinds', () => {
    expect(() => new Categorical({})).toThrow(/Either `probs` or `logits` must be specified, but not both/);
    expect(() => new Categorical({ probs: torch.ones(2), logits: torch.ones(2) })).toThrow(torch.ArgumentError);
    expect(() => new Categorical(torch.tensor(1))).toThrow(/at least one-dimensional/);
    expect(() => new Multinomial(2.5, torch.ones(2))).toThrow(/non-negative integer totalCount/);
    expect(() => new Normal('0' as never, 1)).toThrow(/expected loc to be a Tensor or a number but received "0"/);
    expect(() => new Normal(torch.zeros(2), torch.ones(3))).toThrow(torch.ShapeMismatchError);
    expect(() => new Normal(0, 1).sample([-1])).toThrow(torch.ShapeError);
  });

  test('logProb checks the support and the shape of its argument', () => {
    const c = new Categorical(torch.ones(3));
    expect(() => c.logProb(torch.tensor([3]))).toThrow(/to be within the support \(IntegerInterval\(lower_bound=0, upper_bound=2\)\)/);
    expect(() => c.logProb(torch.tensor([0.5]))).toThrow(torch.ArgumentError);
    expect(() => new Bernoulli(0.5).logProb(torch.tensor([0.5]))).toThrow(/Boolean\(\)/);
    expect(() => new Multinomial(3, torch.ones(3)).logProb(torch.tensor([2, 2, 0]))).toThrow(/Multinomial\(upper_bound=3\)/);
    expect(() => new Multinomial(3, torch.ones(3)).logProb(torch.tensor([1, 2]))).toThrow(/right-most size of value must match event_shape/);
    expect(() => new Normal(torch.zeros(3), 1).logProb(torch.zeros(2))).toThrow(/not broadcastable with batch_shape\+event_shape/);
    expect(() => new Uniform(0, 1).logProb(torch.tensor([2]))).toThrow(/support \(Interval/);
  });

  test('validateArgs: false skips the checks, and logProb is then -inf outside Uniform support', () => {
    expect(() => new Normal(0, -1, { validateArgs: false })).not.toThrow();
    const u = new Uniform(0, 1, { validateArgs: false });
    expect(u.logProb(torch.tensor([2])).item()).toBe(-Infinity);
    setDefaultValidateArgs(false);
    try {
      expect(() => new Categorical(torch.tensor([-1, 2]))).not.toThrow();
    } finally {
      setDefaultValidateArgs(true);
    }
    expect(() => new Categorical(torch.tensor([-1, 2]))).toThrow(torch.ArgumentError);
  });
});

describe('lgamma (for the Multinomial normaliser)', () => {
  test('Gamma(n + 1) = n!, Gamma(1/2) = sqrt(pi), reflection for negative arguments, poles', () => {
    let logFact = 0;
    let worst = 0;
    for (let n = 1; n <= 300; n++) {
      logFact += Math.log(n);
      worst = Math.max(worst, Math.abs(lgamma(n + 1) - logFact) / Math.max(1, logFact));
      // non-integers take the series path: Gamma(x + 1) = x Gamma(x)
      const x = n + 0.37;
      worst = Math.max(worst, Math.abs(lgamma(x + 1) - Math.log(x) - lgamma(x)) / lgamma(x + 1));
    }
    expect(worst).toBeLessThan(1e-13);
    expect(lgamma(1)).toBe(0);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    // Gamma(-1/2) = -2 sqrt(pi)
    expect(lgamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 13);
    expect(lgamma(0)).toBe(Infinity);
    expect(lgamma(-3)).toBe(Infinity);
    expect(Number.isNaN(lgamma(NaN))).toBe(true);
  });

  test('toString names the parameters', () => {
    expect(String(new Normal(0, 1))).toBe('Normal(loc: tensor(0.), scale: tensor(1.))');
    expect(String(new Categorical(torch.ones(2, 3)))).toBe('Categorical(probs: [2, 3])');
  });
});
