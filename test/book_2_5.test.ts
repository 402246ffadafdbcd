// d2l.ai (PyTorch edition), section 2.5 "Automatic Differentiation", ported cell by cell.
// Expected strings are what the book (and PyTorch 1.13) prints.
import * as torch from '../lib';

describe('d2l 2.5 Automatic Differentiation', () => {
  describe('2.5.1 A Simple Function (one x shared by the cells, as in the book)', () => {
    const x = torch.arange(4.0);

    test('x = torch.arange(4.0)', () => {
      expect(String(x)).toBe('tensor([0., 1., 2., 3.])');
    });

    test('x.requires_grad_(True); x.grad is None', () => {
      const r = x.requiresGrad_(true);
      expect(r).toBe(x);
      expect(x.requiresGrad).toBe(true);
      expect(x.isLeaf).toBe(true);
      expect(x.grad).toBeNull();
      expect(String(x)).toBe('tensor([0., 1., 2., 3.], requires_grad=True)');
    });

    test('y = 2 * torch.dot(x, x); y', () => {
      const y = torch.mul(2, torch.dot(x, x));
      expect(String(y)).toBe('tensor(28., grad_fn=<MulBackward0>)');
      expect(y.gradFn!.name).toBe('MulBackward0');
      expect(y.item()).toBe(28);
      // the method form too
      const y2 = torch.dot(x, x).mul(2);
      expect(String(y2)).toBe('tensor(28., grad_fn=<MulBackward0>)');
    });

    test('y.backward(); x.grad', () => {
      const y = torch.mul(2, torch.dot(x, x));
      y.backward();
      expect(String(x.grad)).toBe('tensor([ 0.,  4.,  8., 12.])');
    });

    test('x.grad == 4 * x', () => {
      expect(String(x.grad!.eq(x.mul(4)))).toBe('tensor([True, True, True, True])');
    });

    test('x.grad.zero_(); y = x.sum(); y.backward(); x.grad', () => {
      x.grad!.zero_();
      const y = x.sum();
      expect(String(y)).toBe('tensor(6., grad_fn=<SumBackward0>)');
      y.backward();
      expect(String(x.grad)).toBe('tensor([1., 1., 1., 1.])');
    });
  });

  describe('2.5.2 Backward for Non-Scalar Variables', () => {
    test('x.grad.zero_(); y = x * x; y.backward(gradient=torch.ones(len(y))); x.grad', () => {
      const x = torch.arange(4.0).requiresGrad_();
      torch.mul(2, torch.dot(x, x)).backward();
      x.grad!.zero_();
      const y = x.mul(x);
      expect(String(y)).toBe('tensor([0., 1., 4., 9.], grad_fn=<MulBackward0>)');
      y.backward(torch.ones(y.shape[0]));
      expect(String(x.grad)).toBe('tensor([0., 2., 4., 6.])');
    });

    test('the "faster" form y.sum().backward() gives the same', () => {
      const x = torch.arange(4.0).requiresGrad_();
      x.mul(x).sum().backward();
      expect(String(x.grad)).toBe('tensor([0., 2., 4., 6.])');
    });
  });

  describe('2.5.3 Detaching Computation', () => {
    const x = torch.arange(4.0).requiresGrad_();
    let y: torch.Tensor;
    let u: torch.Tensor;

    test('y = x * x; u = y.detach(); z = u * x; z.sum().backward(); x.grad == u', () => {
      x.mul(x).sum().backward();
      x.grad!.zero_();
      y = x.mul(x);
      u = y.detach();
      expect(u.requiresGrad).toBe(false);
      expect(u.gradFn).toBeNull();
      expect(String(u)).toBe('tensor([0., 1., 4., 9.])');
      const z = u.mul(x);
      expect(String(z)).toBe('tensor([ 0.,  1.,  8., 27.], grad_fn=<MulBackward0>)');
      z.sum().backward();
      expect(String(x.grad!.eq(u))).toBe('tensor([True, True, True, True])');
    });

    test('x.grad.zero_(); y.sum().backward(); x.grad == 2 * x', () => {
      x.grad!.zero_();
      y.sum().backward();
      expect(String(x.grad!.eq(x.mul(2)))).toBe('tensor([True, True, True, True])');
      expect(String(x.grad)).toBe('tensor([0., 2., 4., 6.])');
    });
  });

  describe('2.5.4 Gradients and Python Control Flow', () => {
    // def f(a):
    //     b = a * 2
    //     while b.norm() < 1000: b = b * 2
    //     if b.sum() > 0: c = b
    //     else: c = 100 * b
    //     return c
    function f(a: torch.Tensor): torch.Tensor {
      let b = a.mul(2);
      // JS comparison of a tensor with a number goes through Symbol.toPrimitive, like Python's bool()
      while ((b.norm() as unknown as number) < 1000) b = b.mul(2);
      let c: torch.Tensor;
      if ((b.sum() as unknown as number) > 0) c = b;
      else c = torch.mul(100, b);
      return c;
    }

    test('a = torch.randn(size=(), requires_grad=True); d = f(a); d.backward(); a.grad == d / a', () => {
      torch.manualSeed(42);
      const a = torch.randn([], { requiresGrad: true });
      expect(a.shape).toEqual([]);
      expect(a.requiresGrad).toBe(true);
      const d = f(a);
      d.backward();
      expect(a.grad).not.toBeNull();
      expect(a.grad!.shape).toEqual([]);
      const ratio = d.div(a);
      expect(a.grad!.item()).toBeCloseTo(ratio.item() as number, 2);
      // the gradient is 2^k (positive a) or 100 * 2^k (negative a)
      const g = a.grad!.item() as number;
      const k = Math.log2((a.item() as number) > 0 ? g : g / 100);
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
    });

    test.each([
      // values and gradients checked with PyTorch 1.13
      [0.3, 'tensor(1228.8000, grad_fn=<MulBackward0>)', 4096],
      [1.7, 'tensor(1740.8000, grad_fn=<MulBackward0>)', 1024],
      [0.1234, 'tensor(1010.8928, grad_fn=<MulBackward0>)', 8192],
      [-0.3, 'tensor(-122880.0078, grad_fn=<MulBackward0>)', 409600],
      [-1.7, 'tensor(-174080., grad_fn=<MulBackward0>)', 102400],
    ])('both branches: a = %p', (v, printed, grad) => {
      const a = torch.tensor(v, { requiresGrad: true });
      const d = f(a);
      expect(String(d)).toBe(printed);
      d.backward();
      expect(a.grad!.item()).toBe(grad);
      expect(String(a.grad!.eq(d.div(a)))).toBe('tensor(True)');
    });

    test('seeded draws cover both signs', () => {
      let pos = 0;
      let neg = 0;
      for (let seed = 0; seed < 20; seed++) {
        torch.manualSeed(seed);
        const a = torch.randn([], { requiresGrad: true });
        const d = f(a);
        d.backward();
        const av = a.item() as number;
        if (av > 0) pos++;
        else neg++;
        const g = a.grad!.item() as number;
        expect(g).toBeCloseTo((d.item() as number) / av, 0);
        expect(g).toBeGreaterThan(0);
      }
      expect(pos).toBeGreaterThan(0);
      expect(neg).toBeGreaterThan(0);
    });

    test('same seed gives the same draw (manualSeed determinism)', () => {
      torch.manualSeed(7);
      const a1 = torch.randn([]).item();
      torch.manualSeed(7);
      const a2 = torch.randn([]).item();
      expect(a1).toBe(a2);
    });
  });
});
