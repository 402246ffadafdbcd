// d2l.ai (PyTorch edition), section 2.1 "Data Manipulation", ported cell by cell.
// Every expected string below is what the book (and PyTorch 1.13) prints for the cell.
import * as torch from '../lib';

describe('d2l 2.1 Data Manipulation', () => {
  describe('2.1.1 Getting Started', () => {
    // x = torch.arange(12, dtype=torch.float32)
    const x = torch.arange(12, { dtype: 'float32' });

    test('x = arange(12, float32)', () => {
      expect(x.dtype).toBe('float32');
      expect(String(x)).toBe('tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.])');
      expect(x.toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });

    test('arange(12) defaults to float32 as documented', () => {
      expect(torch.arange(12).dtype).toBe('float32');
    });

    test('x.numel()', () => {
      expect(x.numel()).toBe(12);
    });

    test('x.shape', () => {
      expect(x.shape).toEqual([12]);
    });

    test('X = x.reshape(3, 4)', () => {
      const X = x.reshape(3, 4);
      expect(X.shape).toEqual([3, 4]);
      expect(String(X)).toBe(
        'tensor([[ 0.,  1.,  2.,  3.],\n' +
          '        [ 4.,  5.,  6.,  7.],\n' +
          '        [ 8.,  9., 10., 11.]])',
      );
    });

    test('x.reshape(-1, 4) and x.reshape(3, -1)', () => {
      expect(x.reshape(-1, 4).shape).toEqual([3, 4]);
      expect(x.reshape(3, -1).shape).toEqual([3, 4]);
      expect(String(x.reshape(-1, 4))).toBe(String(x.reshape(3, 4)));
    });

    test('torch.zeros((2, 3, 4))', () => {
      const z = torch.zeros([2, 3, 4]);
      expect(z.shape).toEqual([2, 3, 4]);
      expect(String(z)).toBe(
        'tensor([[[0., 0., 0., 0.],\n' +
          '         [0., 0., 0., 0.],\n' +
          '         [0., 0., 0., 0.]],\n' +
          '\n' +
          '        [[0., 0., 0., 0.],\n' +
          '         [0., 0., 0., 0.],\n' +
          '         [0., 0., 0., 0.]]])',
      );
    });

    test('torch.ones((2, 3, 4))', () => {
      const o = torch.ones([2, 3, 4]);
      expect(String(o)).toBe(
        'tensor([[[1., 1., 1., 1.],\n' +
          '         [1., 1., 1., 1.],\n' +
          '         [1., 1., 1., 1.]],\n' +
          '\n' +
          '        [[1., 1., 1., 1.],\n' +
          '         [1., 1., 1., 1.],\n' +
          '         [1., 1., 1., 1.]]])',
      );
    });

    test('torch.randn(3, 4)', () => {
      torch.manualSeed(0);
      const r = torch.randn(3, 4);
      expect(r.shape).toEqual([3, 4]);
      expect(r.dtype).toBe('float32');
      const v = r.toArray() as number[][];
      const flat = v.flat();
      expect(flat.every((e) => Number.isFinite(e))).toBe(true);
      // not all equal
      expect(new Set(flat).size).toBeGreaterThan(1);
    });

    test('torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])', () => {
      // Python int literals give int64; JS numbers default to float32, so the port asks for int64.
      const t = torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]], { dtype: 'int64' });
      expect(t.dtype).toBe('int64');
      expect(String(t)).toBe('tensor([[2, 1, 4, 3],\n        [1, 2, 3, 4],\n        [4, 3, 2, 1]])');
      // the float32 default prints with dots
      const f = torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]);
      expect(String(f)).toBe('tensor([[2., 1., 4., 3.],\n        [1., 2., 3., 4.],\n        [4., 3., 2., 1.]])');
    });
  });

  describe('2.1.2 Indexing and Slicing, 2.1.3 Operations (one shared x / X, as in the book)', () => {
    // The book keeps one x and X = x.reshape(3, 4) (a view): the writes into X show up in exp(x).
    const x = torch.arange(12, { dtype: 'float32' });
    const X = x.reshape(3, 4);

    test('X[-1], X[1:3]', () => {
      expect(String(X.index('-1'))).toBe('tensor([ 8.,  9., 10., 11.])');
      expect(String(X.index('1:3'))).toBe('tensor([[ 4.,  5.,  6.,  7.],\n        [ 8.,  9., 10., 11.]])');
    });

    test('X[1, 2] = 17', () => {
      X.set('1, 2', 17);
      expect(String(X)).toBe(
        'tensor([[ 0.,  1.,  2.,  3.],\n' +
          '        [ 4.,  5., 17.,  7.],\n' +
          '        [ 8.,  9., 10., 11.]])',
      );
    });

    test('X[:2, :] = 12', () => {
      X.set(':2, :', 12);
      expect(String(X)).toBe(
        'tensor([[12., 12., 12., 12.],\n' +
          '        [12., 12., 12., 12.],\n' +
          '        [ 8.,  9., 10., 11.]])',
      );
    });

    test('reshape is a view: x sees the writes made through X', () => {
      expect(x.toArray()).toEqual([12, 12, 12, 12, 12, 12, 12, 12, 8, 9, 10, 11]);
    });

    test('torch.exp(x)', () => {
      expect(String(torch.exp(x))).toBe(
        'tensor([162754.7969, 162754.7969, 162754.7969, 162754.7969, 162754.7969,\n' +
          '        162754.7969, 162754.7969, 162754.7969,   2980.9580,   8103.0840,\n' +
          '         22026.4648,  59874.1406])',
      );
      expect(String(x.exp())).toBe(String(torch.exp(x)));
    });
  });

  describe('2.1.3 Operations', () => {
    // x = torch.tensor([1.0, 2, 4, 8]); y = torch.tensor([2, 2, 2, 2])
    const x = torch.tensor([1.0, 2, 4, 8]);
    const y = torch.tensor([2, 2, 2, 2]);

    test('x + y, x - y, x * y, x / y, x ** y', () => {
      expect(String(x.add(y))).toBe('tensor([ 3.,  4.,  6., 10.])');
      expect(String(x.sub(y))).toBe('tensor([-1.,  0.,  2.,  6.])');
      expect(String(x.mul(y))).toBe('tensor([ 2.,  4.,  8., 16.])');
      expect(String(x.div(y))).toBe('tensor([0.5000, 1.0000, 2.0000, 4.0000])');
      expect(String(x.pow(y))).toBe('tensor([ 1.,  4., 16., 64.])');
    });

    test('same results with the book\'s int64 y (type promotion to float32)', () => {
      const yi = torch.tensor([2, 2, 2, 2], { dtype: 'int64' });
      expect(String(x.add(yi))).toBe('tensor([ 3.,  4.,  6., 10.])');
      expect(String(x.sub(yi))).toBe('tensor([-1.,  0.,  2.,  6.])');
      expect(String(x.mul(yi))).toBe('tensor([ 2.,  4.,  8., 16.])');
      expect(String(x.div(yi))).toBe('tensor([0.5000, 1.0000, 2.0000, 4.0000])');
      expect(String(x.pow(yi))).toBe('tensor([ 1.,  4., 16., 64.])');
      expect(x.pow(yi).dtype).toBe('float32');
    });

    test('functional forms torch.add / sub / mul / div / pow', () => {
      expect(String(torch.add(x, y))).toBe('tensor([ 3.,  4.,  6., 10.])');
      expect(String(torch.sub(x, y))).toBe('tensor([-1.,  0.,  2.,  6.])');
      expect(String(torch.mul(x, y))).toBe('tensor([ 2.,  4.,  8., 16.])');
      expect(String(torch.div(x, y))).toBe('tensor([0.5000, 1.0000, 2.0000, 4.0000])');
      expect(String(torch.pow(x, y))).toBe('tensor([ 1.,  4., 16., 64.])');
    });

    const X = torch.arange(12, { dtype: 'float32' }).reshape([3, 4]);
    const Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]);

    test('torch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1)', () => {
      const c0 = torch.cat([X, Y], 0);
      const c1 = torch.cat([X, Y], 1);
      expect(c0.shape).toEqual([6, 4]);
      expect(c1.shape).toEqual([3, 8]);
      expect(String(c0)).toBe(
        'tensor([[ 0.,  1.,  2.,  3.],\n' +
          '        [ 4.,  5.,  6.,  7.],\n' +
          '        [ 8.,  9., 10., 11.],\n' +
          '        [ 2.,  1.,  4.,  3.],\n' +
          '        [ 1.,  2.,  3.,  4.],\n' +
          '        [ 4.,  3.,  2.,  1.]])',
      );
      expect(String(c1)).toBe(
        'tensor([[ 0.,  1.,  2.,  3.,  2.,  1.,  4.,  3.],\n' +
          '        [ 4.,  5.,  6.,  7.,  1.,  2.,  3.,  4.],\n' +
          '        [ 8.,  9., 10., 11.,  4.,  3.,  2.,  1.]])',
      );
    });

    test('X == Y', () => {
      const e = X.eq(Y);
      expect(e.dtype).toBe('bool');
      expect(String(e)).toBe(
        'tensor([[False,  True, False,  True],\n' +
          '        [False, False, False, False],\n' +
          '        [False, False, False, False]])',
      );
    });

    test('X.sum()', () => {
      const s = X.sum();
      expect(String(s)).toBe('tensor(66.)');
      expect(s.item()).toBe(66);
      expect(s.shape).toEqual([]);
    });

    test('exercise 1: X < Y and X > Y', () => {
      expect(String(X.lt(Y))).toBe(
        'tensor([[ True, False,  True, False],\n' +
          '        [False, False, False, False],\n' +
          '        [False, False, False, False]])',
      );
      expect(String(X.gt(Y))).toBe(
        'tensor([[False, False, False, False],\n' +
          '        [ True,  True,  True,  True],\n' +
          '        [ True,  True,  True,  True]])',
      );
    });
  });

  describe('2.1.4 Broadcasting', () => {
    test('a = arange(3).reshape((3, 1)), b = arange(2).reshape((1, 2)), a + b', () => {
      // Python's torch.arange(3) is int64; kindling's arange defaults to float32, so ask for int64.
      const a = torch.arange(3, { dtype: 'int64' }).reshape([3, 1]);
      const b = torch.arange(2, { dtype: 'int64' }).reshape([1, 2]);
      expect(String(a)).toBe('tensor([[0],\n        [1],\n        [2]])');
      expect(String(b)).toBe('tensor([[0, 1]])');
      const c = a.add(b);
      expect(c.shape).toEqual([3, 2]);
      expect(c.dtype).toBe('int64');
      expect(String(c)).toBe('tensor([[0, 1],\n        [1, 2],\n        [2, 3]])');
    });

    test('same with the float32 default arange', () => {
      const a = torch.arange(3).reshape(3, 1);
      const b = torch.arange(2).reshape(1, 2);
      expect(String(a.add(b))).toBe('tensor([[0., 1.],\n        [1., 2.],\n        [2., 3.]])');
    });

    test('exercise 2: 3-D broadcasting (3,1,2) + (1,4,1)', () => {
      const a = torch.arange(6, { dtype: 'int64' }).reshape(3, 1, 2);
      const b = torch.arange(4, { dtype: 'int64' }).reshape(1, 4, 1);
      const c = a.add(b);
      expect(c.shape).toEqual([3, 4, 2]);
      expect(String(c)).toBe(
        'tensor([[[0, 1],\n' +
          '         [1, 2],\n' +
          '         [2, 3],\n' +
          '         [3, 4]],\n' +
          '\n' +
          '        [[2, 3],\n' +
          '         [3, 4],\n' +
          '         [4, 5],\n' +
          '         [5, 6]],\n' +
          '\n' +
          '        [[4, 5],\n' +
          '         [5, 6],\n' +
          '         [6, 7],\n' +
          '         [7, 8]]])',
      );
    });
  });

  describe('2.1.5 Saving Memory', () => {
    const freshXY = () => ({
      X: torch.arange(12, { dtype: 'float32' }).reshape(3, 4),
      Y: torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]),
    });

    test('before = id(Y); Y = Y + X; id(Y) == before  -> False', () => {
      let { X, Y } = freshXY();
      const before = Y;
      const beforeBuf = Y.typedArray().buffer;
      Y = Y.add(X);
      expect(Y === before).toBe(false);
      expect(Y.typedArray().buffer === beforeBuf).toBe(false);
    });

    test('Z = zeros_like(Y); Z[:] = X + Y keeps Z (same object, same memory)', () => {
      const { X, Y } = freshXY();
      const Z = torch.zerosLike(Y);
      const before = Z;
      const arr = Z.typedArray();
      const buf = arr.buffer;
      Z.set(':', X.add(Y));
      expect(Z === before).toBe(true);
      expect(Z.typedArray().buffer === buf).toBe(true);
      expect(Z.typedArray().byteOffset).toBe(arr.byteOffset);
      // the typed array taken before the write sees the new values: it is the same memory
      expect(Array.from(arr as Float32Array)).toEqual([2, 2, 6, 6, 5, 7, 9, 11, 12, 12, 12, 12]);
      expect(String(Z)).toBe(
        'tensor([[ 2.,  2.,  6.,  6.],\n' +
          '        [ 5.,  7.,  9., 11.],\n' +
          '        [12., 12., 12., 12.]])',
      );
    });

    test('before = id(X); X += Y; id(X) == before  -> True', () => {
      const { X, Y } = freshXY();
      const before = X;
      const arr = X.typedArray();
      const r = X.add_(Y);
      expect(r === before).toBe(true);
      expect(X.typedArray().buffer === arr.buffer).toBe(true);
      expect(Array.from(arr as Float32Array)).toEqual([2, 2, 6, 6, 5, 7, 9, 11, 12, 12, 12, 12]);
    });
  });

  describe('2.1.6 Conversion to Other Python Objects', () => {
    test('A = X.numpy(); B = torch.from_numpy(A) (typed arrays share memory)', () => {
      const X = torch.arange(12, { dtype: 'float32' }).reshape(3, 4);
      const A = X.typedArray();
      expect(A).toBeInstanceOf(Float32Array);
      expect(Array.from(A as Float32Array)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const B = torch.fromTypedArray(A, [3, 4]);
      expect(B).toBeInstanceOf(torch.Tensor);
      expect(B.shape).toEqual([3, 4]);
      expect(String(B)).toBe(String(X));
      // as with NumPy, A, B and X share memory
      A[0] = 100;
      expect(X.get(0, 0).item()).toBe(100);
      expect(B.get(0, 0).item()).toBe(100);
      B.set('1, 1', -5);
      expect(A[5]).toBe(-5);
      expect(X.get(1, 1).item()).toBe(-5);
    });

    test('torch.tensor(A) copies', () => {
      const X = torch.arange(12, { dtype: 'float32' }).reshape(3, 4);
      const A = X.typedArray();
      const C = torch.tensor(A);
      expect(C.dtype).toBe('float32');
      expect(C.shape).toEqual([12]);
      A[0] = 42;
      expect(C.get(0).item()).toBe(0);
      // nested arrays round trip
      const nested = X.toArray();
      expect(nested).toEqual([
        [42, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9, 10, 11],
      ]);
      expect(String(torch.tensor(nested as number[][]))).toBe(String(X));
    });

    test('a = torch.tensor([3.5]); a, a.item(), float(a), int(a)', () => {
      const a = torch.tensor([3.5]);
      expect(String(a)).toBe('tensor([3.5000])');
      expect(a.item()).toBe(3.5);
      expect(Number(a)).toBe(3.5);
      expect(Math.trunc(Number(a))).toBe(3);
      expect(`${a}`).toBe('tensor([3.5000])');
      expect(+a).toBe(3.5);
    });
  });
});
