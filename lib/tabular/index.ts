/**
 * Tabular data for kindling (the book's section 2.2): read CSV files with missing values into
 * arquero tables, select by position, one-hot encode, fill missing numbers, and convert to tensors.
 * The table work itself is arquero's (`arquero()` returns the module, loaded on first use); kindling
 * adds what pandas users expect from `read_csv`, `iloc`, `get_dummies(dummy_na=True)` and
 * `fillna(df.mean())`.
 * @example
 * import * as torch from 'kindling';
 * const { readCsv, iloc, column, getDummies, fillMean, toTensor } = torch.tabular;
 * const data = readCsv('house_tiny.csv');
 * const inputs = fillMean(getDummies(iloc(data, ':, 0:2'), { dummyNa: true }));
 * const X = toTensor(inputs);             // float64 [[3, 0, 1], [2, 0, 1], [4, 1, 0], [3, 0, 1]]
 * const y = toTensor(column(data, 2));    // float64 [127500, 106000, 178100, 140000]
 */
export { DEFAULT_NA_VALUES, parseCsv, readCsv } from './csv';
export type { CsvOptions, Table } from './csv';
export { column, fillMean, fillna, getDummies, iloc } from './frame';
export type { DummyOptions } from './frame';
export { fromTensor, toTensor } from './convert';
export type { ToTensorOptions } from './convert';
export { arquero } from './lazy';
