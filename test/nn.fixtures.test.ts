// Checks kindling's torch.nn / torch.nn.functional against PyTorch 1.13 results recorded by
// scripts/fixtures/nn.py (see that file for the case format): softmax and logSoftmax, the losses
// with every reduction and option PyTorch accepts, oneHot, linear, clipGradNorm_, calculateGain, and
// a small MLP's loss and parameter gradients.
//
// Tolerances: float64 rtol 1e-10 (atol 1e-12); float32 rtol 1e-5 (atol 1e-6), the slack of a
// different summation order in single precision. Exact values (int64, nan, +-inf) must match exactly.
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib';
import type { Tensor } from '../lib';
import { TensorFx, Tolerance, decodeNumber, expectClose, fromFixture, valuesOf } from './helpers';

const { nn } = torch;
const F = nn.functional;

interface Base {
  kind: string;
  name: string;
}
interface SoftmaxCase extends Base {
  fn: 'softmax' | 'logSoftmax';
  dim: number;
  input: TensorFx;
  upstream: TensorFx;
  output: TensorFx;
  grad: TensorFx;
}
type LossFn = 'crossEntropy' | 'nllLoss' | 'mseLoss' | 'l1Loss' | 'binaryCrossEntropyWithLogits';
interface LossCase extends Base {
  fn: LossFn;
  opts: {
    reduction: 'mean' | 'sum' | 'none';
    labelSmoothing?: number;
    ignoreIndex?: number;
    weight?: TensorFx;
    posWeight?: TensorFx;
  };
  input: TensorFx;
  target: TensorFx;
  upstream: TensorFx;
  output: TensorFx;
  grad: TensorFx;
}
interface OneHotCase extends Base {
  input: TensorFx;
  numClasses: number;
  output: TensorFx;
}
interface LinearCase extends Base {
  x: TensorFx;
  weight: TensorFx;
  bias: TensorFx | null;
  upstream: TensorFx;
  output: TensorFx;
  gradX: TensorFx;
  gradW: TensorFx;
  gradB: TensorFx | null;
}
interface ClipCase extends Base {
  grads: TensorFx[];
  maxNorm: number;
  normType: number | string;
  total: TensorFx;
  clipped: TensorFx[];
}
interface GainCase extends Base {
  nonlinearity: string;
  camel: string;
  param: number | null;
  value: number;
}
interface MlpCase extends Base {
  x: TensorFx;
  target: TensorFx;
  state: [string, TensorFx][];
  loss: TensorFx;
  grads: [string, TensorFx][];
}

const cases: Base[] = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'nn.json'), 'utf8')).cases;
const ofKind = <T extends Base>(kind: string): T[] => cases.filter((c) => c.kind === kind) as T[];

function tol(dtype: string): Tolerance {
  return dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
}

/** out.backward(upstream) for a tensor of any shape. */
function backwardWith(out: Tensor, upstream: TensorFx): void {
  torch.autograd.backward([out], [fromFixture(upstream, false)]);
}

// ---------------------------------------------------------------------------------------------
describe('softmax / logSoftmax', () => {
  for (const c of ofKind<SoftmaxCase>('softmax')) {
    const t = tol(c.input.dtype);
    test(`F.${c.name}`, () => {
      const x = fromFixture(c.input, true);
      const out = c.fn === 'softmax' ? F.softmax(x, c.dim) : F.logSoftmax(x, c.dim);
      expectClose(out, c.output, t, 'output');
      backwardWith(out, c.upstream);
      expectClose(x.grad, c.grad, t, 'gradient');
    });
    test(`nn.${c.fn === 'softmax' ? 'Softmax' : 'LogSoftmax'} module: ${c.name}`, () => {
      const x = fromFixture(c.input, true);
      const m = c.fn === 'softmax' ? new nn.Softmax({ dim: c.dim }) : new nn.LogSoftmax({ dim: c.dim });
      const out = m.forward(x);
      expectClose(out, c.output, t, 'output');
      backwardWith(out, c.upstream);
      expectClose(x.grad, c.grad, t, 'gradient');
    });
  }

  test('softmax of extreme logits is finite and sums to 1 (no overflow: exp(x - max))', () => {
    const x = torch.tensor([[1000, -1000, 0, 1000]], { dtype: 'float32' });
    const p = valuesOf(F.softmax(x, 1));
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p).toEqual([0.5, 0, 0, 0.5]);
  });
});

// ---------------------------------------------------------------------------------------------
type LossOpts = {
  reduction: 'mean' | 'sum' | 'none';
  labelSmoothing?: number;
  ignoreIndex?: number;
  weight?: Tensor;
  posWeight?: Tensor;
};

function lossOpts(c: LossCase): LossOpts {
  const o: LossOpts = { reduction: c.opts.reduction };
  if (c.opts.labelSmoothing !== undefined) o.labelSmoothing = c.opts.labelSmoothing;
  if (c.opts.ignoreIndex !== undefined) o.ignoreIndex = c.opts.ignoreIndex;
  if (c.opts.weight) o.weight = fromFixture(c.opts.weight, false);
  if (c.opts.posWeight) o.posWeight = fromFixture(c.opts.posWeight, false);
  return o;
}

