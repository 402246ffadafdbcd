// PyTorch autograd semantics, checked against PyTorch 1.13 behaviour, plus a gradcheck sweep over
// every differentiable op and a memory-flatness check for a training-like loop.
import * as v8 from 'v8';
import * as vm from 'vm';
import * as torch from '../lib';
import type { Tensor } from '../lib';

const f32 = (data: number[], requiresGrad = true) => torch.tensor(data, { requiresGrad });
const arr = (t: Tensor | null) => (t === null ? null : t.toArray());

describe('autograd state', () => {
  test('x.grad is null until a backward pass reaches x', () => {
    const x = torch.arange(4, { requiresGrad: true });
    expect(x.grad).toBeNull();
    const y = x.mul(2).sum();
    expect(x.grad).toBeNull();
    y.backward();
    expect(arr(x.grad)).toEqual([2, 2, 2, 2]);
  });

  test('leaf vs non-leaf (isLeaf), requiresGrad propagation', () => {
    const x = torch.ones(2, 3, { requiresGrad: true });
    const c = torch.ones(2, 3);
    const y = x.mul(2);
    expect(x.isLeaf).toBe(true);
    expect(c.isLeaf).toBe(true);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
    expect(c.requiresGrad).toBe(false);
    // a non-leaf's .grad stays null after backward
    y.sum().backward();
    expect(y.grad).toBeNull();
    expect(arr(x.grad)).toEqual([
      [2, 2, 2],
      [2, 2, 2],
    ]);
  });

  test('retainGrad() keeps .grad of a non-leaf', () => {
    const x = torch.arange(4, { requiresGrad: true });
    const y = x.mul(2);
    y.retainGrad();
    expect(y.retainsGrad).toBe(true);
    y.mul(y).sum().backward();
    expect(arr(y.grad)).toEqual([0, 4, 8, 12]);
    expect(arr(x.grad)).toEqual([0, 8, 16, 24]);
  });

  test('backward on a non-scalar without a gradient throws', () => {
    const x = torch.arange(4, { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow('grad can be implicitly created only for scalar outputs');
  });

  test('a one-element non-0-d output may backward without a gradient', () => {
    const x = torch.arange(4, { requiresGrad: true });
    x.sum(0, true).backward();
    expect(arr(x.grad)).toEqual([1, 1, 1, 1]);
  });

  test('gradients accumulate across backward calls', () => {
    const x = torch.arange(4, { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(arr(x.grad)).toEqual([6, 6, 6, 6]);
    x.pow(2).sum().backward();
    expect(arr(x.grad)).toEqual([6, 8, 10, 12]);
    x.grad!.zero_();
    expect(arr(x.grad)).toEqual([0, 0, 0, 0]);
    x.sum().backward();
    expect(arr(x.grad)).toEqual([1, 1, 1, 1]);
  });

  test('two leaves fed by one AddBackward get independent .grad tensors', () => {
    // PyTorch: each leaf owns its gradient; zeroing one leaves the other and the caller's gradient alone
    const x = torch.ones(3, { requiresGrad: true });
    const y = torch.ones(3, { requiresGrad: true });
    const g = torch.ones(3);
    x.add(y).backward(g);
    x.grad!.zero_();
    expect(arr(g)).toEqual([1, 1, 1]);
    expect(arr(y.grad)).toEqual([1, 1, 1]);
  });

  test('accumulation with a caller-supplied gradient counts each backward once', () => {
    const x = torch.ones(3, { requiresGrad: true });
    const y = torch.ones(3, { requiresGrad: true });
    for (let i = 0; i < 2; i++) x.add(y).backward(torch.ones(3));
    expect(arr(x.grad)).toEqual([2, 2, 2]);
    expect(arr(y.grad)).toEqual([2, 2, 2]);
  });

  test('detach shares storage and leaves the graph', () => {
    const x = torch.arange(4, { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    expect(d.isLeaf).toBe(true);
    d.set('0', 100);
    expect(y.get(0).item()).toBe(100);
    const z = d.mul(x).sum();
    z.backward();
    expect(arr(x.grad)).toEqual([100, 2, 4, 6]);
  });

  test('noGrad / enableGrad / isGradEnabled / setGradEnabled', () => {
    const x = torch.arange(3, { requiresGrad: true });
    expect(torch.isGradEnabled()).toBe(true);
    const y = torch.noGrad(() => {
      expect(torch.isGradEnabled()).toBe(false);
      const inner = torch.enableGrad(() => {
        expect(torch.isGradEnabled()).toBe(true);
        return x.mul(2);
      });
      expect(inner.requiresGrad).toBe(true);
      expect(inner.gradFn!.name).toBe('MulBackward0');
      return x.mul(2);
    });
    expect(torch.isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    torch.setGradEnabled(false);
    try {
      expect(x.add(1).requiresGrad).toBe(false);
    } finally {
      torch.setGradEnabled(true);
    }
    expect(x.add(1).requiresGrad).toBe(true);
  });

  test('noGrad restores the mode when fn throws', () => {
    expect(() =>
      torch.noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(torch.isGradEnabled()).toBe(true);
  });

  test('nothing is recorded when no input requires grad', () => {
    const a = torch.ones(2, 2);
    const b = torch.ones(2, 2);
    for (const r of [a.mul(b), a.add(1), a.mm(b), a.sum(), a.exp(), a.t(), a.index('0'), torch.cat([a, b])]) {
      expect(r.gradFn).toBeNull();
      expect(r.requiresGrad).toBe(false);
    }
  });
});

describe('gradFn names match PyTorch', () => {
  torch.manualSeed(0);
  const x = torch.rand(3, 4, { requiresGrad: true });
  const y = torch.rand(3, 4, { requiresGrad: true });
  const v = torch.rand(4, { requiresGrad: true });
  const b = torch.rand(2, 3, 4, { requiresGrad: true });
  const c = torch.rand(2, 4, 5, { requiresGrad: true });
  const i64 = (d: number[] | number[][]) => torch.tensor(d, { dtype: 'int64' });
  // names recorded from PyTorch 1.13 (reshape/flatten omitted: 1.13 says ReshapeAliasBackward0, 2.x ViewBackward0)
  const cases: [string, () => Tensor, string][] = [
    ['mul', () => x.mul(y), 'MulBackward0'],
    ['mul scalar', () => x.mul(2), 'MulBackward0'],
    ['add', () => x.add(y), 'AddBackward0'],
    ['add scalar', () => x.add(1), 'AddBackward0'],
    ['sub', () => x.sub(y), 'SubBackward0'],
    ['sub scalar', () => x.sub(1), 'SubBackward0'],
    ['rsub', () => torch.sub(1, x), 'RsubBackward1'],
    ['div', () => x.div(y), 'DivBackward0'],
    ['div scalar', () => x.div(2), 'DivBackward0'],
    ['sum', () => x.sum(), 'SumBackward0'],
    ['sum dim', () => x.sum(0), 'SumBackward1'],
    ['mean', () => x.mean(), 'MeanBackward0'],
    ['mean dim', () => x.mean(1), 'MeanBackward1'],
    ['mm', () => x.mm(y.t()), 'MmBackward0'],
    ['matmul 2d', () => x.matmul(y.t()), 'MmBackward0'],
    ['mv', () => x.mv(v), 'MvBackward0'],
    ['dot', () => v.dot(v), 'DotBackward0'],
    ['bmm', () => b.bmm(c), 'BmmBackward0'],
    ['matmul 3d', () => b.matmul(c), 'UnsafeViewBackward0'],
    ['matmul 3d @ 1d', () => b.matmul(v), 'UnsafeViewBackward0'],
    ['pow scalar', () => x.pow(2), 'PowBackward0'],
    ['pow tensor', () => x.pow(y), 'PowBackward1'],
    ['square', () => x.square(), 'PowBackward0'],
    ['exp', () => x.exp(), 'ExpBackward0'],
    ['log', () => x.log(), 'LogBackward0'],
    ['relu', () => x.relu(), 'ReluBackward0'],
    ['sigmoid', () => x.sigmoid(), 'SigmoidBackward0'],
    ['tanh', () => x.tanh(), 'TanhBackward0'],
    ['sin', () => x.sin(), 'SinBackward0'],
    ['neg', () => x.neg(), 'NegBackward0'],
    ['abs', () => x.abs(), 'AbsBackward0'],
    ['sqrt', () => x.sqrt(), 'SqrtBackward0'],
    ['view', () => x.view(12), 'ViewBackward0'],
    ['transpose', () => x.transpose(0, 1), 'TransposeBackward0'],
    ['t', () => x.t(), 'TBackward0'],
    ['T', () => x.T, 'PermuteBackward0'],
    ['permute', () => x.permute(1, 0), 'PermuteBackward0'],
    ['expand', () => v.expand(3, 4), 'ExpandBackward0'],
    ['select', () => x.index(0), 'SelectBackward0'],
    ['slice', () => x.index('1:3'), 'SliceBackward0'],
    ['step slice', () => x.index('::2'), 'SliceBackward0'],
    ['narrow', () => x.narrow(0, 1, 2), 'SliceBackward0'],
    ['unsqueeze', () => x.unsqueeze(0), 'UnsqueezeBackward0'],
    ['squeeze', () => x.unsqueeze(0).squeeze(), 'SqueezeBackward0'],
    ['squeeze dim', () => x.unsqueeze(0).squeeze(0), 'SqueezeBackward1'],
    ['cat', () => torch.cat([x, y]), 'CatBackward0'],
    ['stack', () => torch.stack([x, y]), 'StackBackward0'],
    ['split', () => x.split(2)[0], 'SplitBackward0'],
    ['chunk', () => x.chunk(2)[0], 'SplitBackward0'],
    ['clone', () => x.clone(), 'CloneBackward0'],
    ['max', () => x.max(), 'MaxBackward1'],
    ['max dim', () => x.max(0).values, 'MaxBackward0'],
    ['min', () => x.min(), 'MinBackward1'],
    ['amax', () => x.amax(0), 'AmaxBackward0'],
    ['norm', () => x.norm(), 'NormBackward1'],
    ['var', () => x.var(), 'VarBackward0'],
    ['std', () => x.std(), 'StdBackward0'],
    ['cumsum', () => x.cumsum(0), 'CumsumBackward0'],
    ['prod', () => x.prod(), 'ProdBackward0'],
    ['clamp', () => x.clamp(0.2, 0.8), 'ClampBackward1'],
    ['clamp min', () => x.clamp(0.2), 'ClampBackward1'],
    ['maximum', () => torch.maximum(x, y), 'MaximumBackward0'],
    ['where', () => torch.where(x.gt(0.5), x, y), 'WhereBackward0'],
    ['maskedFill', () => x.maskedFill(x.gt(0.5), 0), 'MaskedFillBackward0'],
    ['gather', () => x.gather(1, i64([[0], [1], [2]])), 'GatherBackward0'],
    ['indexSelect', () => x.indexSelect(0, i64([0, 2])), 'IndexSelectBackward0'],
    ['index with tensor', () => x.index(i64([0, 2])), 'IndexBackward0'],
  ];
  test.each(cases)('%s', (_name, fn, expected) => {
    expect(fn().gradFn!.name).toBe(expected);
  });

  test('printing shows grad_fn and requires_grad like PyTorch', () => {
    const a = torch.ones(2, { requiresGrad: true });
    expect(String(a)).toBe('tensor([1., 1.], requires_grad=True)');
    expect(String(a.mul(2))).toBe('tensor([2., 2.], grad_fn=<MulBackward0>)');
    expect(String(a.sum())).toBe('tensor(2., grad_fn=<SumBackward0>)');
    expect(String(a.mul(2).detach())).toBe('tensor([2., 2.])');
    expect(String(a.mul(2).gradFn)).toBe('<MulBackward0>');
  });
});

describe('graph lifetime and in-place checks', () => {
  test('second backward through a graph with saved tensors throws', () => {
    const x = f32([1, 2, 3]);
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow('backward through the graph a second time');
  });

  test('retainGraph: true allows a second backward (gradients accumulate)', () => {
    const x = f32([1, 2, 3]);
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(arr(x.grad)).toEqual([4, 8, 12]);
    expect(() => y.backward()).toThrow('backward through the graph a second time');
  });

  test('in-place change of a tensor saved by a node is detected', () => {
    const leaf = f32([1, 2, 3]);
    const b = f32([4, 5, 6]);
    const a = leaf.mul(1);
    const y = a.mul(b);
    a.add_(1);
    expect(() => y.sum().backward()).toThrow('modified by an inplace operation');
  });

  test('in-place change of a saved output (exp) is detected', () => {
    const x = f32([1, 2]);
    const y = x.exp();
    y.add_(1);
    expect(() => y.sum().backward()).toThrow('modified by an inplace operation');
  });

  test('in-place ops on a leaf that requires grad throw', () => {
    const x = f32([1, 2, 3]);
    const msg = 'a leaf Variable that requires grad is being used in an in-place operation';
    expect(() => x.add_(1)).toThrow(msg);
    expect(() => x.mul_(2)).toThrow(msg);
    expect(() => x.set('0', 5)).toThrow(msg);
    expect(() => x.zero_()).toThrow(msg);
    expect(() => x.exp_()).toThrow(msg);
    expect(arr(x)).toEqual([1, 2, 3]);
    // allowed under noGrad
    torch.noGrad(() => x.add_(1));
    expect(arr(x)).toEqual([2, 3, 4]);
    expect(x.isLeaf).toBe(true);
    expect(x.requiresGrad).toBe(true);
  });

  test('in-place ops on a non-leaf give correct gradients', () => {
    const x = torch.arange(4, { requiresGrad: true });
    const y = x.mul(1);
    y.add_(1);
    y.mul_(3);
    expect(y.gradFn!.name).toBe('MulBackward0');
    y.sum().backward();
    expect(arr(x.grad)).toEqual([3, 3, 3, 3]);

    const x2 = torch.arange(4, { requiresGrad: true });
    const y2 = x2.mul(1);
    y2.exp_();
    y2.sum().backward();
    const e = [0, 1, 2, 3].map(Math.exp);
    (x2.grad!.toArray() as number[]).forEach((g, i) => expect(g).toBeCloseTo(e[i], 4));
  });

  // Skipped: kindling does not yet rebase the base tensor's history when an in-place op writes
  // through a view of a non-leaf (PyTorch's CopySlices); it throws a clear AutogradError instead
  // of computing wrong gradients. Un-skip when view+in-place autograd lands.
  test.skip('in-place op on a view of a non-leaf (y[0].mul_(2)) gives PyTorch gradients', () => {
    const x = torch.arange(4, { requiresGrad: true });
    const y = x.mul(1);
    y.index(0).mul_(2);
    y.sum().backward();
    expect(arr(x.grad)).toEqual([2, 1, 1, 1]);
  });

  test('backward on a tensor that does not require grad throws', () => {
    expect(() => torch.ones(3).sum().backward()).toThrow('does not require grad');
  });

  test('gradient of the wrong shape throws', () => {
    const x = torch.arange(4, { requiresGrad: true });
    expect(() => x.mul(2).backward(torch.ones(2))).toThrow(/shape/i);
    expect(() => x.mul(2).backward(torch.ones(2, 2))).toThrow(/shape/i);
  });
});

describe('torch.autograd.grad', () => {
  test('returns gradients without touching .grad', () => {
    const x = f32([1, 2, 3]);
    const [g] = torch.autograd.grad(x.mul(x).sum(), x);
    expect(arr(g)).toEqual([2, 4, 6]);
    expect(x.grad).toBeNull();
  });

  test('gradOutputs for a non-scalar output', () => {
    const x = f32([1, 2, 3]);
    const [g] = torch.autograd.grad(x.mul(x), [x], { gradOutputs: torch.tensor([1, 0, 2]) });
    expect(arr(g)).toEqual([2, 0, 12]);
  });

  test('createGraph gives second derivatives: d2/dx2 x^3 = 6x', () => {
    const x = f32([1, 2, 3]);
    const y = x.pow(3).sum();
    const [g] = torch.autograd.grad(y, x, { createGraph: true });
    expect(arr(g)).toEqual([3, 12, 27]);
    expect(g!.requiresGrad).toBe(true);
    const [h] = torch.autograd.grad(g!.sum(), x);
    expect(arr(h)).toEqual([6, 12, 18]);
  });

  test('second derivative of x*x*x through mul nodes, and backward on the first gradient', () => {
    const x = f32([1, -2, 0.5]);
    const [g] = torch.autograd.grad(x.mul(x).mul(x).sum(), [x], { createGraph: true });
    g!.sum().backward();
    expect(arr(x.grad)).toEqual([6, -12, 3]);
  });

  test('third derivative of x^4 = 24x', () => {
    const x = f32([1, 2]);
    const [g1] = torch.autograd.grad(x.pow(4).sum(), x, { createGraph: true });
    const [g2] = torch.autograd.grad(g1!.sum(), x, { createGraph: true });
    const [g3] = torch.autograd.grad(g2!.sum(), x);
    expect(arr(g3)).toEqual([24, 48]);
  });

  test('second derivative of sin', () => {
    const x = torch.tensor([0.3, 1.1], { dtype: 'float64', requiresGrad: true });
    const [g] = torch.autograd.grad(x.sin().sum(), x, { createGraph: true });
    const [h] = torch.autograd.grad(g!.sum(), x);
    (h!.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(-Math.sin([0.3, 1.1][i]), 10));
  });

  // second derivatives of ops whose first-derivative rule reads the op's output (values from PyTorch 1.13 / closed forms)
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const second: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
    ['exp', (x) => x.exp(), (v) => Math.exp(v)],
    ['expm1', (x) => x.expm1(), (v) => Math.exp(v)],
    ['sigmoid', (x) => x.sigmoid(), (v) => sig(v) * (1 - sig(v)) * (1 - 2 * sig(v))],
    ['tanh', (x) => x.tanh(), (v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)],
    ['sqrt', (x) => x.sqrt(), (v) => -0.25 * v ** -1.5],
    ['rsqrt', (x) => x.rsqrt(), (v) => 0.75 * v ** -2.5],
    ['reciprocal', (x) => x.reciprocal(), (v) => 2 / v ** 3],
    ['tan', (x) => x.tan(), (v) => (2 * Math.tan(v)) / Math.cos(v) ** 2],
    ['log', (x) => x.log(), (v) => -1 / (v * v)],
    ['sin', (x) => x.sin(), (v) => -Math.sin(v)],
  ];
  test.each(second)('second derivative of %s', (_n, fn, d2) => {
    const vals = [0.5, 1.5];
    const x = torch.tensor(vals, { dtype: 'float64', requiresGrad: true });
    const [g] = torch.autograd.grad(fn(x).sum(), x, { createGraph: true });
    expect(g!.requiresGrad).toBe(true);
    const [h] = torch.autograd.grad(g!.sum(), x);
    (h!.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(d2(vals[i]), 6));
  });

  test.each([
    ['norm', (x: Tensor) => x.norm(), [3, 4], [0.128, -0.096]],
    ['prod', (x: Tensor) => x.prod(), [2, 3, 5], [0, 5, 3]],
    ['std', (x: Tensor) => x.std(), [1, 2, 4], [0.093521952958, -0.140282929437, 0.046760976479]],
    ['max()^2', (x: Tensor) => x.max().mul(x.max()), [1, 2, 4], [0, 0, 2]],
  ] as [string, (x: Tensor) => Tensor, number[], number[]][])('d/dx of (d %s / dx_0) matches PyTorch', (_n, fn, vals, expected) => {
    const x = torch.tensor(vals, { dtype: 'float64', requiresGrad: true });
    const [g] = torch.autograd.grad(fn(x), x, { createGraph: true });
    // for max()^2 the row of interest is the max element (index 2)
    const row = _n === 'max()^2' ? 2 : 0;
    const [h] = torch.autograd.grad(g!.index(row), x);
    (h!.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 8));
  });

  test('unused input throws unless allowUnused', () => {
    const x = f32([1, 2]);
    const z = f32([1, 2]);
    expect(() => torch.autograd.grad(x.sum(), [x, z])).toThrow();
    const [gx, gz] = torch.autograd.grad(x.sum(), [x, z], { allowUnused: true });
    expect(arr(gx)).toEqual([1, 1]);
    expect(gz).toBeNull();
  });
});

describe('broadcasting gradients are summed back to input shapes', () => {
  test('(3,1) + (1,4)', () => {
    const a = torch.ones(3, 1, { requiresGrad: true });
    const b = torch.ones(1, 4, { requiresGrad: true });
    a.add(b).sum().backward();
    expect(a.grad!.shape).toEqual([3, 1]);
    expect(b.grad!.shape).toEqual([1, 4]);
    expect(arr(a.grad)).toEqual([[4], [4], [4]]);
    expect(arr(b.grad)).toEqual([[3, 3, 3, 3]]);
  });

  test('(3,1) * (4,)', () => {
    const a = torch.tensor([[1], [2], [3]], { requiresGrad: true });
    const b = torch.tensor([1, 2, 3, 4], { requiresGrad: true });
    a.mul(b).sum().backward();
    expect(arr(a.grad)).toEqual([[10], [10], [10]]);
    expect(arr(b.grad)).toEqual([6, 6, 6, 6]);
  });

  test('0-d with (2,3)', () => {
    const s = torch.tensor(2, { requiresGrad: true });
    const m = torch.ones(2, 3, { requiresGrad: true });
    s.mul(m).sum().backward();
    expect(s.grad!.shape).toEqual([]);
    expect(s.grad!.item()).toBe(6);
    expect(arr(m.grad)).toEqual([
      [2, 2, 2],
      [2, 2, 2],
    ]);
  });

  test('(2,1,4) - (3,1)', () => {
    const a = torch.ones(2, 1, 4, { requiresGrad: true });
    const b = torch.ones(3, 1, { requiresGrad: true });
    a.sub(b).sum().backward();
    expect(a.grad!.shape).toEqual([2, 1, 4]);
    expect(b.grad!.shape).toEqual([3, 1]);
    expect((a.grad!.toArray() as number[][][]).flat(2)).toEqual(new Array(8).fill(3));
    expect(arr(b.grad)).toEqual([[-8], [-8], [-8]]);
  });

  test('float32 leaf in a float64 graph gets a float32 gradient', () => {
    const a = torch.ones(3, { requiresGrad: true });
    const b = torch.ones(3, { dtype: 'float64' });
    const y = a.mul(b);
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(arr(a.grad)).toEqual([1, 1, 1]);
  });
});

describe('set() on tensors in the graph', () => {
  const X = () => torch.arange(4, { requiresGrad: true });

  test("y = x*2; y[0] = 0 -> x.grad = [0, 2, 2, 2]", () => {
    const x = X();
    const y = x.mul(2);
    y.set('0', 0);
    expect(arr(y)).toEqual([0, 2, 4, 6]);
    y.sum().backward();
    expect(arr(x.grad)).toEqual([0, 2, 2, 2]);
  });

  test('y[1:3] = v (0-d, requires grad) -> v.grad = 2', () => {
    const x = X();
    const v = torch.tensor(5, { requiresGrad: true });
    const y = x.mul(2);
    y.set('1:3', v);
    expect(arr(y)).toEqual([0, 5, 5, 6]);
    y.sum().backward();
    expect(arr(x.grad)).toEqual([2, 0, 0, 2]);
    expect(v.grad!.item()).toBe(2);
    expect(v.grad!.shape).toEqual([]);
  });

  test('y[1:3] = v*3 with a weighted loss', () => {
    const x = X();
    const v = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    y.set('1:3', v.mul(3));
    y.mul(torch.arange(4)).sum().backward();
    expect(arr(x.grad)).toEqual([0, 0, 0, 6]);
    expect(arr(v.grad)).toEqual([3, 6]);
  });

  test('z = zeros(4); z[1:3] = v makes z require grad', () => {
    const v = torch.tensor([1, 2], { requiresGrad: true });
    const z = torch.zeros(4);
    z.set('1:3', v);
    expect(z.requiresGrad).toBe(true);
    expect(z.gradFn).not.toBeNull();
    z.sum().backward();
    expect(arr(v.grad)).toEqual([1, 1]);
  });

  test('y[tensor([0, 2])] = 0', () => {
    const x = X();
    const y = x.mul(2);
    y.set([torch.tensor([0, 2], { dtype: 'int64' })], 0);
    y.sum().backward();
    expect(arr(x.grad)).toEqual([0, 2, 0, 2]);
  });

  test('y[y > 3] = 0', () => {
    const x = X();
    const y = x.mul(2);
    y.set([y.gt(3)], 0);
    expect(arr(y)).toEqual([0, 2, 0, 0]);
    y.sum().backward();
    expect(arr(x.grad)).toEqual([2, 2, 0, 0]);
  });

  test('set on a tensor a node saved is detected at backward', () => {
    const x = X();
    const y = x.mul(2);
    const z = y.mul(y);
    y.set('0', 0);
    expect(() => z.sum().backward()).toThrow('modified by an inplace operation');
  });

  test('set on a 2-D non-leaf with a row from another leaf', () => {
    const x = torch.ones(2, 3, { requiresGrad: true });
    const r = torch.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(3);
    y.set('1', r.mul(r));
    y.sum().backward();
    expect(arr(x.grad)).toEqual([
      [3, 3, 3],
      [0, 0, 0],
    ]);
    expect(arr(r.grad)).toEqual([2, 4, 6]);
  });
});

// ------------------------------------------------------------------------------------------------
// gradcheck sweep
// ------------------------------------------------------------------------------------------------

// deterministic values independent of kindling's RNG
let seed = 12345;
function rnd(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const numelOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** A float64 leaf requiring grad with values uniform in [lo, hi). */
function U(shape: number[], lo = -1, hi = 1): Tensor {
  const v = Float64Array.from({ length: numelOf(shape) }, () => lo + (hi - lo) * rnd());
  return torch.fromTypedArray(v, shape).requiresGrad_();
}
/** Values with |v| in [0.2, 1) and random sign: away from the kinks of abs, relu, sign, norm(1). */
function away0(shape: number[]): Tensor {
  const v = Float64Array.from({ length: numelOf(shape) }, () => (0.2 + 0.8 * rnd()) * (rnd() < 0.5 ? -1 : 1));
  return torch.fromTypedArray(v, shape).requiresGrad_();
}
/** Distinct values spread apart (for max/min/argmax ties). */
function distinct(shape: number[]): Tensor {
  const n = numelOf(shape);
  const vals = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.37 + 0.05);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [vals[i], vals[j]] = [vals[j], vals[i]];
  }
  return torch.fromTypedArray(Float64Array.from(vals), shape).requiresGrad_();
}
/** Values away from integers and half-integers (floor, round, ...) */
function offGrid(shape: number[]): Tensor {
  const v = Float64Array.from({ length: numelOf(shape) }, () => Math.floor(rnd() * 6 - 3) + 0.1 + 0.3 * rnd());
  return torch.fromTypedArray(v, shape).requiresGrad_();
}
const fixed = (vals: number[], shape: number[]) => torch.fromTypedArray(Float64Array.from(vals), shape).requiresGrad_();
const long = (d: number[] | number[][]) => torch.tensor(d, { dtype: 'int64' });

type Case = [string, (...xs: Tensor[]) => Tensor, () => Tensor[]];

const unaryCases: Case[] = [
  ['neg', (x) => x.neg(), () => [U([3, 4])]],
  ['abs', (x) => x.abs(), () => [away0([3, 4])]],
  ['square', (x) => x.square(), () => [U([3, 4])]],
  ['exp', (x) => x.exp(), () => [U([3, 4])]],
  ['log', (x) => x.log(), () => [U([3, 4], 0.5, 2)]],
  ['log2', (x) => x.log2(), () => [U([3, 4], 0.5, 2)]],
  ['log1p', (x) => x.log1p(), () => [U([3, 4], 0, 2)]],
  ['expm1', (x) => x.expm1(), () => [U([3, 4])]],
  ['sqrt', (x) => x.sqrt(), () => [U([3, 4], 0.5, 2)]],
  ['rsqrt', (x) => x.rsqrt(), () => [U([3, 4], 0.5, 2)]],
  ['reciprocal', (x) => x.reciprocal(), () => [U([3, 4], 0.5, 2)]],
  ['sin', (x) => x.sin(), () => [U([3, 4], -3, 3)]],
  ['cos', (x) => x.cos(), () => [U([3, 4], -3, 3)]],
  ['tan', (x) => x.tan(), () => [U([3, 4])]],
  ['tanh', (x) => x.tanh(), () => [U([3, 4], -2, 2)]],
  ['sigmoid', (x) => x.sigmoid(), () => [U([3, 4], -3, 3)]],
  ['relu', (x) => x.relu(), () => [away0([3, 4])]],
  ['sign (zero gradient)', (x) => x.sign(), () => [away0([3, 4])]],
  ['floor (zero gradient)', (x) => x.floor(), () => [offGrid([3, 4])]],
  ['ceil (zero gradient)', (x) => x.ceil(), () => [offGrid([3, 4])]],
  ['round (zero gradient)', (x) => x.round(), () => [offGrid([3, 4])]],
  ['trunc (zero gradient)', (x) => x.trunc(), () => [offGrid([3, 4])]],
  ['clamp(min, max)', (x) => x.clamp(-0.5, 0.5), () => [fixed([-0.9, -0.3, 0.2, 0.7, -0.1, 0.45, -0.62, 0.91, 0.05, -0.44, 0.33, 1.3], [3, 4])]],
  ['clamp(min)', (x) => x.clamp(0), () => [away0([3, 4])]],
  ['clamp(null, max)', (x) => x.clamp(null, 0), () => [away0([3, 4])]],
  ['clip', (x) => torch.clip(x, -0.5, 0.5), () => [fixed([-0.9, -0.3, 0.2, 0.7, -0.1, 0.45], [2, 3])]],
  ['pow scalar 3', (x) => x.pow(3), () => [U([3, 4])]],
  ['pow scalar 2', (x) => x.pow(2), () => [U([3, 4])]],
  ['pow scalar 2.5 (positive base)', (x) => x.pow(2.5), () => [U([3, 4], 0.5, 2)]],
  ['pow scalar -1.5', (x) => x.pow(-1.5), () => [U([3, 4], 0.5, 2)]],
  ['pow scalar 0', (x) => x.pow(0), () => [U([3, 4])]],
  ['pow scalar base 2 ** x', (x) => torch.pow(2, x), () => [U([3, 4])]],
  ['add scalar', (x) => x.add(2.5), () => [U([3, 4])]],
  ['sub scalar', (x) => x.sub(2.5), () => [U([3, 4])]],
  ['rsub 1 - x', (x) => torch.sub(1, x), () => [U([3, 4])]],
  ['mul scalar', (x) => x.mul(-3), () => [U([3, 4])]],
  ['div scalar', (x) => x.div(4), () => [U([3, 4])]],
  ['scalar / x', (x) => torch.div(2, x), () => [U([3, 4], 0.5, 2)]],
  ['remainder scalar', (x) => x.remainder(1.5), () => [U([3, 4], 0.1, 1.4)]],
];

const binOps: [string, (a: Tensor, b: Tensor) => Tensor, (s: number[]) => Tensor, (s: number[]) => Tensor][] = [
  ['add', (a, b) => a.add(b), (s) => U(s), (s) => U(s)],
  ['add alpha', (a, b) => a.add(b, { alpha: 2.5 }), (s) => U(s), (s) => U(s)],
  ['sub', (a, b) => a.sub(b), (s) => U(s), (s) => U(s)],
  ['sub alpha', (a, b) => a.sub(b, { alpha: -2 }), (s) => U(s), (s) => U(s)],
  ['mul', (a, b) => a.mul(b), (s) => U(s), (s) => U(s)],
  ['div', (a, b) => a.div(b), (s) => U(s), (s) => U(s, 0.5, 2)],
  ['pow (both operands)', (a, b) => a.pow(b), (s) => U(s, 0.5, 2), (s) => U(s, -1.5, 1.5)],
  ['atan2', (a, b) => a.atan2(b), (s) => U(s), (s) => U(s, 0.5, 2)],
  ['maximum', (a, b) => a.maximum(b), (s) => U(s, -1, 1), (s) => U(s, -0.9, 0.9)],
  ['minimum', (a, b) => a.minimum(b), (s) => U(s, -1, 1), (s) => U(s, -0.9, 0.9)],
  ['remainder', (a, b) => a.remainder(b), (s) => U(s, 0.1, 0.9), (s) => U(s, 1, 1.5)],
  ['fmod', (a, b) => torch.fmod(a, b), (s) => U(s, 0.1, 0.9), (s) => U(s, 1, 1.5)],
];
const bshapes: [number[], number[]][] = [
  [[3, 4], [3, 4]],
  [[3, 1], [1, 4]],
  [[2, 3, 4], [4]],
  [[], [2, 3]],
  [[2, 1, 4], [3, 1]],
];
const binaryCases: Case[] = [];
for (const [name, fn, ma, mb] of binOps) {
  for (const [sa, sb] of bshapes) {
    binaryCases.push([`${name} [${sa}] with [${sb}]`, fn, () => [ma(sa), mb(sb)]]);
  }
}
binaryCases.push(['where(cond, x, y) with broadcasting', (x, y) => torch.where(torch.tensor([true, false, true, false]), x, y), () => [U([3, 4]), U([3, 1])]]);
binaryCases.push(['where(cond, x, scalar)', (x) => torch.where(torch.tensor([[true, false, true], [false, false, true]]), x, 0.5), () => [U([2, 3])]]);
binaryCases.push(['maskedFill', (x) => x.maskedFill(torch.tensor([[true, false, true], [false, false, true]]), 2), () => [U([2, 3])]]);
binaryCases.push(['maximum with itself-derived operand', (x) => x.maximum(x.mul(0.5).add(0.3)), () => [fixed([-1, -0.2, 0.1, 0.9, 2], [5])]]);

const reductionCases: Case[] = [
  ['sum()', (x) => x.sum(), () => [U([2, 3, 4])]],
  ['sum(1)', (x) => x.sum(1), () => [U([2, 3, 4])]],
  ['sum(1, keepdim)', (x) => x.sum(1, true), () => [U([2, 3, 4])]],
  ['sum(-1)', (x) => x.sum(-1), () => [U([2, 3, 4])]],
  ['sum([0, 2])', (x) => x.sum([0, 2]), () => [U([2, 3, 4])]],
  ['sum({dim: [0, 2], keepdim})', (x) => x.sum({ dim: [0, 2], keepdim: true }), () => [U([2, 3, 4])]],
  ['sum of 0-d', (x) => x.sum(), () => [U([])]],
  ['mean()', (x) => x.mean(), () => [U([2, 3, 4])]],
  ['mean(1)', (x) => x.mean(1), () => [U([2, 3, 4])]],
  ['mean(0, keepdim)', (x) => x.mean(0, true), () => [U([2, 3, 4])]],
  ['mean([1, 2])', (x) => x.mean([1, 2]), () => [U([2, 3, 4])]],
  ['prod()', (x) => x.prod(), () => [U([2, 3], 0.5, 1.5)]],
  ['prod(1)', (x) => x.prod(1), () => [U([2, 3, 4], 0.5, 1.5)]],
  ['prod(1, keepdim)', (x) => x.prod(1, true), () => [U([2, 3, 4], 0.5, 1.5)]],
  ['prod() with one zero', (x) => x.prod(), () => [fixed([0.5, 0, 1.5, -2, 1.1, 0.7], [2, 3])]],
  ['prod(1) with zeros', (x) => x.prod(1), () => [fixed([0.5, 0, 1.5, 0, 0, 0.7, 1.2, -0.8, 0.9], [3, 3])]],
  ['max()', (x) => x.max(), () => [distinct([3, 4])]],
  ['max(1).values', (x) => x.max(1).values, () => [distinct([3, 4])]],
  ['max(0, keepdim).values', (x) => x.max(0, true).values, () => [distinct([3, 4])]],
  ['min()', (x) => x.min(), () => [distinct([3, 4])]],
  ['min(1).values', (x) => x.min(1).values, () => [distinct([2, 3, 4])]],
  ['amax([0, 1])', (x) => x.amax([0, 1]), () => [distinct([2, 3, 4])]],
  ['amin(1, keepdim)', (x) => x.amin(1, true), () => [distinct([2, 3, 4])]],
  ['var()', (x) => x.var(), () => [U([3, 4])]],
  ['var(1)', (x) => x.var(1), () => [U([3, 4])]],
  ['var(1, keepdim)', (x) => x.var(1, { keepdim: true }), () => [U([3, 4])]],
  ['var([0, 2])', (x) => x.var([0, 2]), () => [U([2, 3, 4])]],
  ['var(0, unbiased false)', (x) => x.var(0, { unbiased: false }), () => [U([3, 4])]],
  ['var(1, correction 0)', (x) => x.var(1, { correction: 0 }), () => [U([3, 4])]],
  ['torch.var', (x) => torch.var(x, 1), () => [U([3, 4])]],
  ['std()', (x) => x.std(), () => [U([3, 4])]],
  ['std(1)', (x) => x.std(1), () => [U([3, 4])]],
  ['std(0, keepdim)', (x) => x.std(0, { keepdim: true }), () => [U([3, 4])]],
  ['std([0, 1])', (x) => x.std([0, 1]), () => [U([2, 3, 4])]],
  ['std(1, unbiased false)', (x) => x.std(1, false), () => [U([3, 4])]],
  ['norm()', (x) => x.norm(), () => [U([3, 4])]],
  ['norm(1)', (x) => x.norm(1), () => [away0([3, 4])]],
  ['norm(3)', (x) => x.norm(3), () => [away0([3, 4])]],
  ['norm(Infinity)', (x) => x.norm(Infinity), () => [distinct([3, 4])]],
  ['norm(2, 1)', (x) => x.norm(2, 1), () => [U([3, 4])]],
  ['norm(2, [0, 1], keepdim)', (x) => x.norm(2, [0, 1], true), () => [U([2, 3, 4])]],
  ['norm(2, 0, keepdim)', (x) => x.norm(2, 0, true), () => [U([3, 4])]],
  ['norm("fro")', (x) => x.norm('fro'), () => [U([3, 4])]],
  ['cumsum(0)', (x) => x.cumsum(0), () => [U([3, 4])]],
  ['cumsum(1)', (x) => x.cumsum(1), () => [U([3, 4])]],
  ['cumsum(-1) 3-D', (x) => x.cumsum(-1), () => [U([2, 3, 4])]],
  ['cumprod(1)', (x) => x.cumprod(1), () => [U([3, 4], 0.5, 1.5)]],
];

const linalgCases: Case[] = [
  ['matmul (3,4)@(4,5)', (a, b) => a.matmul(b), () => [U([3, 4]), U([4, 5])]],
  ['mm', (a, b) => torch.mm(a, b), () => [U([3, 4]), U([4, 2])]],
  ['mv', (a, b) => torch.mv(a, b), () => [U([3, 4]), U([4])]],
  ['dot', (a, b) => torch.dot(a, b), () => [U([5]), U([5])]],
  ['outer', (a, b) => torch.outer(a, b), () => [U([3]), U([4])]],
  ['bmm', (a, b) => torch.bmm(a, b), () => [U([2, 3, 4]), U([2, 4, 2])]],
  ['matmul 3-D @ 3-D', (a, b) => a.matmul(b), () => [U([2, 3, 4]), U([2, 4, 2])]],
  ['matmul broadcast (2,3,4)@(4,5)', (a, b) => a.matmul(b), () => [U([2, 3, 4]), U([4, 5])]],
  ['matmul broadcast (2,1,3,4)@(3,4,2)', (a, b) => a.matmul(b), () => [U([2, 1, 3, 4]), U([3, 4, 2])]],
  ['matmul 1-D @ 3-D', (a, b) => a.matmul(b), () => [U([4]), U([2, 4, 3])]],
  ['matmul 3-D @ 1-D', (a, b) => a.matmul(b), () => [U([2, 3, 4]), U([4])]],
  ['matmul 1-D @ 2-D', (a, b) => a.matmul(b), () => [U([4]), U([4, 3])]],
  ['matmul 1-D @ 1-D', (a, b) => a.matmul(b), () => [U([4]), U([4])]],
];

const viewCases: Case[] = [
  ['reshape(4, 3)', (x) => x.reshape(4, 3), () => [U([3, 4])]],
  ['reshape(-1)', (x) => x.reshape(-1), () => [U([2, 3, 4])]],
  ['view(2, 6)', (x) => x.view(2, 6), () => [U([3, 4])]],
  ['flatten(1)', (x) => x.flatten(1), () => [U([2, 3, 4])]],
  ['transpose(0, 2)', (x) => x.transpose(0, 2), () => [U([2, 3, 4])]],
  ['permute(2, 0, 1)', (x) => x.permute(2, 0, 1), () => [U([2, 3, 4])]],
  ['t()', (x) => x.t(), () => [U([3, 4])]],
  ['T', (x) => x.T, () => [U([2, 3, 4])]],
  ['mT', (x) => x.mT, () => [U([2, 3, 4])]],
  ['expand (3,1)->(3,4)', (x) => x.expand(3, 4), () => [U([3, 1])]],
  ['expand (4,)->(2,3,4)', (x) => x.expand(2, 3, 4), () => [U([4])]],
  ['expand with -1', (x) => x.expand(2, -1, 4), () => [U([3, 1])]],
  ["index('::2')", (x) => x.index('::2'), () => [U([5, 3])]],
  ["index('1:, ::2')", (x) => x.index('1:, ::2'), () => [U([3, 5])]],
  ["index('..., 1')", (x) => x.index('..., 1'), () => [U([2, 3, 4])]],
  ["index('-1')", (x) => x.index('-1'), () => [U([3, 4])]],
  ["index(':, None, 1:3')", (x) => x.index(':, None, 1:3'), () => [U([3, 4])]],
  ['index([slice(null, null, 3), 1])', (x) => x.index([torch.slice(null, null, 3), 1]), () => [U([7, 3])]],
  ['index with int tensor (repeats)', (x) => x.index(long([0, 2, 0, 1])), () => [U([3, 4])]],
  ['index with two int tensors', (x) => x.index([long([0, 2, 2]), long([1, 3, 1])]), () => [U([3, 4])]],
  ['index with a 2-D int tensor', (x) => x.index([torch.slice(), long([[0, 1], [3, 3]])]), () => [U([3, 4])]],
  ['index with a bool mask', (x) => x.index(torch.tensor([[true, false, true, false], [false, true, true, false], [true, true, false, false]])), () => [U([3, 4])]],
  ['squeeze()', (x) => x.squeeze(), () => [U([3, 1, 4, 1])]],
  ['squeeze(1)', (x) => x.squeeze(1), () => [U([3, 1, 4])]],
  ['unsqueeze(1)', (x) => x.unsqueeze(1), () => [U([3, 4])]],
  ['unsqueeze(-1)', (x) => x.unsqueeze(-1), () => [U([3, 4])]],
  ['narrow(1, 1, 2)', (x) => x.narrow(1, 1, 2), () => [U([3, 4])]],
  ['select(1, 2)', (x) => x.select(1, 2), () => [U([3, 4])]],
  ['get(1, 2)', (x) => x.get(1, 2), () => [U([3, 4])]],
  ['contiguous of t()', (x) => x.t().contiguous(), () => [U([3, 4])]],
  ['clone', (x) => x.clone(), () => [U([3, 4])]],
  ['view then in-graph reuse', (x) => x.reshape(2, 6).mul(x.reshape(2, 6)), () => [U([3, 4])]],
];

const joinCases: Case[] = [
  ['cat dim 0', (a, b) => torch.cat([a, b], 0), () => [U([2, 3]), U([4, 3])]],
  ['cat dim 1', (a, b) => torch.cat([a, b], 1), () => [U([2, 3]), U([2, 1])]],
  ['cat dim -1, same tensor twice', (a) => torch.cat([a, a.mul(2)], -1), () => [U([2, 3])]],
  ['stack dim 0', (a, b) => torch.stack([a, b]), () => [U([2, 3]), U([2, 3])]],
  ['stack dim 2', (a, b) => torch.stack([a, b], 2), () => [U([2, 3]), U([2, 3])]],
  ['split(2, 1)', (x) => { const p = x.split(2, 1); return torch.cat([p[0].mul(2), p[1].mul(3)], 1); }, () => [U([3, 4])]],
  ['split([1, 3], 1) uneven', (x) => { const p = x.split([1, 3], 1); return p[1].sum(1).add(p[0].squeeze(1).mul(5)); }, () => [U([3, 4])]],
  ['split using only one part', (x) => x.split(2)[1].mul(3), () => [U([4, 2])]],
  ['chunk(3)', (x) => { const p = x.chunk(3); return p[0].mul(p[2]).add(p[1]); }, () => [U([6, 2])]],
  ['gather(1, idx)', (x) => x.gather(1, long([[0, 0], [1, 3], [2, 2]])), () => [U([3, 4])]],
  ['gather(0, idx)', (x) => x.gather(0, long([[0, 1, 2, 0], [2, 2, 1, 0]])), () => [U([3, 4])]],
  ['indexSelect(0, idx with repeats)', (x) => x.indexSelect(0, long([2, 0, 2])), () => [U([3, 4])]],
  ['indexSelect(1, idx)', (x) => x.indexSelect(1, long([3, 1])), () => [U([3, 4])]],
  ['torch.indexSelect', (x) => torch.indexSelect(x, 1, long([0, 0])), () => [U([2, 3])]],
  ['where(x > 0, x, y*2)', (x, y) => torch.where(x.gt(0), x, y.mul(2)), () => [away0([3, 4]), U([3, 4])]],
  ['maskedFill(x < 0, 0)', (x) => x.maskedFill(x.lt(0), 0), () => [away0([3, 4])]],
  ['scatterAdd (both z and src)', (z, s) => torch.scatterAdd(z, 1, long([[0, 1, 0], [2, 2, 1]]), s), () => [U([2, 4]), U([2, 3])]],
];

const noncontigCases: Case[] = [
  ['exp of x.t()', (x) => x.t().exp(), () => [U([3, 4])]],
  ["sum(0) of x.index('::2')", (x) => x.index('::2').sum(0), () => [U([5, 4])]],
  ["mul of x.index('::2') and y", (x, y) => x.index('::2').mul(y), () => [U([5, 3]), U([3, 3])]],
  ['x.t() @ y', (x, y) => x.t().matmul(y), () => [U([4, 3]), U([4, 2])]],
  ['x @ y.t()', (x, y) => x.matmul(y.t()), () => [U([3, 4]), U([2, 4])]],
  ['mv of x.t()', (x, v) => x.t().mv(v), () => [U([4, 3]), U([4])]],
  ['dot of strided vectors', (x, y) => torch.dot(x.index('::2'), y.index('1::2')), () => [U([6]), U([6])]],
  ['bmm of transposed batches', (a, b) => torch.bmm(a.transpose(1, 2), b), () => [U([2, 4, 3]), U([2, 4, 2])]],
  ['permute then reshape (copying reshape)', (x) => x.permute(2, 0, 1).reshape(-1), () => [U([2, 3, 4])]],
  ['cumsum(0) of x.t()', (x) => x.t().cumsum(0), () => [U([3, 4])]],
  ['cumsum(1) of a stepped view', (x) => x.index(':, ::2').cumsum(1), () => [U([3, 6])]],
  ['max(0).values of x.t()', (x) => x.t().max(0).values, () => [distinct([3, 4])]],
  ['amax(1) of x.t()', (x) => x.t().amax(1), () => [distinct([3, 4])]],
  ['var(1) of x.t()', (x) => x.t().var(1), () => [U([3, 4])]],
  ['std(0) of x.t()', (x) => x.t().std(0), () => [U([3, 4])]],
  ['prod(1) of x.t()', (x) => x.t().prod(1), () => [U([3, 4], 0.5, 1.5)]],
  ['norm(2, 1) of x.t()', (x) => x.t().norm(2, 1), () => [U([3, 4])]],
  ['mean(0) of expanded', (x) => x.expand(3, 4).mean(0), () => [U([1, 4])]],
  ['gather on x.t()', (x) => x.t().gather(1, long([[0, 2], [1, 1], [2, 0], [0, 0]])), () => [U([3, 4])]],
  ['indexSelect on x.t()', (x) => x.t().indexSelect(0, long([3, 0])), () => [U([3, 4])]],
  ['index with int tensor on x.t()', (x) => x.t().index(long([1, 3])), () => [U([3, 4])]],
  ['cat of transposed parts', (a, b) => torch.cat([a.t(), b.t()], 0), () => [U([3, 2]), U([3, 4])]],
  ['stack of stepped views', (x) => torch.stack([x.index('::2'), x.index('1::2')], 1), () => [U([4, 3])]],
  ['where with transposed operands', (x, y) => torch.where(x.t().gt(0), x.t(), y), () => [away0([3, 4]), U([4, 3])]],
  ['pow with transposed base', (x, y) => x.t().pow(y), () => [U([3, 4], 0.5, 2), U([4, 3])]],
  ['broadcast add of x.t() and row', (x, r) => x.t().add(r), () => [U([3, 4]), U([3])]],
  ['sigmoid of permuted', (x) => x.permute(1, 2, 0).sigmoid(), () => [U([2, 3, 4])]],
  ['squeeze of a stepped view', (x) => x.index(':, 1:2, ::2').squeeze(1), () => [U([3, 3, 4])]],
];

describe('gradcheck sweep (float64)', () => {
  const run = (fn: (...xs: Tensor[]) => Tensor, mk: () => Tensor[]) => {
    const inputs = mk();
    expect(torch.gradcheck(fn, inputs)).toBe(true);
  };
  describe('unary and scalar ops', () => {
    test.each(unaryCases)('%s', (_n, fn, mk) => run(fn, mk));
  });
  describe('binary ops with broadcasting', () => {
    test.each(binaryCases)('%s', (_n, fn, mk) => run(fn, mk));
  });
  describe('reductions and scans', () => {
    test.each(reductionCases)('%s', (_n, fn, mk) => run(fn, mk));
  });
  describe('matrix products', () => {
    test.each(linalgCases)('%s', (_n, fn, mk) => run(fn, mk));
  });
  describe('views and indexing', () => {
    test.each(viewCases)('%s', (_n, fn, mk) => run(fn, mk));
  });
  describe('cat / stack / split / gather / indexSelect / where / maskedFill', () => {
    test.each(joinCases)('%s', (_n, fn, mk) => run(fn, mk));
  });
  describe('non-contiguous inputs', () => {
    test.each(noncontigCases)('%s', (_n, fn, mk) => run(fn, mk));
  });

  test('gradcheck reports a wrong gradient', () => {
    // a deliberately wrong rule: d/dx of x*x read through a detached factor is x, not 2x
    const x = U([4]);
    expect(torch.gradcheck((t) => t.mul(t.detach()), [x], { raiseException: false })).toBe(false);
  });

  test('gradcheck with a non-contiguous leaf input (x = base.t())', () => {
    const base = torch.fromTypedArray(Float64Array.from([0.1, 0.5, -0.3, 0.7, 1.2, -0.9]), [2, 3]);
    const x = base.t().requiresGrad_();
    expect(x.isContiguous()).toBe(false);
    expect(torch.gradcheck((t) => t.pow(3).mul(torch.tensor([[1, 2]], { dtype: 'float64' })), [x])).toBe(true);
  });

  const gg: Case[] = [
    ['pow(3)', (x) => x.pow(3), () => [U([3])]],
    ['mul', (a, b) => a.mul(b), () => [U([3]), U([3])]],
    ['div', (a, b) => a.div(b), () => [U([3]), U([3], 0.5, 2)]],
    ['exp', (x) => x.exp(), () => [U([3])]],
    ['sigmoid', (x) => x.sigmoid(), () => [U([3])]],
    ['tanh', (x) => x.tanh(), () => [U([3])]],
    ['log', (x) => x.log(), () => [U([3], 0.5, 2)]],
    ['matmul', (a, b) => a.matmul(b), () => [U([2, 3]), U([3, 2])]],
    ['sum(1) * x', (x) => x.sum(1, true).mul(x), () => [U([2, 3])]],
    ['norm', (x) => x.norm(), () => [U([4])]],
    ['slice', (x) => x.index('::2').pow(2), () => [U([5])]],
    ['index with int tensor', (x) => x.index(long([0, 0, 2])).pow(2), () => [U([3])]],
    ['gather', (x) => x.gather(1, long([[1, 0], [2, 2]])).pow(2), () => [U([2, 3])]],
  ];
  describe('gradgradcheck', () => {
    test.each(gg)('%s', (_n, fn, mk) => {
      expect(torch.gradgradcheck(fn, mk())).toBe(true);
    });
  });
});

// ------------------------------------------------------------------------------------------------
// memory flatness
// ------------------------------------------------------------------------------------------------

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const tick = () => new Promise<void>((r) => setImmediate(r));
async function settle(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await tick();
  }
  return process.memoryUsage().rss;
}

describe('memory stays flat in a training-like loop', () => {
  const N = 100_000;

  test('tidy per iteration, first backward inside tidy (natural usage)', async () => {
    torch.manualSeed(0);
    const w = torch.randn(10, { requiresGrad: true });
    const x = torch.randn(10);
    const step = () =>
      torch.tidy(() => {
        const loss = w.mul(x).sum();
        loss.backward();
        torch.noGrad(() => w.sub_(w.grad!.mul(0.01)));
        w.grad!.zero_();
      });
    for (let i = 0; i < 5000; i++) step();
    const r0 = await settle();
    const t0 = Date.now();
    for (let i = 0; i < N; i++) step();
    const ms = Date.now() - t0;
    const r1 = await settle();
    // eslint-disable-next-line no-console
    console.log(`tidy loop: ${N} iterations in ${ms} ms (${((N / ms) * 1000).toFixed(0)} it/s), rss ${(r0 / 1e6).toFixed(1)} -> ${(r1 / 1e6).toFixed(1)} MB`);
    expect((r1 - r0) / r0).toBeLessThan(0.05);
  }, 120000);

  test('tidy per iteration with .grad created before the loop', async () => {
    torch.manualSeed(0);
    const w = torch.randn(10, { requiresGrad: true });
    const x = torch.randn(10);
    w.mul(x).sum().backward();
    w.grad!.zero_();
    const step = () =>
      torch.tidy(() => {
        const loss = w.mul(x).sum();
        loss.backward();
        torch.noGrad(() => w.sub_(w.grad!.mul(0.01)));
        w.grad!.zero_();
      });
    for (let i = 0; i < 5000; i++) step();
    const r0 = await settle();
    const t0 = Date.now();
    for (let i = 0; i < N; i++) step();
    const ms = Date.now() - t0;
    const r1 = await settle();
    // eslint-disable-next-line no-console
    console.log(`tidy loop (grad pre-created): ${N} iterations in ${ms} ms (${((N / ms) * 1000).toFixed(0)} it/s), rss ${(r0 / 1e6).toFixed(1)} -> ${(r1 / 1e6).toFixed(1)} MB`);
    expect((r1 - r0) / r0).toBeLessThan(0.05);
    expect(w.grad!.disposed).toBe(false);
  }, 120000);

  test('explicit dispose of intermediates, no tidy', async () => {
    torch.manualSeed(0);
    const w = torch.randn(10, { requiresGrad: true });
    const x = torch.randn(10);
    const step = () => {
      const prod = w.mul(x);
      const loss = prod.sum();
      loss.backward();
      const upd = w.grad!.mul(0.01);
      torch.noGrad(() => w.sub_(upd));
      upd.dispose();
      loss.dispose();
      prod.dispose();
      w.grad!.zero_();
    };
    for (let i = 0; i < 5000; i++) step();
    const r0 = await settle();
    for (let i = 0; i < N; i++) step();
    const r1 = await settle();
    // eslint-disable-next-line no-console
    console.log(`dispose loop: rss ${(r0 / 1e6).toFixed(1)} -> ${(r1 / 1e6).toFixed(1)} MB`);
    expect((r1 - r0) / r0).toBeLessThan(0.05);
  }, 120000);

  test('training converges: w moves against the gradient', () => {
    const w = torch.tensor([1, -1], { requiresGrad: true });
    const x = torch.tensor([2, 3]);
    for (let i = 0; i < 10; i++) {
      torch.tidy(() => {
        w.mul(x).sum().backward();
        torch.noGrad(() => w.sub_(w.grad!.mul(0.1)));
        w.grad!.zero_();
      });
    }
    expect(w.isLeaf).toBe(true);
    const v = w.toArray() as number[];
    expect(v[0]).toBeCloseTo(1 - 10 * 0.1 * 2, 5);
    expect(v[1]).toBeCloseTo(-1 - 10 * 0.1 * 3, 5);
  });
});
