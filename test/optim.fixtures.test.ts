// Checks kindling's torch.optim (SGD, Adam, AdamW, param groups, stateDict round trips) and
// torch.optim.lrScheduler (StepLR, CosineAnnealingLR, LinearLR) against PyTorch 1.13 runs recorded by
// scripts/fixtures/optim.py (see that file for the format). Every step sets p.grad to the recorded
// gradient and calls opt.step() (then sched.step(), the order PyTorch recommends).
//
// Tolerances: parameters are float32, rtol 1e-5 / atol 1e-6 (single-precision rounding in a
// different order over a few steps); learning rates are doubles, rtol 1e-10 / atol 1e-12 (PyTorch's
// schedulers update recursively, a closed form may differ in the last bits).
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib';
import type { Tensor } from '../lib';
import { TensorFx, Tolerance, expectClose, fromFixture, valuesOf } from './helpers';

const { optim } = torch;

type Options = Record<string, number | boolean | number[]>;
interface Group {
  params: number[];
  options: Options;
}
interface Run {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW';
  options: Options;
  groups: Group[] | null;
  params: TensorFx[];
  grads: TensorFx[][];
  after: TensorFx[][];
  resume: boolean;
  paramGroups: Options[];
}
interface Schedule {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW';
  options: Options;
  groups: Group[] | null;
  scheduler: 'StepLR' | 'CosineAnnealingLR' | 'LinearLR';
  args: number[];
  schedOptions: Options;
  params: TensorFx[];
  grads: TensorFx[][];
  lrs: number[][];
  after: TensorFx[];
}

const fx: { runs: Run[]; schedules: Schedule[] } = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'optim.json'), 'utf8'),
);

const PARAM_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };
const LR_TOL: Tolerance = { rtol: 1e-10, atol: 1e-12 };

type SGDArgs = ConstructorParameters<typeof optim.SGD>;
type AdamArgs = ConstructorParameters<typeof optim.Adam>;
type AdamWArgs = ConstructorParameters<typeof optim.AdamW>;
type Optimizer = InstanceType<typeof optim.Optimizer>;

/** The optimizer a fixture describes, over the given leaf tensors. */
function build(r: { optimizer: Run['optimizer']; options: Options; groups: Group[] | null }, ps: Tensor[]): Optimizer {
  const params = r.groups === null ? ps : r.groups.map((g) => ({ params: g.params.map((i) => ps[i]), ...g.options }));
  switch (r.optimizer) {
    case 'SGD':
      return new optim.SGD(params as SGDArgs[0], r.options as SGDArgs[1]);
    case 'Adam':
      return new optim.Adam(params as AdamArgs[0], r.options as AdamArgs[1]);
    case 'AdamW':
      return new optim.AdamW(params as AdamWArgs[0], r.options as AdamWArgs[1]);
  }
}

/** One training step as the fixture did it: p.grad = recorded gradient, then opt.step(). */
function step(opt: Optimizer, ps: Tensor[], grads: TensorFx[]): void {
  ps.forEach((p, i) => (p.grad = fromFixture(grads[i], false)));
  opt.step();
}

const leaves = (fxs: TensorFx[]): Tensor[] => fxs.map((p) => fromFixture(p, true));

describe('optimizers', () => {
  for (const r of fx.runs) {
    describe(r.name, () => {
      test('parameters after each of 5 steps', () => {
        const ps = leaves(r.params);
        const opt = build(r, ps);
        r.grads.forEach((gs, k) => {
          step(opt, ps, gs);
          ps.forEach((p, i) => expectClose(p, r.after[k][i], PARAM_TOL, `step ${k + 1}, param ${i}`));
        });
        // the update happens outside autograd: parameters stay leaves that require grad
        for (const p of ps) expect(p.isLeaf && p.requiresGrad && p.gradFn === null).toBe(true);
      });

      test('paramGroups: hyper-parameters with defaults filled in (PyTorch values)', () => {
        const ps = leaves(r.params);
        const opt = build(r, ps);
        expect(opt.paramGroups.length).toBe(r.paramGroups.length);
        r.paramGroups.forEach((want, i) => {
          const got = opt.paramGroups[i] as unknown as Record<string, unknown>;
          for (const [k, v] of Object.entries(want)) expect([k, got[k]]).toEqual([k, v]);
          const idx = r.groups === null ? ps.map((_, j) => j) : r.groups[i].params;
          expect(opt.paramGroups[i].params.length).toBe(idx.length);
          idx.forEach((j, n) => expect(opt.paramGroups[i].params[n]).toBe(ps[j]));
        });
      });

      if (r.resume) {
        test('stateDict after step 2, loaded into a fresh optimizer, ends equal to the uninterrupted run', () => {
          const ps = leaves(r.params);
          const a = build(r, ps);
          step(a, ps, r.grads[0]);
          step(a, ps, r.grads[1]);
          const sd = a.stateDict();
          const b = build(r, ps);
          b.loadStateDict(sd);
          for (let k = 2; k < r.grads.length; k++) step(b, ps, r.grads[k]);
          ps.forEach((p, i) => expectClose(p, r.after[r.grads.length - 1][i], PARAM_TOL, `param ${i}`));
        });

        test('loadStateDict copies the state (PyTorch deep-copies): both optimizers then go on independently', () => {
          const psA = leaves(r.params);
          const a = build(r, psA);
          step(a, psA, r.grads[0]);
          step(a, psA, r.grads[1]);
          const psB = psA.map((p) => p.detach().clone().requiresGrad_(true));
          const b = build(r, psB);
          b.loadStateDict(a.stateDict());
          for (let k = 2; k < r.grads.length; k++) step(b, psB, r.grads[k]);
          for (let k = 2; k < r.grads.length; k++) step(a, psA, r.grads[k]);
          const last = r.after[r.grads.length - 1];
          psA.forEach((p, i) => expectClose(p, last[i], PARAM_TOL, `original optimizer, param ${i}`));
          psB.forEach((p, i) => expectClose(p, last[i], PARAM_TOL, `loaded optimizer, param ${i}`));
        });
      }
    });
  }
});