function functionalLoss(c: LossCase, x: Tensor, y: Tensor): Tensor {
  const o = lossOpts(c);
  switch (c.fn) {
    case 'crossEntropy':
      return F.crossEntropy(x, y, o);
    case 'nllLoss':
      return F.nllLoss(x, y, { reduction: o.reduction, weight: o.weight, ignoreIndex: o.ignoreIndex });
    case 'mseLoss':
      return F.mseLoss(x, y, { reduction: o.reduction });
    case 'l1Loss':
      return F.l1Loss(x, y, { reduction: o.reduction });
    case 'binaryCrossEntropyWithLogits':
      return F.binaryCrossEntropyWithLogits(x, y, { reduction: o.reduction, weight: o.weight, posWeight: o.posWeight });
  }
}

function moduleLoss(c: LossCase, x: Tensor, y: Tensor): Tensor {
  const o = lossOpts(c);
  switch (c.fn) {
    case 'crossEntropy':
      return new nn.CrossEntropyLoss(o).forward(x, y);
    case 'nllLoss':
      return new nn.NLLLoss({ reduction: o.reduction, weight: o.weight, ignoreIndex: o.ignoreIndex }).forward(x, y);
    case 'mseLoss':
      return new nn.MSELoss({ reduction: o.reduction }).forward(x, y);
    case 'l1Loss':
      return new nn.L1Loss({ reduction: o.reduction }).forward(x, y);
    case 'binaryCrossEntropyWithLogits':
      return new nn.BCEWithLogitsLoss({ reduction: o.reduction, weight: o.weight, posWeight: o.posWeight }).forward(x, y);
  }
}

const lossCases = ofKind<LossCase>('loss');
const families = [...new Set(lossCases.map((c) => c.fn))];
for (const fn of families) {
  describe(`loss ${fn}`, () => {
    for (const c of lossCases.filter((k) => k.fn === fn)) {
      const t = tol(c.input.dtype);
      test(`F: ${c.name}`, () => {
        const x = fromFixture(c.input, true);
        const out = functionalLoss(c, x, fromFixture(c.target, false));
        expectClose(out, c.output, t, 'loss');
        backwardWith(out, c.upstream);
        expectClose(x.grad, c.grad, t, 'gradient wrt input');
      });
      test(`module: ${c.name}`, () => {
        const x = fromFixture(c.input, true);
        const out = moduleLoss(c, x, fromFixture(c.target, false));
        expectClose(out, c.output, t, 'loss');
        backwardWith(out, c.upstream);
        expectClose(x.grad, c.grad, t, 'gradient wrt input');
      });
    }
  });
}

// What PyTorch 1.13 rejects (the message it gives in the comment), kindling rejects too.
describe('crossEntropy rejects what PyTorch rejects', () => {
  const x = torch.randn(2, 3);
  test('ignoreIndex with probability targets (RuntimeError: ignore_index is not supported for floating point target)', () => {
    expect(() => F.crossEntropy(x, F.softmax(x, 1), { ignoreIndex: 1 })).toThrow(/ignore_?index/i);
  });
  test('a class index out of range (IndexError: Target 3 is out of bounds.)', () => {
    expect(() => F.crossEntropy(x, torch.tensor([0, 3], { dtype: 'int64' }))).toThrow(torch.IndexError);
  });
  test('a target batch of the wrong size (ValueError: Expected input batch_size (2) to match target batch_size (3).)', () => {
    expect(() => F.crossEntropy(x, torch.tensor([0, 1, 2], { dtype: 'int64' }))).toThrow();
  });
  test('labelSmoothing outside [0, 1] (RuntimeError: label_smoothing must be between 0.0 and 1.0. Got: 1.5)', () => {
    expect(() => F.crossEntropy(x, torch.tensor([0, 1], { dtype: 'int64' }), { labelSmoothing: 1.5 })).toThrow(/label_?smoothing/i);
  });
});

test('loss fixtures cover the options the brief lists', () => {
  const names = lossCases.map((c) => c.name).join('\n');
  for (const s of ['[N,C,d]', 'probabilities', 'labelSmoothing=0.1', 'labelSmoothing=0.2', 'weight', 'ignoreIndex', 'posWeight', 'extreme']) {
    expect(names).toContain(s);
  }
});

