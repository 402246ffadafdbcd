// torch.nn behaviour that needs no PyTorch fixture: the Module API (parameters, stateDict,
// loadStateDict, train/eval, zeroGrad), simple modules, dropout and nn.init. Random fills come from
// kindling's own generator, so they are checked by statistics, with fixed seeds (never flaky); each
// bound is stated next to its test. "SE" is a standard error: sigma / sqrt(n) for a sample mean and
// about sigma / sqrt(2n) for a sample standard deviation of a normal sample.
import * as torch from '../lib';
import type { Tensor } from '../lib';
import { valuesOf } from './helpers';

const { nn } = torch;
const F = nn.functional;

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = valuesOf(t);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const varp = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
  return { mean, std: Math.sqrt(varp), min: Math.min(...v), max: Math.max(...v) };
}

describe('nn.Linear', () => {
  test('parameters: weight [out, in], bias [out], leaf Parameters requiring grad', () => {
    const lin = new nn.Linear(3, 2);
    expect(lin.weight.shape).toEqual([2, 3]);
    expect(lin.bias!.shape).toEqual([2]);
    expect(lin.weight.dtype).toBe('float32');
    expect(lin.weight.requiresGrad && lin.bias!.requiresGrad).toBe(true);
    expect(lin.weight.isLeaf && lin.bias!.isLeaf).toBe(true);
    expect(lin.weight).toBeInstanceOf(nn.Parameter);
    expect(lin.parameters()).toEqual([lin.weight, lin.bias]);
    expect([...lin.namedParameters()].map(([k]) => k)).toEqual(['weight', 'bias']);
    expect(Object.keys(lin.stateDict())).toEqual(['weight', 'bias']);
  });

  test('bias: false has no bias parameter; dtype float64', () => {
    const lin = new nn.Linear(3, 2, { bias: false, dtype: 'float64' });
    expect(lin.bias ?? null).toBeNull();
    expect(lin.parameters().length).toBe(1);
    expect(lin.weight.dtype).toBe('float64');
    expect(lin.forward(torch.ones([4, 3], { dtype: 'float64' })).shape).toEqual([4, 2]);
  });

  test('default init: weight and bias uniform on [-1/sqrt(fanIn), 1/sqrt(fanIn)]', () => {
    // PyTorch: kaiming_uniform_(a=sqrt(5)) => bound sqrt(6 / ((1 + 5) fanIn)) = 1/sqrt(fanIn); bias the same
    torch.manualSeed(1);
    const lin = new nn.Linear(400, 300);
    const bound = 1 / Math.sqrt(400);
    const w = stats(lin.weight);
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.max).toBeLessThanOrEqual(bound);
    // 120000 draws: the extremes come within 1e-3 of the bound; sd of U(-b, b) is b / sqrt(3)
    expect(w.max).toBeGreaterThan(0.999 * bound);
    expect(w.min).toBeLessThan(-0.999 * bound);
    expect(Math.abs(w.mean)).toBeLessThan(5 * (bound / Math.sqrt(3)) / Math.sqrt(120000));
    expect(Math.abs(w.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.01);
    const b = stats(lin.bias!);
    expect(b.min).toBeGreaterThanOrEqual(-bound);
    expect(b.max).toBeLessThanOrEqual(bound);
  });

  test('manualSeed makes initialisation reproducible', () => {
    torch.manualSeed(7);
    const a = new nn.Linear(5, 4);
    torch.manualSeed(7);
    const b = new nn.Linear(5, 4);
    expect(valuesOf(a.weight)).toEqual(valuesOf(b.weight));
    expect(valuesOf(a.bias!)).toEqual(valuesOf(b.bias!));
  });
});

