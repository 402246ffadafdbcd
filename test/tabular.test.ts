// Section 2.2 (data preprocessing) cell by cell with the book's printed values, plus the CSV,
// selection, encoding and conversion rules those cells rely on.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { arquero, column, fillMean, fillna, fromTensor, getDummies, iloc, parseCsv, readCsv, toTensor } from '../lib/tabular';
import { valuesOf } from './helpers';

const aq = arquero();

// The book writes this file in section 2.2.1 (its content is printed there).
const HOUSE_TINY = path.join(__dirname, 'data', 'house_tiny.csv');

describe('book section 2.2: house_tiny.csv', () => {
  const data = readCsv(HOUSE_TINY);

  test('2.2.1 reading: NA becomes missing, NumRooms is numeric', () => {
    //    NumRooms RoofType   Price
    // 0       NaN      NaN  127500
    // 1       2.0      NaN  106000
    // 2       4.0    Slate  178100
    // 3       NaN      NaN  140000
    expect(data.columnNames()).toEqual(['NumRooms', 'RoofType', 'Price']);
    expect(column(data, 'NumRooms')).toEqual([null, 2, 4, null]);
    expect(column(data, 'RoofType')).toEqual([null, null, 'Slate', null]);
    expect(column(data, 'Price')).toEqual([127500, 106000, 178100, 140000]);
  });

  test('2.2.2 get_dummies(dummy_na=True) and fillna(mean)', () => {
    const inputs0 = iloc(data, ':, 0:2');
    expect(inputs0.columnNames()).toEqual(['NumRooms', 'RoofType']);
    const inputs = getDummies(inputs0, { dummyNa: true });
    //    NumRooms  RoofType_Slate  RoofType_nan
    // 0       NaN           False          True
    // 1       2.0           False          True
    // 2       4.0            True         False
    // 3       NaN           False          True
    expect(inputs.columnNames()).toEqual(['NumRooms', 'RoofType_Slate', 'RoofType_nan']);
    expect(column(inputs, 'RoofType_Slate')).toEqual([false, false, true, false]);
    expect(column(inputs, 'RoofType_nan')).toEqual([true, true, false, true]);
    const filled = fillMean(inputs);
    // 0       3.0           False          True   (the mean of 2 and 4)
    expect(column(filled, 'NumRooms')).toEqual([3, 2, 4, 3]);
    expect(column(filled, 'RoofType_nan')).toEqual([true, true, false, true]);
  });

  test('2.2.3 conversion to the tensor format: the book\'s X and y', () => {
    const inputs = fillMean(getDummies(iloc(data, ':, 0:2'), { dummyNa: true }));
    const targets = column(data, 2);
    const X = toTensor(inputs);
    const y = toTensor(targets);
    expect(X.dtype).toBe('float64');
    expect(X.shape).toEqual([4, 3]);
    expect(X.toArray()).toEqual([[3, 0, 1], [2, 0, 1], [4, 1, 0], [3, 0, 1]]);
    expect(y.dtype).toBe('float64');
    expect(valuesOf(y)).toEqual([127500, 106000, 178100, 140000]);
    // the book prints (X, y) as
    expect(String(X)).toBe('tensor([[3., 0., 1.],\n        [2., 0., 1.],\n        [4., 1., 0.],\n        [3., 0., 1.]], dtype=torch.float64)');
    expect(String(y)).toBe('tensor([127500., 106000., 178100., 140000.], dtype=torch.float64)');
  });

  test('the target as int64', () => {
    const y = toTensor(column(data, -1), { dtype: 'int64' });
    expect(y.dtype).toBe('int64');
    expect(String(y)).toBe('tensor([127500, 106000, 178100, 140000])');
  });
});

