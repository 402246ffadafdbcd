/**
 * CSV files of numeric feature columns and one label column (scikit-learn's digits, breast cancer,
 * UCI-style tables), parsed with csv-parse into a features matrix and a labels vector.
 */
import * as fs from 'fs';
import { parse } from 'csv-parse/sync';
import { DType } from '../dtype';
import { ArgumentError, KindlingError, argError } from '../errors';
import { Tensor, allocTensor } from '../tensor';
import { CPU } from '../device';

/** A CSV file whose contents do not fit the request; `line` and `column` are 1-based when known. */
export class CsvFormatError extends KindlingError {
  constructor(readonly file: string, readonly line: number | null, readonly column: number | null, readonly problem: string) {
    super(`${file}${line === null ? '' : `, line ${line}`}${column === null ? '' : `, column ${column}`}: ${problem}`);
  }
}

export interface ReadCsvOptions {
  /** Index (negative counts from the end) or header name of the label column; default the last. */
  labelColumn?: number | string;
  /** Whether the first row (after skipRows) names the columns; 'auto' (default): it does when any field is not a number. */
  header?: boolean | 'auto';
  /** Field separator; default ','. */
  delimiter?: string;
  /** dtype of the features; default float32. */
  dtype?: 'float32' | 'float64';
  /** dtype of the labels; default int64 (the labels must then be integers). */
  labelDtype?: 'int64' | 'float32' | 'float64';
  /** Lines to skip before the header or first data row (e.g. scikit-learn's summary line). */
  skipRows?: number;
}

type Record_ = { record: string[]; info: { lines: number } };

// Decimal numbers as written by spreadsheets, NumPy and pandas, plus nan/inf spellings; no hex,
// no empty strings (Number('') is 0, which would hide a missing value).
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, infinity: Infinity };

/** The number a field holds, or undefined when it holds none. */
function toNumber(s: string): number | undefined {
  if (NUMBER.test(s)) return Number(s);
  const lower = s.toLowerCase();
  const sign = lower.startsWith('-') ? -1 : 1;
  const body = lower.replace(/^[+-]/, '');
  return body in SPECIAL ? sign * SPECIAL[body] : undefined;
}

/**
 * Reads a CSV of numeric columns into features [N, F] and labels [N]. Empty or non-numeric fields
 * in data rows throw a CsvFormatError naming the line and column. `columns` names the feature
 * columns: the header's names, or the columns' 0-based positions in the file when there is none.
 * @example
 * const { features, labels } = torch.data.readCsv('../shared/data/digits.csv');   // [1797, 64], [1797]
 * torch.data.readCsv('breast_cancer.csv', { skipRows: 1, dtype: 'float64' });    // [569, 30], [569]
 */
export function readCsv(file: string, opts: ReadCsvOptions = {}): { features: Tensor; labels: Tensor; columns: string[]; labelName: string } {
  if (typeof file !== 'string' || file === '') throw argError('readCsv', 'a file path', file);
  const skipRows = opts.skipRows ?? 0;
  if (!Number.isSafeInteger(skipRows) || skipRows < 0) throw argError('readCsv', 'skipRows as a non-negative integer', skipRows);
  const header = opts.header ?? 'auto';
  if (header !== true && header !== false && header !== 'auto') throw argError('readCsv', "header true, false or 'auto'", header);
  const delimiter = opts.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter === '' || delimiter === '"' || /[\r\n]/.test(delimiter)) throw argError('readCsv', 'a delimiter such as "," or "\\t"', delimiter);
  const dtype: DType = opts.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw argError('readCsv', "dtype 'float32' or 'float64'", dtype);
  const labelDtype: DType = opts.labelDtype ?? 'int64';
  if (labelDtype !== 'int64' && labelDtype !== 'float32' && labelDtype !== 'float64') throw argError('readCsv', "labelDtype 'int64', 'float32' or 'float64'", labelDtype);

  let rows: Record_[];
  try {
    rows = parse(fs.readFileSync(file), { delimiter, info: true, bom: true, trim: true, skip_empty_lines: true, from_line: skipRows + 1 }) as Record_[];
  } catch (e) {
    const err = e as Error & { code?: string; lines?: number };
    // parse errors are csv-parse's CsvError (codes CSV_* and INVALID_OPENING_QUOTE); fs errors pass through
    if (err.constructor?.name !== 'CsvError' && !String(err.code ?? '').startsWith('CSV_')) throw e;
    throw new CsvFormatError(file, err.lines ?? null, null, err.message);
  }
  if (rows.length === 0) throw new CsvFormatError(file, null, null, `no rows after skipping ${skipRows} line(s)`);

  const first = rows[0].record;
  const ncols = first.length;
  const hasHeader = header === 'auto' ? first.some((f) => f !== '' && toNumber(f) === undefined) : header;
  const names = hasHeader ? first : first.map((_, i) => String(i));
  const data = hasHeader ? rows.slice(1) : rows;

  let label: number;
  const lc = opts.labelColumn ?? -1;
  if (typeof lc === 'number') {
    if (!Number.isInteger(lc) || lc < -ncols || lc >= ncols) throw argError('readCsv', `labelColumn as an integer in [${-ncols}, ${ncols - 1}] (the file has ${ncols} columns)`, lc);
    label = lc < 0 ? ncols + lc : lc;
  } else if (typeof lc === 'string') {
    if (!hasHeader) throw new ArgumentError(`readCsv: labelColumn ${JSON.stringify(lc)} names a column but ${file} has no header row; pass a column index instead`);
    label = names.indexOf(lc);
    if (label < 0) throw new ArgumentError(`readCsv: expected labelColumn to be one of the header's columns (${names.map((n) => JSON.stringify(n)).join(', ')}) but received ${JSON.stringify(lc)}`);
  } else throw argError('readCsv', 'labelColumn as a column index or header name', lc);

  const n = data.length;
  const nf = ncols - 1;
  const features = allocTensor([n, nf], dtype, CPU, false);
  const labels = allocTensor([n], labelDtype, CPU, false);
  try {
    const fv = dtype === 'float32' ? new Float32Array(features._buf, 0, n * nf) : new Float64Array(features._buf, 0, n * nf);
    const lv = labelDtype === 'int64' ? new BigInt64Array(labels._buf, 0, n) : labelDtype === 'float32' ? new Float32Array(labels._buf, 0, n) : new Float64Array(labels._buf, 0, n);
    const where = (c: number) => `${c + 1}${hasHeader ? ` (${JSON.stringify(names[c])})` : ''}`;
    for (let r = 0; r < n; r++) {
      const { record, info } = data[r];
      let k = r * nf;
      for (let c = 0; c < ncols; c++) {
        const s = record[c];
        const v = toNumber(s);
        if (v === undefined) {
          throw new CsvFormatError(file, info.lines, c + 1, s === '' ? `column ${where(c)} is empty; expected a number` : `expected a number in column ${where(c)} but found ${JSON.stringify(s)}`);
        }
        if (c !== label) fv[k++] = v;
        else if (labelDtype === 'int64') {
          if (!Number.isSafeInteger(v)) throw new CsvFormatError(file, info.lines, c + 1, `labelDtype int64 needs an integer label but found ${JSON.stringify(s)}; pass labelDtype: 'float32' for real-valued targets`);
          (lv as BigInt64Array)[r] = BigInt(v);
        } else (lv as Float32Array)[r] = v;
      }
    }
  } catch (e) {
    features.dispose();
    labels.dispose();
    throw e;
  }
  return { features, labels, columns: names.filter((_, c) => c !== label), labelName: names[label] };
}
