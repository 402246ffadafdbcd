// torch.utils.data and torch.Generator: batching, shuffling with seeded generators, samplers,
// collation, randomSplit, and the book's SyntheticRegressionData and training classes.
import * as torch from '../lib';
import type { Tensor } from '../lib';

const { DataLoader, TensorDataset, Subset, randomSplit, defaultCollate } = torch.utils.data;
const { d2l } = torch;

const ids = (batches: Iterable<Tensor[]>) => [...batches].map(([x]) => (x.toArray() as number[][]).map((r) => r[0]));

describe('Generator and randperm', () => {
  test('randperm is a permutation, reproducible per seed, different across seeds', () => {
    const a = torch.randperm(100, { generator: new torch.Generator().manualSeed(7) });
    const b = torch.randperm(100, { generator: new torch.Generator().manualSeed(7) });
    const c = torch.randperm(100, { generator: new torch.Generator().manualSeed(8) });
    expect(a.dtype).toBe('int64');
    expect([...(a.toArray() as number[])].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a.toArray()).toEqual(b.toArray());
    expect(a.toArray()).not.toEqual(c.toArray());
  });
  test('a generator stream is independent of the default one; state round-trips', () => {
    const g = new torch.Generator().manualSeed(3);
    const s = g.getState();
    const first = torch.randperm(10, { generator: g }).toArray();
    torch.rand(5); // draws from the default stream only
    g.setState(s);
    expect(torch.randperm(10, { generator: g }).toArray()).toEqual(first);
    expect(() => g.setState({ seed: 'x', offset: 0 })).toThrow(/setState/);
  });
  test('randperm(0) and randperm(1)', () => {
    expect(torch.randperm(0).shape).toEqual([0]);
    expect(torch.randperm(1).toArray()).toEqual([0]);
  });
});

describe('DataLoader', () => {
  const X = torch.arange(10, { dtype: 'float32' }).reshape(10, 1);
  const y = torch.arange(10, { dtype: 'int64' });
  const ds = new TensorDataset(X, y);

  test('batches in order, last batch partial unless dropLast', () => {
    expect(ids(new DataLoader(ds, { batchSize: 4 }))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(ids(new DataLoader(ds, { batchSize: 4, dropLast: true }))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(ds, { batchSize: 4 }).length).toBe(3);
    expect(new DataLoader(ds, { batchSize: 4, dropLast: true }).length).toBe(2);
    const [xb, yb] = [...new DataLoader(ds, { batchSize: 4 })][2];
    expect(xb.shape).toEqual([2, 1]);
    expect(yb.dtype).toBe('int64');
    expect(yb.toArray()).toEqual([8, 9]);
  });

  test('shuffle: every example once per epoch, a new order each epoch, reproducible with a seeded generator', () => {
    const run = () => {
      const loader = new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new torch.Generator().manualSeed(1) });
      return [ids(loader).flat(), ids(loader).flat()];
    };
    const [e1, e2] = run();
    expect([...e1].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(e1).not.toEqual(e2);
    expect(run()).toEqual([e1, e2]);
    // without a generator the order comes from the default stream, so manualSeed reproduces it
    torch.manualSeed(5);
    const a = ids(new DataLoader(ds, { batchSize: 10, shuffle: true }));
    torch.manualSeed(5);
    expect(ids(new DataLoader(ds, { batchSize: 10, shuffle: true }))).toEqual(a);
  });

  test('sampler and batchSampler choose the order', () => {
    expect(ids(new DataLoader(ds, { batchSize: 2, sampler: [9, 0, 5] }))).toEqual([[9, 0], [5]]);
    expect(ids(new DataLoader(ds, { batchSampler: [[1, 2], [3]] }))).toEqual([[1, 2], [3]]);
    expect(() => new DataLoader(ds, { sampler: [1], shuffle: true })).toThrow(/mutually exclusive/);
    expect(() => new DataLoader(ds, { batchSampler: [[1]], batchSize: 2 })).toThrow(/mutually exclusive/);
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(/positive integer/);
    expect(() => [...new DataLoader(ds, { batchSize: 2, sampler: [10] })]).toThrow(/out of range/);
  });

  test('for await yields the same batches', async () => {
    const got: number[][] = [];
    for await (const [xb] of new DataLoader(ds, { batchSize: 4 })) got.push((xb.toArray() as number[][]).map((r) => r[0]));
    expect(got).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  test('for await lets timers run between batches', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const slow = new (class extends torch.data.Dataset<number> {
      get length() {
        return 6;
      }
      getItem(i: number) {
        const end = Date.now() + 3;
        while (Date.now() < end); // 3 ms of work per example
        return i;
      }
    })();
    for await (const _ of new DataLoader(slow, { batchSize: 1 })) void _;
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  test('defaultCollate: tensors stack, integers give int64, floats float64, arrays and objects field by field', () => {
    const b = defaultCollate([[torch.ones(2), 1, { a: 0.5 }], [torch.zeros(2), 2, { a: 1.5 }]]) as [Tensor, Tensor, { a: Tensor }];
    expect(b[0].shape).toEqual([2, 2]);
    expect(b[1].dtype).toBe('int64');
    expect(b[1].toArray()).toEqual([1, 2]);
    expect(b[2].a.dtype).toBe('float64');
    expect(b[2].a.toArray()).toEqual([0.5, 1.5]);
    expect(() => defaultCollate([[1], [1, 2]])).toThrow(/equal size/);
  });

  test('datasets without getBatch are collated item by item', () => {
    const squares = new (class extends torch.data.Dataset<[number, number]> {
      get length() {
        return 5;
      }
      getItem(i: number): [number, number] {
        return [i, i * i];
      }
    })();
    const [[a, b]] = [...new DataLoader(squares, { batchSize: 5 })] as unknown as [Tensor, Tensor][];
    expect(b.toArray()).toEqual([0, 1, 4, 9, 16]);
    expect(a.dtype).toBe('int64');
  });
});

describe('TensorDataset, Subset, randomSplit', () => {
  const ds = new TensorDataset(torch.arange(10).reshape(10, 1), torch.arange(10, { dtype: 'int64' }));
  test('getItem and errors', () => {
    expect(ds.length).toBe(10);
    expect(ds.getItem(-1)[1].item()).toBe(9);
    expect(() => ds.getItem(10)).toThrow(/out of range/);
    expect(() => new TensorDataset(torch.ones(3), torch.ones(4))).toThrow(/Size mismatch/);
  });
  test('randomSplit with counts and fractions covers the dataset once', () => {
    const g = new torch.Generator().manualSeed(0);
    const parts = randomSplit(ds, [0.7, 0.3], { generator: g });
    expect(parts.map((p) => p.length)).toEqual([7, 3]);
    const all = parts.flatMap((p) => p.indices).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 10 }, (_, i) => i));
    // remainders are dealt round-robin from the first subset: floor(10/3) = 3 each, one left
    expect(randomSplit(ds, [1 / 3, 1 / 3, 1 / 3]).map((p) => p.length)).toEqual([4, 3, 3]);
    expect(randomSplit(ds, [2, 8]).map((p) => p.length)).toEqual([2, 8]);
    expect(() => randomSplit(ds, [2, 3])).toThrow(/does not equal the length/);
    const sub = new Subset(ds, [3, 1]);
    expect(sub.getItem(0)[1].item()).toBe(3);
    expect(sub.getBatch!([1, 0])[1].toArray()).toEqual([1, 3]);
  });
});

