// d2l.ai (PyTorch edition), section 2.3 "Linear Algebra", ported cell by cell.
// Expected strings are what the book (and PyTorch 1.13) prints.
import * as torch from '../lib';

describe('d2l 2.3 Linear Algebra', () => {
  describe('2.3.1 Scalars', () => {
    test('x = tensor(3.0), y = tensor(2.0): x + y, x * y, x / y, x**y', () => {
      const x = torch.tensor(3.0);
      const y = torch.tensor(2.0);
      expect(x.shape).toEqual([]);
      expect(String(x.add(y))).toBe('tensor(5.)');
      expect(String(x.mul(y))).toBe('tensor(6.)');
      expect(String(x.div(y))).toBe('tensor(1.5000)');
      expect(String(x.pow(y))).toBe('tensor(9.)');
      expect(x.add(y).item()).toBe(5);
      expect(x.div(y).item()).toBe(1.5);
      expect(x.pow(y).item()).toBe(9);
    });
  });

  describe('2.3.2 Vectors', () => {
    // x = torch.arange(3) is int64 in Python; kindling's arange defaults to float32.
    const x = torch.arange(3, { dtype: 'int64' });

    test('x', () => {
      expect(String(x)).toBe('tensor([0, 1, 2])');
      expect(String(torch.arange(3))).toBe('tensor([0., 1., 2.])');
    });

    test('x[2]', () => {
      expect(String(x.index(2))).toBe('tensor(2)');
      expect(String(x.get(2))).toBe('tensor(2)');
      expect(x.index(2).item()).toBe(2);
    });

    test('len(x), x.shape', () => {
      expect(x.shape[0]).toBe(3);
      expect(x.size(0)).toBe(3);
      expect(x.shape).toEqual([3]);
    });
  });

  describe('2.3.3 Matrices', () => {
    test('A = arange(6).reshape(3, 2); A.T', () => {
      const A = torch.arange(6, { dtype: 'int64' }).reshape(3, 2);
      expect(String(A)).toBe('tensor([[0, 1],\n        [2, 3],\n        [4, 5]])');
      expect(A.T.shape).toEqual([2, 3]);
      expect(String(A.T)).toBe('tensor([[0, 2, 4],\n        [1, 3, 5]])');
      expect(String(A.t())).toBe(String(A.T));
    });

    test('symmetric A == A.T', () => {
      const A = torch.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]], { dtype: 'int64' });
      expect(String(A.eq(A.T))).toBe('tensor([[True, True, True],\n        [True, True, True],\n        [True, True, True]])');
      expect(A.eq(A.T).all().item()).toBe(true);
    });
  });

  describe('2.3.4 Tensors', () => {
    test('torch.arange(24).reshape(2, 3, 4)', () => {
      const t = torch.arange(24, { dtype: 'int64' }).reshape(2, 3, 4);
      expect(String(t)).toBe(
        'tensor([[[ 0,  1,  2,  3],\n' +
          '         [ 4,  5,  6,  7],\n' +
          '         [ 8,  9, 10, 11]],\n' +
          '\n' +
          '        [[12, 13, 14, 15],\n' +
          '         [16, 17, 18, 19],\n' +
          '         [20, 21, 22, 23]]])',
      );
    });
  });

  describe('2.3.5 Basic Properties of Tensor Arithmetic', () => {
    const A = torch.arange(6, { dtype: 'float32' }).reshape(2, 3);
    const B = A.clone();

    test('B = A.clone() allocates new memory', () => {
      expect(B.typedArray().buffer === A.typedArray().buffer).toBe(false);
      B.set('0, 0', 99);
      expect(A.get(0, 0).item()).toBe(0);
      B.set('0, 0', 0);
    });

    test('A, A + B', () => {
      expect(String(A)).toBe('tensor([[0., 1., 2.],\n        [3., 4., 5.]])');
      expect(String(A.add(B))).toBe('tensor([[ 0.,  2.,  4.],\n        [ 6.,  8., 10.]])');
    });

    test('A * B', () => {
      expect(String(A.mul(B))).toBe('tensor([[ 0.,  1.,  4.],\n        [ 9., 16., 25.]])');
    });

    test('a = 2; X = arange(24).reshape(2, 3, 4); a + X, (a * X).shape', () => {
      const a = 2;
      const X = torch.arange(24, { dtype: 'int64' }).reshape(2, 3, 4);
      const s = torch.add(a, X);
      expect(s.dtype).toBe('int64');
      expect(String(s)).toBe(
        'tensor([[[ 2,  3,  4,  5],\n' +
          '         [ 6,  7,  8,  9],\n' +
          '         [10, 11, 12, 13]],\n' +
          '\n' +
          '        [[14, 15, 16, 17],\n' +
          '         [18, 19, 20, 21],\n' +
          '         [22, 23, 24, 25]]])',
      );
      expect(String(X.add(a))).toBe(String(s));
      expect(torch.mul(a, X).shape).toEqual([2, 3, 4]);
      expect(X.mul(a).shape).toEqual([2, 3, 4]);
    });
  });

  describe('2.3.6 Reduction', () => {
    const A = torch.arange(6, { dtype: 'float32' }).reshape(2, 3);

    test('x = arange(3, float32); x, x.sum()', () => {
      const x = torch.arange(3, { dtype: 'float32' });
      expect(String(x)).toBe('tensor([0., 1., 2.])');
      expect(String(x.sum())).toBe('tensor(3.)');
    });

    test('A.shape, A.sum()', () => {
      expect(A.shape).toEqual([2, 3]);
      expect(String(A.sum())).toBe('tensor(15.)');
    });

    test('A.shape, A.sum(axis=0).shape', () => {
      expect(A.sum(0).shape).toEqual([3]);
      expect(String(A.sum(0))).toBe('tensor([3., 5., 7.])');
      expect(String(A.sum({ dim: 0 }))).toBe('tensor([3., 5., 7.])');
    });

    test('A.shape, A.sum(axis=1).shape', () => {
      expect(A.sum(1).shape).toEqual([2]);
      expect(String(A.sum(1))).toBe('tensor([ 3., 12.])');
    });

    test('A.sum(axis=[0, 1]) == A.sum()', () => {
      expect(String(A.sum([0, 1]).eq(A.sum()))).toBe('tensor(True)');
      expect(String(torch.sum(A, [0, 1]))).toBe('tensor(15.)');
    });

    test('A.mean(), A.sum() / A.numel()', () => {
      expect(String(A.mean())).toBe('tensor(2.5000)');
      expect(String(A.sum().div(A.numel()))).toBe('tensor(2.5000)');
    });

    test('A.mean(axis=0), A.sum(axis=0) / A.shape[0]', () => {
      expect(String(A.mean(0))).toBe('tensor([1.5000, 2.5000, 3.5000])');
      expect(String(A.sum(0).div(A.shape[0]))).toBe('tensor([1.5000, 2.5000, 3.5000])');
    });

    test('2.3.6.1 sum_A = A.sum(axis=1, keepdims=True); sum_A, sum_A.shape', () => {
      const sumA = A.sum(1, true);
      expect(sumA.shape).toEqual([2, 1]);
      expect(String(sumA)).toBe('tensor([[ 3.],\n        [12.]])');
      expect(String(A.sum({ dim: 1, keepdim: true }))).toBe(String(sumA));
    });

    test('A / sum_A', () => {
      const sumA = A.sum(1, true);
      expect(String(A.div(sumA))).toBe('tensor([[0.0000, 0.3333, 0.6667],\n        [0.2500, 0.3333, 0.4167]])');
    });

    test('A.cumsum(axis=0)', () => {
      expect(String(A.cumsum(0))).toBe('tensor([[0., 1., 2.],\n        [3., 5., 7.]])');
    });
  });

  describe('2.3.7 Dot Products', () => {
    const x = torch.arange(3, { dtype: 'float32' });
    const y = torch.ones(3, { dtype: 'float32' });

    test('x, y, torch.dot(x, y)', () => {
      expect(String(x)).toBe('tensor([0., 1., 2.])');
      expect(String(y)).toBe('tensor([1., 1., 1.])');
      expect(String(torch.dot(x, y))).toBe('tensor(3.)');
    });

    test('torch.sum(x * y)', () => {
      expect(String(torch.sum(x.mul(y)))).toBe('tensor(3.)');
    });
  });

  describe('2.3.8 Matrix-Vector Products, 2.3.9 Matrix-Matrix Multiplication', () => {
    const A = torch.arange(6, { dtype: 'float32' }).reshape(2, 3);
    const x = torch.arange(3, { dtype: 'float32' });

    test('A.shape, x.shape, torch.mv(A, x), A@x', () => {
      expect(A.shape).toEqual([2, 3]);
      expect(x.shape).toEqual([3]);
      expect(String(torch.mv(A, x))).toBe('tensor([ 5., 14.])');
      expect(String(A.matmul(x))).toBe('tensor([ 5., 14.])');
    });

    test('B = torch.ones(3, 4); torch.mm(A, B), A@B', () => {
      const B = torch.ones(3, 4);
      const expected = 'tensor([[ 3.,  3.,  3.,  3.],\n        [12., 12., 12., 12.]])';
      expect(String(torch.mm(A, B))).toBe(expected);
      expect(String(A.matmul(B))).toBe(expected);
    });
  });

  describe('2.3.10 Norms', () => {
    test('u = tensor([3.0, -4.0]); torch.norm(u)', () => {
      const u = torch.tensor([3.0, -4.0]);
      expect(String(torch.norm(u))).toBe('tensor(5.)');
      expect(String(u.norm())).toBe('tensor(5.)');
    });

    test('torch.abs(u).sum()', () => {
      const u = torch.tensor([3.0, -4.0]);
      expect(String(torch.abs(u).sum())).toBe('tensor(7.)');
    });

    test('torch.norm(torch.ones((4, 9)))', () => {
      expect(String(torch.norm(torch.ones([4, 9])))).toBe('tensor(6.)');
    });
  });
});