describe('parseCsv', () => {
  test("pandas' missing markers, empty fields, and custom naValues", () => {
    const t = parseCsv('a,b,c\n1,x,\nNaN,,2\n,NULL,n/a\n3,y,4\n');
    expect(column(t, 'a')).toEqual([1, null, null, 3]);
    expect(column(t, 'b')).toEqual(['x', null, null, 'y']);
    expect(column(t, 'c')).toEqual([null, 2, null, 4]);
    const custom = parseCsv('a,b\n-,1\n2,?\n', { naValues: ['-', '?'] });
    expect(column(custom, 'a')).toEqual([null, 2]);
    expect(column(custom, 'b')).toEqual([1, null]);
    // without NA handling 'NA' is an ordinary string, and the column stays one of strings
    expect(column(parseCsv('a\nNA\n2\n', { naValues: [] }), 'a')).toEqual(['NA', '2']);
  });

  test('numbers in every form pandas reads, booleans, and strings that only look numeric', () => {
    const t = parseCsv('n,b,s\n1e3,True,007a\n-.5,false,12\n+2.,TRUE,x\ninf,False,3\n');
    expect(column(t, 'n')).toEqual([1000, -0.5, 2, Infinity]);
    expect(column(t, 'b')).toEqual([true, false, true, false]);
    expect(column(t, 's')).toEqual(['007a', '12', 'x', '3']);
  });

  test('delimiter, header-less files and names', () => {
    const t = parseCsv('1;2\n3;NA\n', { delimiter: ';', header: false, names: ['p', 'q'] });
    expect(t.columnNames()).toEqual(['p', 'q']);
    expect(column(t, 'q')).toEqual([2, null]);
  });

  test('readCsv on a missing file says which file', () => {
    expect(() => readCsv('/nonexistent/house.csv')).toThrow(torch.ArgumentError);
    expect(() => readCsv('/nonexistent/house.csv')).toThrow(/cannot read "\/nonexistent\/house.csv"/);
  });

  test('readCsv reads what the book writes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-tabular-'));
    const file = path.join(dir, 'house_tiny.csv');
    fs.writeFileSync(file, 'NumRooms,RoofType,Price\nNA,NA,127500\n2,NA,106000\n4,Slate,178100\nNA,NA,140000\n');
    expect(column(readCsv(file), 'NumRooms')).toEqual([null, 2, 4, null]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('iloc and column', () => {
  const t = aq.table({ a: [1, 2, 3, 4], b: ['w', 'x', 'y', 'z'], c: [true, false, true, false] });

  test('Python slices for rows and columns', () => {
    expect(iloc(t, '1:3').columnNames()).toEqual(['a', 'b', 'c']);
    expect(column(iloc(t, '1:3'), 'a')).toEqual([2, 3]);
    expect(column(iloc(t, '::2, 1'), 'b')).toEqual(['w', 'y']);
    expect(column(iloc(t, '::-1, -1'), 'c')).toEqual([false, true, false, true]);
    expect(iloc(t, ':, 1:').columnNames()).toEqual(['b', 'c']);
    expect(iloc(t, ':, :-1').columnNames()).toEqual(['a', 'b']);
    expect(column(iloc(t, '-1'), 'b')).toEqual(['z']);
    expect(iloc(t, '10:20').numRows()).toBe(0);
  });

  test('errors name the problem', () => {
    expect(() => iloc(t, '4')).toThrow(torch.IndexError);
    expect(() => iloc(t, ':, 3')).toThrow(/out-of-bounds \(column 3, size 3\)/);
    expect(() => iloc(t, '::0')).toThrow(/step cannot be zero/);
    expect(() => iloc(t, '1, 2, 3')).toThrow(torch.ArgumentError);
    expect(() => iloc(t, 'a:b')).toThrow(/expected integers/);
    expect(() => iloc({} as never, ':')).toThrow(/expected an arquero table but received an object \(Object\)/);
    expect(() => column(t, 'd')).toThrow(/no column named "d"; the columns are \["a","b","c"\]/);
    expect(() => column(t, 5)).toThrow(torch.IndexError);
    expect(column(t, -3)).toEqual([1, 2, 3, 4]);
  });
});

describe('getDummies, fillMean, fillna', () => {
  test('sorted categories after the other columns; dummyNa adds <col>_nan', () => {
    const t = aq.table({ color: ['red', null, 'blue', 'red'], size: [1, 2, 3, null], kind: ['b', 'a', 'b', 'a'] });
    const d = getDummies(t);
    expect(d.columnNames()).toEqual(['size', 'color_blue', 'color_red', 'kind_a', 'kind_b']);
    expect(column(d, 'color_red')).toEqual([true, false, false, true]);
    const dn = getDummies(t, { dummyNa: true, prefixSep: ':' });
    expect(dn.columnNames()).toEqual(['size', 'color:blue', 'color:red', 'color:nan', 'kind:a', 'kind:b', 'kind:nan']);
    expect(column(dn, 'kind:nan')).toEqual([false, false, false, false]);
    // columns: encodes numbers too, as pandas does when they are named
    expect(getDummies(t, { columns: ['size'] }).columnNames()).toEqual(['color', 'kind', 'size_1', 'size_2', 'size_3']);
    expect(() => getDummies(t, { columns: ['nope'] })).toThrow(torch.ArgumentError);
  });

  test('fillMean averages the present values (NaN counts as missing); fillna uses fixed values', () => {
    const t = aq.table({ x: [1, null, NaN, 5], s: ['a', null, 'b', 'c'], full: [1, 2, 3, 4] });
    const f = fillMean(t);
    expect(column(f, 'x')).toEqual([1, 3, 3, 5]);
    expect(column(f, 's')).toEqual(['a', null, 'b', 'c']);
    expect(column(fillMean(t, ['full']), 'x')).toEqual([1, null, NaN, 5]);
    expect(column(fillna(t, { s: 'none' }), 's')).toEqual(['a', 'none', 'b', 'c']);
    expect(column(fillna(t, 0), 'x')).toEqual([1, 0, 0, 5]);
  });
});

describe('toTensor and fromTensor', () => {
  test('strings are refused with the column named; missing values need a float dtype', () => {
    const t = aq.table({ n: [1, null], s: ['a', 'b'] });
    expect(() => toTensor(t)).toThrow(torch.DTypeError);
    expect(() => toTensor(t)).toThrow(/row 0 of column "s" holds the string "a"; one-hot encode the column with getDummies first/);
    expect(() => toTensor(column(t, 'n'), { dtype: 'int64' })).toThrow(/value 1 is missing/);
    expect(Number.isNaN(valuesOf(toTensor(column(t, 'n')))[1])).toBe(true);
    expect(toTensor(column(t, 'n'), { dtype: 'float32' }).dtype).toBe('float32');
    expect(() => toTensor(t, { dtype: 'complex' as never })).toThrow(torch.ArgumentError);
  });

  test('empty tables and columns', () => {
    expect(toTensor(aq.table({ a: [], b: [] })).shape).toEqual([0, 2]);
    expect(toTensor([]).shape).toEqual([0]);
  });

  test('a round trip through a table keeps values and dtypes sensible', () => {
    const X = torch.tensor([[1.5, 2], [3, 4]], { dtype: 'float64' });
    const t = fromTensor(X, ['a', 'b']);
    expect(column(t, 'b')).toEqual([2, 4]);
    expect(toTensor(t).toArray()).toEqual([[1.5, 2], [3, 4]]);
    expect(fromTensor(torch.tensor([5, 6], { dtype: 'int64' })).columnNames()).toEqual(['col0']);
    expect(column(fromTensor(torch.tensor([true, false])), 0)).toEqual([true, false]);
    expect(() => fromTensor(torch.zeros(2, 2, 2))).toThrow(torch.ShapeError);
    expect(() => fromTensor(X, ['a'])).toThrow(/has 2 columns but 1 names were given/);
  });
});