describe('optimizer behaviour', () => {
  test('zeroGrad clears every gradient (to null, or to zeros)', () => {
    const ps = [torch.ones([3], { requiresGrad: true }), torch.ones([2], { requiresGrad: true })];
    const opt = new optim.SGD(ps, { lr: 0.1 });
    ps[0].mul(2).sum().add(ps[1].sum()).backward();
    opt.zeroGrad();
    for (const p of ps) expect(p.grad === null || valuesOf(p.grad).every((v) => v === 0)).toBe(true);
  });

  test('step skips parameters without a gradient (PyTorch: p.grad is None)', () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const b = torch.tensor([3, 4], { requiresGrad: true });
    for (const opt of [new optim.SGD([a, b], { lr: 0.5, momentum: 0.9, weightDecay: 0.1 }), new optim.Adam([a, b], { lr: 0.5 })]) {
      a.grad = torch.tensor([1, 1]);
      b.grad = null;
      opt.step();
      expect(valuesOf(b)).toEqual([3, 4]);
    }
    expect(valuesOf(a)).not.toEqual([1, 2]);
  });

  test('SGD step is p -= lr * grad (mathematics, exact in float32 for these values)', () => {
    const p = torch.tensor([1, -2, 0.5], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.5 });
    p.grad = torch.tensor([2, 4, -1]);
    opt.step();
    expect(valuesOf(p)).toEqual([0, -4, 1]);
  });

  test('changing paramGroups[i].lr takes effect on the next step', () => {
    const p = torch.tensor([1], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.5 });
    opt.paramGroups[0].lr = 0.25;
    p.grad = torch.tensor([4]);
    opt.step();
    expect(valuesOf(p)).toEqual([0]);
  });

  test('lrScheduler classes are also exported on optim', () => {
    expect(optim.StepLR).toBe(optim.lrScheduler.StepLR);
    expect(optim.CosineAnnealingLR).toBe(optim.lrScheduler.CosineAnnealingLR);
    expect(optim.LinearLR).toBe(optim.lrScheduler.LinearLR);
  });
});

// ---------------------------------------------------------------------------------------------
type Scheduler = { step(): void; getLastLr(): number[] };

function buildScheduler(s: Schedule, opt: Optimizer): Scheduler {
  const o = s.schedOptions as Record<string, number>;
  switch (s.scheduler) {
    case 'StepLR':
      return new optim.lrScheduler.StepLR(opt, s.args[0], o);
    case 'CosineAnnealingLR':
      return new optim.lrScheduler.CosineAnnealingLR(opt, s.args[0], o);
    case 'LinearLR':
      return new optim.lrScheduler.LinearLR(opt, o);
  }
}

function expectLrs(got: number[], want: number[], what: string): void {
  const ok = got.length === want.length && got.every((g, i) => Math.abs(g - want[i]) <= LR_TOL.atol + LR_TOL.rtol * Math.abs(want[i]));
  if (!ok) throw new Error(`${what}: expected [${want}], got [${got}]`);
}

describe('learning-rate schedulers', () => {
  for (const s of fx.schedules) {
    test(`${s.name}: getLastLr over ${s.grads.length} steps, group lrs, final parameters`, () => {
      const ps = leaves(s.params);
      const opt = build(s, ps);
      const sched = buildScheduler(s, opt);
      expectLrs(sched.getLastLr(), s.lrs[0], 'after construction');
      s.grads.forEach((gs, k) => {
        step(opt, ps, gs);
        sched.step();
        expectLrs(sched.getLastLr(), s.lrs[k + 1], `after step ${k + 1}`);
        expectLrs(opt.paramGroups.map((g) => g.lr), s.lrs[k + 1], `paramGroups lr after step ${k + 1}`);
      });
      ps.forEach((p, i) => expectClose(p, s.after[i], PARAM_TOL, `final param ${i}`));
    });
  }
});
