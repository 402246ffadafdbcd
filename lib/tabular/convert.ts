/** Tables and columns to tensors and back (pandas' `to_numpy` followed by `torch.tensor`). */
import { DType, isFloating, toDType } from '../dtype';
import { ArgumentError, DTypeError, ShapeError, describe } from '../errors';
import { tensor, zeros } from '../ops/creation';
import { toArray } from '../ops/convert';
import { Tensor } from '../tensor';
import type { Table } from './csv';
import { isMissing } from './frame';
import { arquero } from './lazy';

/** Options of {@link toTensor}. */
export interface ToTensorOptions {
  /** Element type (default float64, as `to_numpy(dtype=float)` gives). */
  dtype?: DType;
}

function numeric(v: unknown, where: string, floating: boolean): number {
  if (typeof v === 'number' && !Number.isNaN(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isMissing(v)) {
    if (floating) return NaN;
    throw new DTypeError(`toTensor: ${where} is missing, which an integer dtype cannot hold; fill it first (fillMean, fillna) or ask for a float dtype`);
  }
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    throw new DTypeError(`toTensor: expected numbers or booleans but ${where} holds the string ${JSON.stringify(v)}; one-hot encode the column with getDummies first`);
  }
  throw new DTypeError(`toTensor: expected numbers or booleans but ${where} holds ${describe(v)}`);
}

/**
 * A tensor from a table (2-D, [rows, columns]) or from one column's values (1-D): numbers as they
 * are, booleans as 0/1, missing values as NaN. Strings are refused: encode them with getDummies.
 * @example
 * const X = toTensor(inputs);              // float64 [4, 3], as torch.tensor(inputs.to_numpy(dtype=float))
 * const y = toTensor(column(data, 2));     // float64 [4]
 * toTensor(column(data, 2), { dtype: 'int64' });
 */
export function toTensor(data: Table | readonly unknown[], opts: ToTensorOptions = {}): Tensor {
  const dtype = opts.dtype === undefined ? 'float64' : toDType(opts.dtype, 'toTensor');
  const floating = isFloating(dtype);
  if (Array.isArray(data)) {
    if (data.length === 0) return zeros([0], { dtype });
    return tensor(data.map((v, i) => numeric(v, `value ${i}`, floating)), { dtype });
  }
  const t = data as Table;
  if (t === null || typeof t !== 'object' || typeof t.columnNames !== 'function') {
    throw new ArgumentError(`toTensor: expected an arquero table or an array of values but received ${describe(data)}`);
  }
  const names = t.columnNames();
  const rows = t.numRows();
  if (rows === 0 || names.length === 0) return zeros([rows, names.length], { dtype });
  const cols = names.map((n) => t.array(n) as ArrayLike<unknown>);
  const nested: number[][] = [];
  for (let r = 0; r < rows; r++) nested.push(cols.map((c, j) => numeric(c[r], `row ${r} of column ${JSON.stringify(names[j])}`, floating)));
  return tensor(nested, { dtype });
}

/**
 * A table from a 1-D or 2-D tensor, one column per tensor column, named by `names` (default
 * col0, col1, ...). int64 values become JS numbers, bool values booleans.
 * @example fromTensor(torch.tensor([[1, 2], [3, 4]]), ['a', 'b']).array('b') // [2, 4]
 */
export function fromTensor(x: Tensor, names?: readonly string[]): Table {
  if (!(x instanceof Tensor)) throw new ArgumentError(`fromTensor: expected a Tensor but received ${describe(x)}`);
  if (x.dim() !== 1 && x.dim() !== 2) throw new ShapeError(`fromTensor: expected a 1-D or 2-D tensor but received shape [${x.shape.join(', ')}]`);
  const m = x.dim() === 1 ? x.reshape(-1, 1) : x;
  const ncol = m.shape[1];
  const colNames = names ? [...names] : Array.from({ length: ncol }, (_, j) => `col${j}`);
  if (colNames.length !== ncol) throw new ShapeError(`fromTensor: the tensor has ${ncol} columns but ${colNames.length} names were given`);
  if (new Set(colNames).size !== colNames.length) throw new ArgumentError(`fromTensor: column names must be distinct but received ${JSON.stringify(colNames)}`);
  const rows = toArray(m) as (number | boolean)[][];
  const cols: Record<string, (number | boolean)[]> = {};
  colNames.forEach((n, j) => (cols[n] = rows.map((r) => r[j])));
  return arquero().table(cols, colNames);
}
