/** Shape arithmetic: validation, broadcasting, dims, strides. */
import { ArgumentError, DimensionError, ShapeError, ShapeMismatchError, describe } from '../errors';

export type Shape = readonly number[];

/** Accepts `f(2, 3)` and `f([2, 3])`; every size a non-negative safe integer. */
export function parseShape(args: readonly unknown[], fn: string): number[] {
  const raw = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return raw.map((s, i) => checkSize(s, fn, i));
}

export function checkSize(s: unknown, fn: string, i = 0): number {
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > Number.MAX_SAFE_INTEGER) {
    throw new ShapeError(`${fn}: expected a non-negative integer size at position ${i} but received ${describe(s)}`);
  }
  return s;
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  if (n > 2 ** 46) throw new ShapeError(`shape [${shape}] has ${n} elements, more than kindling can allocate (2^46)`);
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = acc;
    acc *= Math.max(shape[d], 1);
  }
  return st;
}

export function normalizeDim(dim: unknown, ndim: number, fn = 'dim'): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) {
    throw new ArgumentError(`${fn}: expected an integer dim but received ${describe(dim)}`);
  }
  const n = Math.max(ndim, 1);
  if (dim < -n || dim >= n) throw new DimensionError(dim, ndim);
  return dim < 0 ? dim + n : dim;
}

export function broadcastShapes(a: Shape, b: Shape, op = 'broadcast'): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - 1 - i] ?? 1;
    const y = b[b.length - 1 - i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeMismatchError(
        op,
        a,
        b,
        i,
        `${op}: the size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${n - 1 - i}` +
          ` (shapes [${a.join(', ')}] and [${b.join(', ')}])`,
      );
    }
    out[n - 1 - i] = x === 1 ? y : x;
  }
  return out;
}

/** Strides that view a tensor of `shape`/`strides` as `target` (stride 0 on broadcast axes). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const off = target.length - shape.length;
  const out = new Array<number>(target.length).fill(0);
  for (let d = 0; d < shape.length; d++) out[d + off] = shape[d] === 1 && target[d + off] !== 1 ? 0 : strides[d];
  return out;
}

export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((s, i) => s === b[i]);