describe("the book's training classes (section 3.2 to 3.5)", () => {
  test('SyntheticRegressionData: shapes, noise level, 1000 + 1000 examples, batches of 32', () => {
    torch.manualSeed(0);
    const w = torch.tensor([2, -3.4]);
    const data = new d2l.SyntheticRegressionData(w, 4.2);
    expect(data.X.shape).toEqual([2000, 2]);
    expect(data.y.shape).toEqual([2000, 1]);
    // y - (Xw + b) is the N(0, 0.01^2) noise: its sample std over 2000 draws is 0.01 within 10%
    const resid = data.y.sub(data.X.matmul(w.reshape(2, 1)).add(4.2));
    expect(Number(resid.std().item())).toBeGreaterThan(0.009);
    expect(Number(resid.std().item())).toBeLessThan(0.011);
    const [Xb, yb] = [...data.trainDataloader()][0];
    expect(Xb.shape).toEqual([32, 2]);
    expect(yb.shape).toEqual([32, 1]);
    expect(data.getDataloader(true).length).toBe(32); // ceil(1000 / 32)
  });

  test('from scratch (3.4) and concise (3.5) linear regression recover w and b with the Trainer', () => {
    torch.manualSeed(1);
    const w = torch.tensor([2, -3.4]);
    const data = new d2l.SyntheticRegressionData(w, 4.2);
    const scratch = new d2l.LinearRegressionScratch(2, 0.03);
    const hist = new d2l.Trainer({ maxEpochs: 3, progress: false }).fit(scratch, data);
    expect(hist[2].valLoss).toBeLessThan(hist[0].valLoss!);
    // 96 steps of lr 0.03 on loss/2 shrink the error by about 0.97^96 = 0.05: from |w - w0| ~ 4 to < 0.3
    const errW = w.sub(scratch.w.reshape(2)).abs().amax().item() as number;
    expect(errW).toBeLessThan(0.3);
    expect(Math.abs(4.2 - (scratch.b.item() as number))).toBeLessThan(0.3);

    const concise = new d2l.LinearRegression(2, 0.03);
    new d2l.Trainer({ maxEpochs: 3, progress: false }).fit(concise, data);
    const [cw, cb] = concise.getWB();
    // MSE doubles the gradient: 0.94^96 = 0.003 of the initial error remains
    expect(w.sub(cw.reshape(2)).abs().amax().item()).toBeLessThan(0.03);
    expect(Math.abs(4.2 - (cb.item() as number))).toBeLessThan(0.03);
  });

  test('Trainer validates its options and clips gradients', () => {
    expect(() => new d2l.Trainer({ maxEpochs: -1 })).toThrow(/maxEpochs/);
    expect(() => new d2l.Trainer({ maxEpochs: 1, gradientClipVal: -1 })).toThrow(/gradientClipVal/);
    torch.manualSeed(2);
    const data = new d2l.SyntheticRegressionData(torch.tensor([2, -3.4]), 4.2, { numTrain: 64, numVal: 0 });
    const model = new d2l.LinearRegression(2, 0.03);
    const norms: number[] = [];
    const origStep = torch.optim.SGD.prototype.step;
    torch.optim.SGD.prototype.step = function (this: InstanceType<typeof torch.optim.SGD>) {
      const sq = this.paramGroups[0].params.reduce((a, p) => a + (p.grad!.square().sum().item() as number), 0);
      norms.push(Math.sqrt(sq));
      origStep.call(this);
    };
    try {
      new d2l.Trainer({ maxEpochs: 1, gradientClipVal: 0.5, progress: false }).fit(model, data);
    } finally {
      torch.optim.SGD.prototype.step = origStep;
    }
    expect(norms.length).toBe(2);
    for (const n of norms) expect(n).toBeLessThanOrEqual(0.5 + 1e-5);
  });
});