describe('Module API', () => {
  const net = () => new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(8, 3));

  test('Sequential: children, parameters, stateDict keys', () => {
    const m = net();
    expect([...m.children()].length).toBe(4);
    expect(m.parameters().length).toBe(4);
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
    expect((m.forward(torch.ones(2, 4)) as Tensor).shape).toEqual([2, 3]);
  });

  test('train() / eval() set training on the module and all children', () => {
    const m = net();
    expect(m.training).toBe(true);
    m.eval();
    expect(m.training).toBe(false);
    expect([...m.children()].every((c) => c.training === false)).toBe(true);
    m.train();
    expect([...m.children()].every((c) => c.training === true)).toBe(true);
  });

  test('loadStateDict copies values in (later changes to the dict do not leak) and keeps the Parameters', () => {
    const m = net();
    const w0 = m.parameters()[0];
    const sd: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(m.stateDict())) sd[k] = torch.fullLike(v, 0.25);
    m.loadStateDict(sd);
    expect(m.parameters()[0]).toBe(w0);
    expect(valuesOf(w0).every((v) => v === 0.25)).toBe(true);
    sd['0.weight'].fill_(9);
    expect(valuesOf(w0).every((v) => v === 0.25)).toBe(true);
    expect(w0.requiresGrad && w0.isLeaf).toBe(true);
  });

  test('loadStateDict strict: missing or unexpected keys throw; strict false ignores them', () => {
    const m = net();
    const sd = m.stateDict();
    const missing = { ...sd };
    delete missing['3.bias'];
    expect(() => m.loadStateDict(missing)).toThrow(/3\.bias/);
    expect(() => m.loadStateDict({ ...sd, extra: torch.zeros(1) })).toThrow(/extra/);
    expect(() => m.loadStateDict(missing, { strict: false })).not.toThrow();
  });

  test('loadStateDict rejects a tensor of the wrong shape', () => {
    const m = new nn.Linear(3, 2);
    expect(() => m.loadStateDict({ weight: torch.zeros(3, 2), bias: torch.zeros(2) })).toThrow();
  });

  test("to('float64') casts parameters in place on the module; to('cpu') keeps them", () => {
    const m = net();
    expect(m.to('cpu')).toBe(m);
    expect(m.parameters().every((p) => p.device.type === 'cpu')).toBe(true);
    m.to('float64');
    expect(m.parameters().every((p) => p.dtype === 'float64' && p.requiresGrad && p.isLeaf)).toBe(true);
    expect((m.forward(torch.ones([2, 4], { dtype: 'float64' })) as Tensor).dtype).toBe('float64');
  });

  test('zeroGrad clears accumulated gradients', () => {
    const m = new nn.Linear(3, 2);
    m.forward(torch.ones(4, 3)).sum().backward();
    expect(m.weight.grad).not.toBeNull();
    m.zeroGrad();
    for (const p of m.parameters()) expect(p.grad === null || valuesOf(p.grad).every((v) => v === 0)).toBe(true);
  });
});

describe('simple modules', () => {
  const x = torch.tensor([[-2, -0.5, 0, 0.5, 3]]);
  test('ReLU, Sigmoid, Tanh equal torch.relu/sigmoid/tanh', () => {
    expect(valuesOf(new nn.ReLU().forward(x))).toEqual(valuesOf(torch.relu(x)));
    expect(valuesOf(new nn.Sigmoid().forward(x))).toEqual(valuesOf(torch.sigmoid(x)));
    expect(valuesOf(new nn.Tanh().forward(x))).toEqual(valuesOf(torch.tanh(x)));
    expect(valuesOf(F.relu(x))).toEqual([0, 0, 0, 0.5, 3]);
  });
  test('Identity returns its input values', () => {
    expect(valuesOf(new nn.Identity().forward(x))).toEqual(valuesOf(x));
  });
  test('Flatten: startDim 1 by default (PyTorch), and explicit dims', () => {
    const t = torch.zeros(2, 3, 4, 5);
    expect(new nn.Flatten().forward(t).shape).toEqual([2, 60]);
    expect(new nn.Flatten({ startDim: 0 }).forward(t).shape).toEqual([120]);
    expect(new nn.Flatten({ startDim: 1, endDim: 2 }).forward(t).shape).toEqual([2, 12, 5]);
  });
});

