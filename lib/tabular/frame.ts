/**
 * The few pandas steps of the book's section 2.2 that arquero lacks as one call: positional
 * selection (`iloc`), one-hot encoding with missing values as a category (`get_dummies(dummy_na=True)`),
 * and filling missing numbers with the column mean (`fillna(df.mean())`).
 */
import { ArgumentError, IndexError, describe } from '../errors';
import type { Table } from './csv';
import { arquero } from './lazy';

type Value = unknown;

const isMissing = (v: Value): boolean => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

function checkTable(fn: string, t: unknown): Table {
  if (t === null || typeof t !== 'object' || typeof (t as Table).columnNames !== 'function' || typeof (t as Table).array !== 'function') {
    throw new ArgumentError(`${fn}: expected an arquero table but received ${describe(t)}`);
  }
  return t as Table;
}

/** Positions picked by one part of an iloc spec ('2', '-1', ':', '0:2', '::2', '1:-1'). */
function positions(part: string, n: number, what: string): { idx: number[]; scalar: boolean } {
  const p = part.trim();
  const int = (s: string, fallback: number): number => {
    if (s.trim() === '') return fallback;
    const v = Number(s);
    if (!Number.isInteger(v)) throw new ArgumentError(`iloc: expected integers in the ${what} part but received ${JSON.stringify(part)}`);
    return v;
  };
  if (!p.includes(':')) {
    const i = int(p, NaN);
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) throw new IndexError(`iloc: single positional indexer is out-of-bounds (${what} ${i}, size ${n})`);
    return { idx: [j], scalar: true };
  }
  const parts = p.split(':');
  if (parts.length > 3) throw new ArgumentError(`iloc: expected start:stop:step in the ${what} part but received ${JSON.stringify(part)}`);
  const step = int(parts[2] ?? '', 1);
  if (step === 0) throw new ArgumentError('iloc: slice step cannot be zero');
  const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const idx: number[] = [];
  if (step > 0) {
    const start = norm(int(parts[0], 0), 0, n);
    const stop = norm(int(parts[1] ?? '', n), 0, n);
    for (let i = start; i < stop; i += step) idx.push(i);
  } else {
    const start = norm(int(parts[0], n - 1), -1, n - 1);
    const stop = parts[1] === undefined || parts[1].trim() === '' ? -1 : norm(int(parts[1], 0), -1, n - 1);
    for (let i = start; i > stop; i += step) idx.push(i);
  }
  return { idx, scalar: false };
}

/** Rows and columns of `t` at the given positions, as a new table. @internal */
export function take(t: Table, rows: readonly number[] | null, names: readonly string[]): Table {
  const cols: Record<string, Value[]> = {};
  for (const name of names) {
    const a = t.array(name) as ArrayLike<Value>;
    cols[name] = rows === null ? Array.from(a) : rows.map((r) => a[r]);
  }
  return arquero().table(cols, [...names]);
}

/**
 * Selects rows and columns by position with Python slice syntax, like pandas' `df.iloc[rows, cols]`:
 * `'rows, cols'` or just `'rows'`. A single column index still gives a one-column table; use
 * {@link column} for a column's values.
 * @example
 * const inputs = iloc(data, ':, 0:2');  // data.iloc[:, 0:2]
 * const lastRow = iloc(data, '-1');     // data.iloc[[-1]]
 */
export function iloc(table: Table, spec: string): Table {
  const t = checkTable('iloc', table);
  if (typeof spec !== 'string') throw new ArgumentError(`iloc: expected a spec string such as ':, 0:2' but received ${describe(spec)}`);
  const [rowPart, colPart, extra] = spec.split(',');
  if (extra !== undefined) throw new ArgumentError(`iloc: expected at most two parts (rows, cols) but received ${JSON.stringify(spec)}`);
  const names = t.columnNames();
  const rows = positions(rowPart, t.numRows(), 'row').idx;
  const cols = colPart === undefined ? names : positions(colPart, names.length, 'column').idx.map((i) => names[i]);
  return take(t, rows, cols);
}

/**
 * One column's values, by name or position (negative counts from the end): pandas' `df.iloc[:, 2]`
 * or `df['Price']`.
 * @example const targets = column(data, 2); // [127500, 106000, 178100, 140000]
 */
export function column(table: Table, col: string | number): Value[] {
  const t = checkTable('column', table);
  const names = t.columnNames();
  let name: string;
  if (typeof col === 'number') {
    const i = Number.isInteger(col) && col < 0 ? col + names.length : col;
    if (!Number.isInteger(i) || i < 0 || i >= names.length) throw new IndexError(`column: position ${col} is out of bounds for a table of ${names.length} columns`);
    name = names[i];
  } else if (typeof col === 'string') {
    if (!names.includes(col)) throw new ArgumentError(`column: no column named ${JSON.stringify(col)}; the columns are ${JSON.stringify(names)}`);
    name = col;
  } else throw new ArgumentError(`column: expected a column name or position but received ${describe(col)}`);
  return Array.from(t.array(name) as ArrayLike<Value>);
}

