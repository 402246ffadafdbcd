// Shared helpers for fixture-driven tests: building kindling tensors from JSON fixture entries and
// comparing results against PyTorch's recorded values.
import * as torch from '../lib';
import type { DType, Tensor } from '../lib';

/** A tensor as the fixture scripts write it: flat row-major values, nan/inf as strings. */
export interface TensorFx {
  values: (number | string | boolean)[];
  shape: number[];
  dtype: DType;
  requiresGrad?: boolean;
}

/** 'nan', 'inf', '-inf' (Python's str of non-finite floats) back to numbers. */
export function decodeNumber(v: number | string | boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  const n = Number(v);
  if (Number.isNaN(n)) throw new Error(`bad fixture number ${v}`);
  return n;
}

type Nested = number | boolean | Nested[];

function nest(flat: (number | boolean)[], shape: readonly number[]): Nested {
  if (shape.length === 0) return flat[0];
  let i = 0;
  const build = (d: number): Nested[] => {
    const out: Nested[] = [];
    for (let k = 0; k < shape[d]; k++) out.push(d === shape.length - 1 ? flat[i++] : build(d + 1));
    return out;
  };
  return build(0);
}

/** A fresh leaf kindling tensor holding the fixture's values (requiresGrad when the fixture says so). */
export function fromFixture(fx: TensorFx, requiresGrad = fx.requiresGrad ?? false): Tensor {
  const flat = fx.values.map((v) => (fx.dtype === 'bool' ? Boolean(v) : decodeNumber(v)));
  let t: Tensor;
  if (fx.shape.includes(0)) t = torch.zeros(fx.shape, { dtype: fx.dtype });
  else t = torch.tensor(nest(flat, fx.shape) as number[], { dtype: fx.dtype });
  if (requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Values of a kindling tensor, row-major, as JS numbers (bool as 0/1). */
export function valuesOf(t: Tensor): number[] {
  return Array.from(t._values() as ArrayLike<number | bigint>, (v) => Number(v));
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

function fmtVals(v: readonly number[]): string {
  const s = v.slice(0, 24).map((x) => (Number.isInteger(x) ? String(x) : x.toPrecision(8)));
  return `[${s.join(', ')}${v.length > 24 ? ', ...' : ''}]`;
}

/**
 * Checks dtype, shape and values of got against expected; returns a description of the first
 * mismatch or null. NaN matches NaN; infinities must match exactly.
 */
export function mismatch(got: Tensor | null | undefined, exp: TensorFx, tol: Tolerance): string | null {
  if (!got) return `expected a tensor, got ${got}`;
  if (got.dtype !== exp.dtype) return `dtype: expected ${exp.dtype}, got ${got.dtype}`;
  if (got.shape.length !== exp.shape.length || got.shape.some((s, i) => s !== exp.shape[i])) {
    return `shape: expected [${exp.shape}], got [${got.shape}]`;
  }
  const g = valuesOf(got);
  const e = exp.values.map(decodeNumber);
  const exact = exp.dtype !== 'float32' && exp.dtype !== 'float64';
  for (let i = 0; i < e.length; i++) {
    const a = g[i];
    const b = e[i];
    let ok: boolean;
    if (Number.isNaN(b)) ok = Number.isNaN(a);
    else if (!Number.isFinite(b) || exact) ok = a === b;
    else ok = Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b);
    if (!ok) return `value at flat index ${i}: expected ${b}, got ${a}\n  expected ${fmtVals(e)}\n  got      ${fmtVals(g)}`;
  }
  return null;
}

/** Throws with a readable message when got does not match expected. */
export function expectClose(got: Tensor | null | undefined, exp: TensorFx, tol: Tolerance, what = 'tensor'): void {
  const m = mismatch(got, exp, tol);
  if (m !== null) throw new Error(`${what}: ${m}`);
}