describe('dropout', () => {
  test('training: zeros a fraction p, scales survivors by 1/(1-p); gradient is the same mask', () => {
    torch.manualSeed(3);
    const n = 100000;
    const p = 0.3;
    const x = torch.ones([n], { requiresGrad: true });
    const y = F.dropout(x, { p, training: true });
    const v = valuesOf(y);
    const zeros = v.filter((a) => a === 0).length / n;
    // the zero fraction is a binomial proportion: SE = sqrt(p(1-p)/n) = 0.00145; allow 5 SE
    expect(Math.abs(zeros - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    const scale = Math.fround(1 / (1 - p));
    expect(v.every((a) => a === 0 || Math.abs(a - scale) <= 1e-6)).toBe(true);
    y.sum().backward();
    expect(valuesOf(x.grad!)).toEqual(v);
  });
  test('nn.Dropout is the identity in eval mode and with p = 0; p = 1 gives zeros', () => {
    const x = torch.randn(50);
    const d = new nn.Dropout(0.5);
    d.eval();
    expect(valuesOf(d.forward(x))).toEqual(valuesOf(x));
    expect(valuesOf(F.dropout(x, { p: 0.5, training: false }))).toEqual(valuesOf(x));
    expect(valuesOf(new nn.Dropout(0).forward(x))).toEqual(valuesOf(x));
    expect(valuesOf(F.dropout(x, { p: 1, training: true })).every((a) => a === 0)).toBe(true);
  });
  test('default p is 0.5', () => {
    torch.manualSeed(4);
    const n = 100000;
    const v = valuesOf(new nn.Dropout().forward(torch.ones(n)));
    // SE of the zero fraction = 0.5/sqrt(n) = 0.00158; allow 5 SE; survivors are 1/(1-0.5) = 2
    expect(Math.abs(v.filter((a) => a === 0).length / n - 0.5)).toBeLessThan(5 * 0.5 / Math.sqrt(n));
    expect(v.every((a) => a === 0 || a === 2)).toBe(true);
  });
});

describe('nn.init', () => {
  const N = 200 * 500; // fanIn 500, fanOut 200 for a [200, 500] weight
  const fanIn = 500;
  const fanOut = 200;

  test('normal_(t, mean, std): sample mean within 5 SE, std within 5 SE', () => {
    torch.manualSeed(10);
    const t = torch.empty(200, 500);
    const r = nn.init.normal_(t, 2, 0.5);
    expect(r).toBe(t);
    const s = stats(t);
    expect(Math.abs(s.mean - 2)).toBeLessThan((5 * 0.5) / Math.sqrt(N));
    expect(Math.abs(s.std - 0.5)).toBeLessThan((5 * 0.5) / Math.sqrt(2 * N));
  });

  test('uniform_(t, a, b): all in [a, b], mean (a+b)/2 within 5 SE (sd (b-a)/sqrt(12))', () => {
    torch.manualSeed(11);
    const t = nn.init.uniform_(torch.empty(200, 500), -2, 3);
    const s = stats(t);
    expect(s.min).toBeGreaterThanOrEqual(-2);
    expect(s.max).toBeLessThanOrEqual(3);
    expect(Math.abs(s.mean - 0.5)).toBeLessThan((5 * (5 / Math.sqrt(12))) / Math.sqrt(N));
  });

  test('zeros_, ones_, constant_ fill exactly', () => {
    const t = torch.empty(3, 4);
    expect(valuesOf(nn.init.zeros_(t)).every((v) => v === 0)).toBe(true);
    expect(valuesOf(nn.init.ones_(t)).every((v) => v === 1)).toBe(true);
    expect(valuesOf(nn.init.constant_(t, 0.75)).every((v) => v === 0.75)).toBe(true);
  });

  test('init on a Parameter works in place, records no graph and keeps it a leaf', () => {
    const lin = new nn.Linear(4, 3);
    nn.init.constant_(lin.weight, 0.5);
    expect(lin.weight.isLeaf).toBe(true);
    expect(lin.weight.gradFn).toBeNull();
    expect(lin.weight.requiresGrad).toBe(true);
    expect(valuesOf(lin.weight).every((v) => v === 0.5)).toBe(true);
  });

  test('xavierUniform_: bound = gain * sqrt(6 / (fanIn + fanOut))', () => {
    torch.manualSeed(12);
    const gain = 1.7;
    const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
    const s = stats(nn.init.xavierUniform_(torch.empty(fanOut, fanIn), { gain }));
    expect(s.min).toBeGreaterThanOrEqual(-bound * (1 + 1e-6));
    expect(s.max).toBeLessThanOrEqual(bound * (1 + 1e-6));
    expect(s.max).toBeGreaterThan(0.999 * bound);
    expect(Math.abs(s.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.01);
    const d = stats(nn.init.xavierUniform_(torch.empty(fanOut, fanIn)));
    expect(d.max).toBeLessThanOrEqual(Math.sqrt(6 / (fanIn + fanOut)) * (1 + 1e-6));
  });

  test('xavierNormal_: std = gain * sqrt(2 / (fanIn + fanOut)), within 5 SE', () => {
    torch.manualSeed(13);
    const gain = 0.5;
    const std = gain * Math.sqrt(2 / (fanIn + fanOut));
    const s = stats(nn.init.xavierNormal_(torch.empty(fanOut, fanIn), { gain }));
    expect(Math.abs(s.mean)).toBeLessThan((5 * std) / Math.sqrt(N));
    expect(Math.abs(s.std - std)).toBeLessThan((5 * std) / Math.sqrt(2 * N));
  });

  test("kaimingUniform_: bound = gain * sqrt(3 / fan), gain sqrt(2 / (1 + a^2)) for 'leaky_relu'", () => {
    torch.manualSeed(14);
    const a = 0.2;
    const gain = Math.sqrt(2 / (1 + a * a));
    const b1 = gain * Math.sqrt(3 / fanIn);
    const s1 = stats(nn.init.kaimingUniform_(torch.empty(fanOut, fanIn), { a }));
    expect(s1.min).toBeGreaterThanOrEqual(-b1 * (1 + 1e-6));
    expect(s1.max).toBeLessThanOrEqual(b1 * (1 + 1e-6));
    expect(s1.max).toBeGreaterThan(0.999 * b1);
    // mode fanOut with relu: gain sqrt(2)
    const b2 = Math.sqrt(2) * Math.sqrt(3 / fanOut);
    const s2 = stats(nn.init.kaimingUniform_(torch.empty(fanOut, fanIn), { mode: 'fanOut', nonlinearity: 'relu' }));
    expect(s2.max).toBeLessThanOrEqual(b2 * (1 + 1e-6));
    expect(s2.max).toBeGreaterThan(0.999 * b2);
  });

  test('kaimingNormal_: std = gain / sqrt(fan), within 5 SE', () => {
    torch.manualSeed(15);
    const std1 = Math.sqrt(2) / Math.sqrt(fanIn); // defaults: a = 0, mode fanIn, leaky_relu => gain sqrt(2)
    const s1 = stats(nn.init.kaimingNormal_(torch.empty(fanOut, fanIn)));
    expect(Math.abs(s1.mean)).toBeLessThan((5 * std1) / Math.sqrt(N));
    expect(Math.abs(s1.std - std1)).toBeLessThan((5 * std1) / Math.sqrt(2 * N));
    const std2 = 1 / Math.sqrt(fanOut); // 'linear' gain 1
    const s2 = stats(nn.init.kaimingNormal_(torch.empty(fanOut, fanIn), { mode: 'fanOut', nonlinearity: 'linear' }));
    expect(Math.abs(s2.std - std2)).toBeLessThan((5 * std2) / Math.sqrt(2 * N));
  });
});