// ---------------------------------------------------------------------------------------------
describe('oneHot', () => {
  for (const c of ofKind<OneHotCase>('oneHot')) {
    test(c.name, () => {
      const out = F.oneHot(fromFixture(c.input), c.numClasses);
      expectClose(out, c.output, { rtol: 0, atol: 0 });
    });
  }
  test('numClasses defaults to max + 1', () => {
    expect(F.oneHot(torch.tensor([2, 0], { dtype: 'int64' })).shape).toEqual([2, 3]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('linear', () => {
  for (const c of ofKind<LinearCase>('linear')) {
    const t = tol(c.x.dtype);
    test(`F.${c.name}`, () => {
      const x = fromFixture(c.x, true);
      const w = fromFixture(c.weight, true);
      const b = c.bias ? fromFixture(c.bias, true) : undefined;
      const out = F.linear(x, w, b);
      expectClose(out, c.output, t, 'output');
      backwardWith(out, c.upstream);
      expectClose(x.grad, c.gradX, t, 'grad x');
      expectClose(w.grad, c.gradW, t, 'grad weight');
      if (c.gradB) expectClose(b!.grad, c.gradB, t, 'grad bias');
    });
    test(`nn.Linear via loadStateDict: ${c.name}`, () => {
      const dtype = c.x.dtype;
      const lin = new nn.Linear(4, 3, { bias: c.bias !== null, dtype });
      const sd: Record<string, Tensor> = { weight: fromFixture(c.weight) };
      if (c.bias) sd.bias = fromFixture(c.bias);
      lin.loadStateDict(sd, { strict: true });
      const x = fromFixture(c.x, true);
      const out = lin.forward(x);
      expectClose(out, c.output, t, 'output');
      backwardWith(out, c.upstream);
      expectClose(x.grad, c.gradX, t, 'grad x');
      expectClose(lin.weight.grad, c.gradW, t, 'grad weight');
      if (c.gradB) expectClose(lin.bias!.grad, c.gradB, t, 'grad bias');
      else expect(lin.bias ?? null).toBeNull();
    });
    test(`nn.Linear via weight.copy_ under noGrad: ${c.name}`, () => {
      const lin = new nn.Linear(4, 3, { bias: c.bias !== null, dtype: c.x.dtype });
      torch.noGrad(() => {
        lin.weight.copy_(fromFixture(c.weight));
        if (c.bias) lin.bias!.copy_(fromFixture(c.bias));
      });
      expect(lin.weight.isLeaf).toBe(true);
      const out = lin.forward(fromFixture(c.x));
      expectClose(out, c.output, t, 'output');
      backwardWith(out, c.upstream);
      expectClose(lin.weight.grad, c.gradW, t, 'grad weight');
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe('nn.utils.clipGradNorm_', () => {
  for (const c of ofKind<ClipCase>('clipGradNorm')) {
    const t = tol(c.total.dtype);
    test(c.name, () => {
      const ps = c.grads.map((g) => {
        const p = torch.zerosLike(fromFixture(g)).requiresGrad_(true);
        p.grad = fromFixture(g);
        return p;
      });
      const total = nn.utils.clipGradNorm_(ps, c.maxNorm, { normType: decodeNumber(c.normType) });
      expectClose(total, c.total, t, 'total norm');
      ps.forEach((p, i) => expectClose(p.grad, c.clipped[i], t, `clipped grad ${i}`));
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe('nn.init.calculateGain', () => {
  for (const c of ofKind<GainCase>('gain')) {
    test(c.name, () => {
      // PyTorch's nonlinearity names ('leaky_relu') and kindling's camelCase spelling ('leakyRelu')
      for (const name of new Set([c.nonlinearity, c.camel])) {
        const nl = name as Parameters<typeof nn.init.calculateGain>[0];
        const g = c.param === null ? nn.init.calculateGain(nl) : nn.init.calculateGain(nl, c.param);
        expect(Math.abs(g - c.value)).toBeLessThanOrEqual(1e-12 * Math.abs(c.value));
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe('MLP Sequential(Linear(4, 8), ReLU, Linear(8, 3)) with CrossEntropyLoss', () => {
  for (const c of ofKind<MlpCase>('mlp')) {
    const dtype = c.x.dtype;
    const t = tol(dtype);
    const build = () => new nn.Sequential(new nn.Linear(4, 8, { dtype }), new nn.ReLU(), new nn.Linear(8, 3, { dtype }));
    test(`${c.name}: stateDict keys and namedParameters in PyTorch's order`, () => {
      const net = build();
      expect(Object.keys(net.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
      expect(c.state.map(([k]) => k)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
      expect([...net.namedParameters()].map(([k]) => k)).toEqual(c.grads.map(([k]) => k));
      expect(net.parameters().length).toBe(4);
      expect([...net.children()].length).toBe(3);
    });
    test(`${c.name}: loss and every parameter gradient`, () => {
      const net = build();
      const sd: Record<string, Tensor> = {};
      for (const [k, v] of c.state) sd[k] = fromFixture(v);
      net.loadStateDict(sd);
      for (const [k, v] of c.state) expectClose(net.stateDict()[k], v, { rtol: 0, atol: 0 }, `stateDict ${k}`);
      const loss = new nn.CrossEntropyLoss().forward(net.forward(fromFixture(c.x)) as Tensor, fromFixture(c.target));
      expectClose(loss, c.loss, t, 'loss');
      loss.backward();
      const named = new Map(net.namedParameters());
      for (const [k, g] of c.grads) expectClose(named.get(k)!.grad, g, t, `grad ${k}`);
      // zeroGrad: PyTorch 2 sets grads to None, 1.13 zeroes them; either leaves nothing to accumulate
      net.zeroGrad();
      for (const p of net.parameters()) expect(p.grad === null || valuesOf(p.grad).every((v) => v === 0)).toBe(true);
    });
  }
});
