import { argError } from './errors';

/** The element types kindling tensors hold. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

export const float32: DType = 'float32';
export const float64: DType = 'float64';
export const int32: DType = 'int32';
export const int64: DType = 'int64';
export const bool: DType = 'bool';
export const float: DType = 'float32';
export const double: DType = 'float64';
export const long: DType = 'int64';
export const int: DType = 'int32';

/** Ids shared with native/include/dtype.h. */
export const DTYPE_IDS: Record<DType, number> = { float32: 0, float64: 1, int32: 2, int64: 3, bool: 4 };

export const ITEMSIZE: Record<DType, number> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 };

export type TypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export const TYPED_ARRAY: Record<DType, { new (b: ArrayBuffer, off: number, len: number): TypedArray }> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
};

const ALIASES: Record<string, DType> = {
  float32: 'float32', float: 'float32', float64: 'float64', double: 'float64',
  int32: 'int32', int: 'int32', int64: 'int64', long: 'int64', bool: 'bool',
};

// Linear promotion order of kindling's dtypes (PyTorch's promote_types restricted to them).
const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

export function isDType(v: unknown): v is DType {
  return typeof v === 'string' && v in RANK;
}

/** Accepts 'float32' and PyTorch's aliases ('float', 'double', 'long', 'int'). */
export function toDType(v: unknown, fn = 'dtype'): DType {
  if (typeof v === 'string' && v in ALIASES) return ALIASES[v];
  throw argError(fn, "a dtype ('float32', 'float64', 'int32', 'int64' or 'bool')", v);
}

export const isFloating = (d: DType): boolean => d === 'float32' || d === 'float64';
export const isIntegral = (d: DType, includeBool = false): boolean =>
  d === 'int32' || d === 'int64' || (includeBool && d === 'bool');

export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * PyTorch's result_type: dimensioned tensors decide unless a zero-dim tensor or a JS number is of a
 * higher category (bool < integer < floating); JS numbers count as int64 or the default float.
 */
export function resultType(operands: readonly ({ dtype: DType; dim(): number } | number | boolean)[]): DType {
  let dimR: DType | undefined;
  let zeroR: DType | undefined;
  let wrapR: DType | undefined;
  const up = (cur: DType | undefined, d: DType) => (cur === undefined ? d : promoteTypes(cur, d));
  for (const o of operands) {
    if (typeof o === 'boolean') wrapR = up(wrapR, 'bool');
    else if (typeof o === 'number') wrapR = up(wrapR, Number.isInteger(o) ? 'int64' : 'float32');
    else if (o.dim() === 0) zeroR = up(zeroR, o.dtype);
    else dimR = up(dimR, o.dtype);
  }
  const combine = (higher: DType | undefined, lower: DType | undefined): DType | undefined => {
    if (higher === undefined) return lower;
    if (lower === undefined) return higher;
    if (isFloating(higher)) return higher;
    if (higher === 'bool' || isFloating(lower)) return promoteTypes(higher, lower);
    return higher;
  };
  return combine(dimR, combine(zeroR, wrapR)) ?? 'float32';
}

/** The dtype a float-only op computes in: floats stay, integers and bool become float32. */
export const floatResult = (d: DType): DType => (isFloating(d) ? d : 'float32');