const isStringColumn = (vals: ArrayLike<Value>): boolean => Array.from(vals).some((v) => typeof v === 'string');

/** Options of {@link getDummies}. */
export interface DummyOptions {
  /** Add a `<col>_nan` indicator for missing values (pandas' dummy_na; default false). */
  dummyNa?: boolean;
  /** Columns to encode (default: every column holding strings). */
  columns?: readonly string[];
  /** Between the column name and the category (default '_'). */
  prefixSep?: string;
}

/**
 * One-hot encodes categorical columns like `pd.get_dummies`: other columns first, then for each
 * encoded column one boolean column per category in sorted order, named `<col>_<category>`, and
 * with `dummyNa` a `<col>_nan` column marking missing values.
 * @example
 * const encoded = getDummies(inputs, { dummyNa: true });
 * encoded.columnNames(); // ['NumRooms', 'RoofType_Slate', 'RoofType_nan']
 */
export function getDummies(table: Table, opts: DummyOptions = {}): Table {
  const t = checkTable('getDummies', table);
  const names = t.columnNames();
  const sep = opts.prefixSep ?? '_';
  for (const c of opts.columns ?? []) if (!names.includes(c)) throw new ArgumentError(`getDummies: no column named ${JSON.stringify(c)}; the columns are ${JSON.stringify(names)}`);
  const encode = new Set(opts.columns ?? names.filter((n) => isStringColumn(t.array(n) as ArrayLike<Value>)));
  const out: Record<string, Value[]> = {};
  const order: string[] = [];
  const put = (name: string, vals: Value[]) => {
    if (name in out) throw new ArgumentError(`getDummies: the encoded column name ${JSON.stringify(name)} is already taken`);
    out[name] = vals;
    order.push(name);
  };
  for (const n of names) if (!encode.has(n)) put(n, Array.from(t.array(n) as ArrayLike<Value>));
  for (const n of names) {
    if (!encode.has(n)) continue;
    const vals = Array.from(t.array(n) as ArrayLike<Value>);
    const cats = [...new Set(vals.filter((v) => !isMissing(v)).map(String))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const c of cats) put(`${n}${sep}${c}`, vals.map((v) => !isMissing(v) && String(v) === c));
    if (opts.dummyNa) put(`${n}${sep}nan`, vals.map(isMissing));
  }
  return arquero().table(out, order);
}

/**
 * Fills missing values (null or NaN) in number columns with the column's mean over the present
 * values: pandas' `df.fillna(df.mean())`. String columns, and columns with nothing to average,
 * are left as they are.
 * @example
 * const filled = fillMean(encoded); // NumRooms: [3, 2, 4, 3]
 */
export function fillMean(table: Table, columns?: readonly string[]): Table {
  const t = checkTable('fillMean', table);
  const names = t.columnNames();
  for (const c of columns ?? []) if (!names.includes(c)) throw new ArgumentError(`fillMean: no column named ${JSON.stringify(c)}; the columns are ${JSON.stringify(names)}`);
  const targets = new Set(columns ?? names);
  const out: Record<string, Value[]> = {};
  for (const n of names) {
    const vals = Array.from(t.array(n) as ArrayLike<Value>);
    out[n] = vals;
    if (!targets.has(n) || isStringColumn(vals)) continue;
    const present = vals.filter((v) => !isMissing(v)).map(Number);
    if (present.length === 0 || present.length === vals.length) continue;
    const mean = present.reduce((a, b) => a + b, 0) / present.length;
    out[n] = vals.map((v) => (isMissing(v) ? mean : v));
  }
  return arquero().table(out, names);
}

/**
 * Fills missing values with fixed values: one for every column, or one per column name
 * (pandas' `df.fillna(value)`).
 * @example fillna(data, { RoofType: 'None', NumRooms: 0 })
 */
export function fillna(table: Table, value: Value | Record<string, Value>): Table {
  const t = checkTable('fillna', table);
  const names = t.columnNames();
  const perColumn = value !== null && typeof value === 'object' && !Array.isArray(value);
  const out: Record<string, Value[]> = {};
  for (const n of names) {
    const vals = Array.from(t.array(n) as ArrayLike<Value>);
    const fill = perColumn ? (value as Record<string, Value>)[n] : value;
    out[n] = fill === undefined ? vals : vals.map((v) => (isMissing(v) ? fill : v));
  }
  return arquero().table(out, names);
}

export { isMissing };
