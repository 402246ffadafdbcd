/**
 * Reading CSV files into arquero tables with pandas' idea of missing values: fields such as `NA`,
 * `NaN`, `null` or empty become null, and a column whose other fields all read as numbers is a
 * number column (so `NA,2,4,NA` is [null, 2, 4, null], where arquero alone keeps the strings).
 */
import * as fs from 'fs';
import type * as Arquero from 'arquero';
import { ArgumentError, describe } from '../errors';
import { arquero } from './lazy';

/** An arquero column table (what `aq.table`, `aq.fromCSV` and every verb return). */
export type Table = ReturnType<typeof Arquero.table>;

/** The strings pandas.read_csv reads as missing by default (its `na_values`). */
export const DEFAULT_NA_VALUES: readonly string[] = [
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
];

/** Options of {@link parseCsv} and {@link readCsv}. */
export interface CsvOptions {
  /** Strings read as missing (default {@link DEFAULT_NA_VALUES}). */
  naValues?: readonly string[];
  /** Field delimiter (default ','). */
  delimiter?: string;
  /** Whether the first line names the columns (default true). */
  header?: boolean;
  /** Column names when there is no header. */
  names?: string[];
  /** Lines to skip before reading. */
  skip?: number;
  /** Lines starting with this string are ignored. */
  comment?: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INF = /^[+-]?(inf|infinity)$/i;
const TRUE = new Set(['True', 'TRUE', 'true']);
const FALSE = new Set(['False', 'FALSE', 'false']);

/** One column's strings to numbers, booleans or (trimmed) strings, with nulls for missing fields. */
function inferColumn(raw: readonly (string | null)[], na: ReadonlySet<string>): (number | boolean | string | null)[] {
  const vals = raw.map((v) => (v === null || na.has(v.trim()) ? null : v));
  const present = vals.filter((v): v is string => v !== null).map((v) => v.trim());
  if (present.length > 0 && present.every((v) => NUMBER.test(v) || INF.test(v))) {
    return vals.map((v) => (v === null ? null : INF.test(v.trim()) ? (v.trim().startsWith('-') ? -Infinity : Infinity) : Number(v.trim())));
  }
  if (present.length > 0 && present.every((v) => TRUE.has(v) || FALSE.has(v))) {
    return vals.map((v) => (v === null ? null : TRUE.has(v.trim())));
  }
  return vals;
}

/**
 * A table from CSV text: missing fields become null, number and boolean columns are typed, other
 * columns keep their strings.
 * @example
 * const data = parseCsv('NumRooms,RoofType,Price\nNA,NA,127500\n2,NA,106000\n');
 * data.array('NumRooms'); // [null, 2]
 */
export function parseCsv(text: string, opts: CsvOptions = {}): Table {
  if (typeof text !== 'string') throw new ArgumentError(`parseCsv: expected CSV text (a string) but received ${describe(text)}`);
  const na = new Set(opts.naValues ?? DEFAULT_NA_VALUES);
  const raw = arquero().fromCSV(text, {
    autoType: false,
    delimiter: opts.delimiter,
    header: opts.header,
    names: opts.names,
    skip: opts.skip,
    comment: opts.comment,
  });
  const names = raw.columnNames();
  const cols: Record<string, unknown[]> = {};
  for (const n of names) cols[n] = inferColumn(raw.array(n) as (string | null)[], na);
  return arquero().table(cols, names);
}

/**
 * Reads a CSV file (synchronously) with {@link parseCsv}: `pd.read_csv(path)`.
 * @example
 * const data = readCsv('../data/house_tiny.csv');
 * data.print(); // NumRooms: null, 2, 4, null; RoofType: null, null, 'Slate', null; Price: 127500, ...
 */
export function readCsv(path: string, opts: CsvOptions = {}): Table {
  if (typeof path !== 'string') throw new ArgumentError(`readCsv: expected a file path (a string) but received ${describe(path)}`);
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new ArgumentError(`readCsv: cannot read ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
  return parseCsv(text, opts);
}
