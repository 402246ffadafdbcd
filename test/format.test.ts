// Checks lib/format.ts against strings recorded from PyTorch by scripts/fixtures/printing.py.
import * as fs from 'fs';
import * as path from 'path';
import { formatTensor, formatValues, setPrintOptions } from '../lib/format';
import type { DType } from '../lib/dtype';

interface Case {
  name: string;
  values: (number | string)[];
  shape: number[];
  dtype: DType;
  requiresGrad: boolean;
  gradFn: string | null;
  expected: string;
  options?: {
    precision?: number;
    threshold?: number | null; // null stands for Infinity, which JSON cannot hold
    edgeitems?: number;
    linewidth?: number;
    sciMode?: boolean;
    profile?: 'default' | 'short' | 'full';
  };
}

const cases: Case[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'printing.json'), 'utf8'),
);

/** Values as the engine hands them over: typed arrays, with int64 as BigInt. */
function typedValues(c: Case): ArrayLike<number | bigint> {
  switch (c.dtype) {
    case 'float32':
    case 'float64': {
      const arr = c.dtype === 'float32' ? new Float32Array(c.values.length) : new Float64Array(c.values.length);
      c.values.forEach((v, i) => (arr[i] = typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v));
      return arr;
    }
    case 'int64':
      return BigInt64Array.from(c.values.map((v) => BigInt(v)));
    case 'int32':
      return Int32Array.from(c.values as number[]);
    case 'bool':
      return Uint8Array.from(c.values as number[]);
  }
}

function suffixesOf(c: Case): string[] {
  if (c.gradFn) return [`grad_fn=<${c.gradFn}>`];
  return c.requiresGrad ? ['requires_grad=True'] : [];
}

function withOptions<T>(c: Case, fn: () => T): T {
  if (c.options) {
    const { threshold, ...rest } = c.options;
    setPrintOptions({ ...rest, ...(threshold !== undefined ? { threshold: threshold ?? Infinity } : {}) });
  }
  try {
    return fn();
  } finally {
    setPrintOptions({ profile: 'default' });
  }
}

const cpu = { type: 'cpu', toString: () => 'cpu' };

describe('formatValues matches PyTorch', () => {
  test('fixture has the expected coverage', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = withOptions(c, () => formatValues(typedValues(c), c.shape, c.dtype, suffixesOf(c)));
    expect(out).toBe(c.expected);
  });
});

describe('formatTensor matches PyTorch', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const values = typedValues(c);
    const t = {
      shape: c.shape,
      dtype: c.dtype,
      _values: () => values,
      requiresGrad: c.requiresGrad,
      gradFn: c.gradFn ? { name: c.gradFn } : null,
      isLeaf: c.gradFn === null,
      device: cpu,
    };
    expect(withOptions(c, () => formatTensor(t))).toBe(c.expected);
  });
});

describe('formatting details', () => {
  afterEach(() => setPrintOptions({ profile: 'default' }));

  test("the book's examples", () => {
    expect(formatValues([0, 4, 8, 12], [4], 'float32')).toBe('tensor([ 0.,  4.,  8., 12.])');
    expect(formatValues([28], [], 'float32')).toBe('tensor(28.)');
    expect(formatValues([1, 0], [2], 'bool')).toBe('tensor([ True, False])');
    expect(formatValues([3n], [], 'int64')).toBe('tensor(3)');
  });

  test('int64 given as plain numbers prints the same as BigInt', () => {
    expect(formatValues([-5, 10, 100], [3], 'int64')).toBe('tensor([ -5,  10, 100])');
  });

  test('device comes before dtype, and autograd last', () => {
    const t = {
      shape: [2],
      dtype: 'float64' as DType,
      _values: () => new Float64Array([1, 2]),
      requiresGrad: true,
      gradFn: { name: 'MulBackward0' },
      isLeaf: false,
      device: { type: 'cuda', toString: () => 'cuda:0' },
    };
    expect(formatTensor(t)).toBe("tensor([1., 2.], device='cuda:0', dtype=torch.float64, grad_fn=<MulBackward0>)");
  });

  test('setPrintOptions resets sciMode unless given, like torch', () => {
    setPrintOptions({ sciMode: true });
    expect(formatValues([1.5], [1], 'float32')).toBe('tensor([1.5000e+00])');
    setPrintOptions({ precision: 2 });
    expect(formatValues([1.5], [1], 'float32')).toBe('tensor([1.50])');
  });

  test('rejects unknown profiles', () => {
    expect(() => setPrintOptions({ profile: 'long' as 'full' })).toThrow(TypeError);
  });
});
