// Linear regression as Dive into Deep Learning trains it: section 3.4 (from scratch) and 3.5
// (concise: nn.Linear, nn.MSELoss, optim.SGD, DataLoader), on the data, initial weights and batch
// order PyTorch used in scripts/fixtures/linreg.py. kindling must end where PyTorch ended and, like
// the book, recover w = [2, -3.4], b = 4.2.
//
// Tolerances: final parameters within 1e-5 absolute of PyTorch's (float32; float32 vs float64 runs
// of the same loop differ by 1.5e-7); per-minibatch losses rtol 1e-5 (float32 vs float64: 1e-6).
// Recovery bounds, from the mathematics of the loop (X ~ N(0, I), so each step shrinks the error by
// about (1 - lr * c), c = 1 for the book's squared loss / 2 and 2 for MSELoss, over 3 * 32 = 96 steps,
// from an initial error of about [2, -3.4, 4.2]):
//   scratch: (1 - 0.03)^96 = 0.054 -> errors near [0.11, -0.18, 0.23]; the book prints w error
//            [0.1408, -0.1493] and b error 0.2130. Bound: |error| < 0.3.
//   concise: (1 - 0.06)^96 = 0.0026 -> errors near [0.005, -0.009, 0.011], the book prints errors of
//            order 0.01. Bound: |error| < 0.03.
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib';
import type { Tensor } from '../lib';
import { TensorFx, Tolerance, expectClose, fromFixture, valuesOf } from './helpers';

const { nn, optim } = torch;

interface Fit {
  w: TensorFx;
  b: TensorFx;
  losses: number[];
}
const fx: {
  trueW: TensorFx;
  trueB: number;
  X: TensorFx;
  y: TensorFx;
  perms: number[][];
  batchSize: number;
  lr: number;
  epochs: number;
  wInit: TensorFx;
  scratch: Fit;
  concise: Fit;
} = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'linreg.json'), 'utf8'));

const PARAM_TOL: Tolerance = { rtol: 0, atol: 1e-5 };
const TRUE_W = [2, -3.4];
const TRUE_B = 4.2;

function expectLosses(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= 1e-7 + 1e-5 * Math.abs(want[i]))) throw new Error(`minibatch ${i}: loss ${g}, PyTorch ${want[i]}`);
  });
}

/** |w - trueW| and |b - trueB| below bound, for flat w values. */
function expectRecovered(w: number[], b: number, bound: number): void {
  w.forEach((v, i) => expect(Math.abs(v - TRUE_W[i])).toBeLessThan(bound));
  expect(Math.abs(b - TRUE_B)).toBeLessThan(bound);
}

/** Each epoch's minibatches of indices: the shuffled order cut into 32s, the last 8 kept. */
function batchIndices(perm: number[]): Tensor[] {
  const out: Tensor[] = [];
  for (let i = 0; i < perm.length; i += fx.batchSize) out.push(torch.tensor(perm.slice(i, i + fx.batchSize), { dtype: 'int64' }));
  return out;
}

