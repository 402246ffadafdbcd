// Misuse gives typed, explanatory errors and never crashes the process.
import * as torch from '../lib';
import { binding } from '../lib/backend/native';

describe('typed errors for bad input', () => {
  test('broadcast mismatch names both sizes and the dim (PyTorch wording)', () => {
    const a = torch.ones(2, 3);
    const b = torch.ones(2, 4);
    expect(() => a.add(b)).toThrow(torch.ShapeMismatchError);
    expect(() => a.add(b)).toThrow(/size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1/);
  });
  test('invalid reshape', () => {
    expect(() => torch.arange(12).reshape(5, -1)).toThrow(torch.ShapeError);
    expect(() => torch.arange(12).reshape(5, 2)).toThrow(/shape '\[5, 2\]' is invalid for input of size 12/);
    expect(() => torch.arange(12).reshape(-1, -1)).toThrow(/only one dimension can be inferred/);
    expect(() => torch.arange(12).reshape(3, 4).t().view(12)).toThrow(/view size is not compatible/);
  });
  test('out-of-range indices and dims', () => {
    const X = torch.arange(12).reshape(3, 4);
    expect(() => X.index('3')).toThrow(torch.IndexError);
    expect(() => X.index('0, 4')).toThrow(/index 4 is out of bounds for dimension 1 with size 4/);
    expect(() => X.sum(2)).toThrow(torch.DimensionError);
    expect(() => X.sum(2)).toThrow(/expected to be in range of \[-2, 1\], but got 2/);
    expect(() => X.index([torch.tensor([0, 5], { dtype: 'int64' })])).toThrow(/index 5 is out of bounds/);
    expect(() => X.gather(1, torch.tensor([[7]], { dtype: 'int64' }))).toThrow(torch.IndexError);
    expect(() => X.index('0, 0, 0')).toThrow(/too many indices/);
  });
  test('wrong dtypes', () => {
    expect(() => torch.arange(3, { dtype: 'int64' }).mean()).toThrow(torch.DTypeError);
    expect(() => torch.where(torch.ones(2), 1, 0)).toThrow(/condition to be a bool tensor/);
    expect(() => torch.ones(2).matmul(torch.ones(2, { dtype: 'float64' }))).toThrow(torch.DTypeError);
    expect(() => torch.zeros(2, { dtype: 'complex64' as never })).toThrow(torch.ArgumentError);
    expect(() => torch.ones(2, { dtype: 'int32' }).add_(1.5)).toThrow(/can't be cast/);
  });
  test('non-finite and non-integer shape values', () => {
    expect(() => torch.zeros(NaN)).toThrow(torch.ShapeError);
    expect(() => torch.zeros(Infinity)).toThrow(torch.ShapeError);
    expect(() => torch.zeros(2.5)).toThrow(torch.ShapeError);
    expect(() => torch.zeros(-1)).toThrow(torch.ShapeError);
    expect(() => torch.ones(2 ** 30, 2 ** 30)).toThrow(torch.ShapeError);
    expect(() => torch.tensor([[1, 2], [3]])).toThrow(/expected sequence of length 2 at dim 1 \(got 1\)/);
    expect(() => torch.tensor([1, 'a' as never])).toThrow(torch.ArgumentError);
  });
  test('use after dispose throws DisposedError', () => {
    const t = torch.ones(3);
    t.dispose();
    expect(() => t.add(1)).toThrow(torch.DisposedError);
    expect(String(t)).toBe('tensor(<disposed>)');
  });
  test('the native side refuses plans that reach outside a buffer', () => {
    const buf = binding.alloc(16);
    const out = binding.alloc(16);
    // ndim 1, 2 operands, shape [8] over 4-element float32 buffers
    const plan = new Float64Array([1, 2, 8, 0, 1, 0, 1]);
    expect(() => binding.unary(0, 0, plan, buf, out)).toThrow(/outside its buffer/);
    const negative = new Float64Array([1, 2, 4, 0, 1, -1, 1]);
    expect(() => binding.unary(0, 0, negative, buf, out)).toThrow(/outside its buffer/);
    expect(() => binding.unary(0, 0, new Float64Array([1, 2, NaN, 0, 1, 0, 1]), buf, out)).toThrow(/invalid plan value/);
    expect(() => binding.unary(0, 9, plan, buf, out)).toThrow(/unknown dtype/);
    expect(() => binding.free(new ArrayBuffer(8))).toThrow(/allocated by kindling/);
    expect(() => binding.alloc(-1)).toThrow(/non-negative integer/);
  });
});

describe('memory', () => {
  test('dispose frees a storage only after every view is disposed', () => {
    const x = torch.arange(6);
    const v = x.reshape(2, 3);
    x.dispose();
    expect(v.sum().item()).toBe(15);
    v.dispose();
    expect(() => v.sum()).toThrow(torch.DisposedError);
  });
  test('tidy frees intermediates and keeps the result and its graph', () => {
    const w = torch.tensor([1.0, 2.0, 3.0], { requiresGrad: true });
    let inner: torch.Tensor | null = null;
    const y = torch.tidy(() => {
      inner = w.mul(2);
      return inner.exp().sum();
    });
    expect(inner!.disposed).toBe(true);
    y.backward();
    // d/dw sum(exp(2w)) = 2 exp(2w)
    const expected = [1, 2, 3].map((v) => 2 * Math.exp(2 * v));
    (w.grad!.toArray() as number[]).forEach((g, i) => expect(g).toBeCloseTo(expected[i], 2));
  });
  test('typedArray shares memory with the tensor, fromTypedArray with the array', () => {
    const X = torch.arange(12).reshape(3, 4);
    const a = X.typedArray();
    a[0] = 100;
    expect(X.get(0, 0).item()).toBe(100);
    const arr = new Float64Array([1, 2, 3, 4]);
    const t = torch.fromTypedArray(arr, [2, 2]);
    arr[3] = 40;
    expect(t.toArray()).toEqual([[1, 2], [3, 40]]);
    t.add_(1);
    expect(Array.from(arr)).toEqual([2, 3, 4, 41]);
  });
});