test('fixture: the book\'s synthetic data, y = X w + b + noise with noise sd 0.01', () => {
  const X = fromFixture(fx.X);
  const y = fromFixture(fx.y);
  expect(X.shape).toEqual([1000, 2]);
  expect(y.shape).toEqual([1000, 1]);
  const resid = y.sub(torch.matmul(X, torch.tensor([[2], [-3.4]]))).sub(4.2);
  // the noise sample's sd is 0.01 to within a few percent for 1000 draws
  expect(Math.abs((resid.std().item() as number) - 0.01)).toBeLessThan(0.001);
  expect(fx.perms.length).toBe(3);
  for (const p of fx.perms) expect([...p].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
});

describe('3.4 linear regression from scratch', () => {
  test('kindling ends where PyTorch ended (same data, init, batch order)', () => {
    const X = fromFixture(fx.X);
    const y = fromFixture(fx.y);
    const w = fromFixture(fx.wInit, true);
    const b = torch.zeros([1], { requiresGrad: true });
    const losses: number[] = [];
    for (const perm of fx.perms) {
      for (const idx of batchIndices(perm)) {
        const Xb = X.index([idx]);
        const yb = y.index([idx]);
        const yHat = torch.matmul(Xb, w).add(b);
        const l = yHat.sub(yb).pow(2).div(2).mean(); // LinearRegressionScratch.loss
        losses.push(l.item() as number);
        l.backward();
        torch.noGrad(() => {
          for (const p of [w, b]) {
            p.sub_(p.grad!.mul(fx.lr));
            p.grad!.zero_();
          }
        });
      }
    }
    expectLosses(losses, fx.scratch.losses);
    expectClose(w, fx.scratch.w, PARAM_TOL, 'w');
    expectClose(b, fx.scratch.b, PARAM_TOL, 'b');
    expectRecovered(valuesOf(w), valuesOf(b)[0], 0.3);
  });

  test("PyTorch's own run recovers w and b within the book's error (|error| < 0.3)", () => {
    expectRecovered(fx.scratch.w.values as number[], fx.scratch.b.values[0] as number, 0.3);
  });
});

describe('3.5 concise linear regression: nn.Linear, nn.MSELoss, optim.SGD', () => {
  function model(): InstanceType<typeof nn.Linear> {
    const net = new nn.Linear(2, 1);
    // the book: net.weight.data.normal_(0, 0.01); net.bias.data.fill_(0) -- here PyTorch's draw
    torch.noGrad(() => {
      net.weight.copy_(fromFixture(fx.wInit).reshape(1, 2));
      net.bias!.fill_(0);
    });
    return net;
  }

  function check(net: InstanceType<typeof nn.Linear>, losses: number[]): void {
    expectLosses(losses, fx.concise.losses);
    expectClose(net.weight, fx.concise.w, PARAM_TOL, 'weight');
    expectClose(net.bias, fx.concise.b, PARAM_TOL, 'bias');
    expectRecovered(valuesOf(net.weight), valuesOf(net.bias!)[0], 0.03);
  }

  test('with DataLoader(TensorDataset(X, y), { batchSize: 32, sampler: the epoch\'s order })', async () => {
    const ds = new torch.utils.data.TensorDataset(fromFixture(fx.X), fromFixture(fx.y));
    const net = model();
    const loss = new nn.MSELoss();
    const opt = new optim.SGD(net.parameters(), { lr: fx.lr });
    const losses: number[] = [];
    for (const perm of fx.perms) {
      const loader = new torch.utils.data.DataLoader(ds, { batchSize: fx.batchSize, sampler: perm });
      const sizes: number[] = [];
      // for await also walks a synchronous iterable
      for await (const batch of loader as AsyncIterable<unknown> | Iterable<unknown>) {
        const [Xb, yb] = batch as Tensor[];
        sizes.push(Xb.shape[0]);
        const l = loss.forward(net.forward(Xb) as Tensor, yb);
        losses.push(l.item() as number);
        opt.zeroGrad();
        l.backward();
        opt.step();
      }
      // ceil(1000 / 32) = 32 minibatches, the last partial one (1000 - 31 * 32 = 8) kept
      expect(sizes.length).toBe(32);
      expect(sizes[31]).toBe(8);
    }
    check(net, losses);
  });

  test('batching by hand with torch.indexSelect', () => {
    const X = fromFixture(fx.X);
    const y = fromFixture(fx.y);
    const net = model();
    const loss = new nn.MSELoss();
    const opt = new optim.SGD(net.parameters(), { lr: fx.lr });
    const losses: number[] = [];
    for (const perm of fx.perms) {
      for (const idx of batchIndices(perm)) {
        const l = loss.forward(net.forward(torch.indexSelect(X, 0, idx)) as Tensor, torch.indexSelect(y, 0, idx));
        losses.push(l.item() as number);
        opt.zeroGrad();
        l.backward();
        opt.step();
      }
    }
    check(net, losses);
  });

  test("PyTorch's own run recovers w and b (|error| < 0.03)", () => {
    expectRecovered(fx.concise.w.values as number[], fx.concise.b.values[0] as number, 0.03);
  });
});
