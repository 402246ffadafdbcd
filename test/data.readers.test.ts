// Dataset readers: IDX files (MNIST's format, built here byte by byte from the format's
// description) and numeric CSV files (scikit-learn's digits and breast cancer tables from
// ../shared/data, checked against facts computed by a separate plain parse in this file).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as torch from '../lib';
import type { Tensor } from '../lib';
import { FASHION_MNIST_CLASSES, IdxFormatError, loadMnist, readIdx } from '../lib/data/idx';
import { CsvFormatError, readCsv } from '../lib/data/csv';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-data-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const nums = (t: Tensor): number[] => Array.from(t._values() as ArrayLike<number | bigint>, Number);

// ---- IDX ------------------------------------------------------------------------------------

const SIZE: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

/** An IDX file: 0, 0, type, ndims, big-endian u32 dims, big-endian values. */
function idx(type: number, dims: number[], values: number[]): Buffer {
  const head = 4 + 4 * dims.length;
  const b = Buffer.alloc(head + values.length * SIZE[type]);
  b[2] = type;
  b[3] = dims.length;
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  values.forEach((v, i) => {
    const at = head + i * SIZE[type];
    if (type === 0x08) dv.setUint8(at, v);
    else if (type === 0x09) dv.setInt8(at, v);
    else if (type === 0x0b) dv.setInt16(at, v, false);
    else if (type === 0x0c) dv.setInt32(at, v, false);
    else if (type === 0x0d) dv.setFloat32(at, v, false);
    else dv.setFloat64(at, v, false);
  });
  return b;
}

function put(name: string, bytes: Buffer): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, bytes);
  return p;
}

describe('readIdx', () => {
  const cases: [string, number, number[], torch.DType][] = [
    ['unsigned byte', 0x08, [0, 1, 127, 128, 254, 255], 'int64'],
    ['signed byte', 0x09, [-128, -1, 0, 1, 100, 127], 'int64'],
    ['short', 0x0b, [-32768, -2, 0, 300, 4097, 32767], 'int64'],
    ['int', 0x0c, [-(2 ** 31), -70000, 0, 1, 65536, 2 ** 31 - 1], 'int64'],
    ['float', 0x0d, [Math.fround(0.1), -0, Math.fround(-1e-3), 3.5, Infinity, Math.fround(1e30)], 'float32'],
    ['double', 0x0e, [0.1, -1 / 3, 1e300, 5e-324, -2, 0], 'float64'],
  ];
  test.each(cases)('%s values, plain and gzipped, default dtype', (_, type, values, dtype) => {
    const raw = idx(type, [2, 3], values);
    for (const p of [put('a.idx', raw), put('a.idx.gz', zlib.gzipSync(raw)), put('gz-without-suffix', zlib.gzipSync(raw))]) {
      const t = readIdx(p);
      expect(t.dtype).toBe(dtype);
      expect(t.shape).toEqual([2, 3]);
      expect(nums(t)).toEqual(values);
    }
  });

  test('a requested dtype converts: bytes to float32, ints to int32, floats to float64 or (truncating) int64', () => {
    const p = put('u8', idx(0x08, [4], [0, 7, 200, 255]));
    const f = readIdx(p, { dtype: 'float32' });
    expect([f.dtype, ...nums(f)]).toEqual(['float32', 0, 7, 200, 255]);
    const i = readIdx(put('i', idx(0x0c, [2], [-5, 1 << 30])), { dtype: 'int32' });
    expect([i.dtype, ...nums(i)]).toEqual(['int32', -5, 1 << 30]);
    const d = readIdx(put('f', idx(0x0d, [2], [0.5, -2.75])), { dtype: 'float64' });
    expect([d.dtype, ...nums(d)]).toEqual(['float64', 0.5, -2.75]);
    const l = readIdx(put('f2', idx(0x0d, [3], [2.75, -2.75, 0])), { dtype: 'int64' }); // trunc toward zero, like .long()
    expect([l.dtype, ...nums(l)]).toEqual(['int64', 2, -2, 0]);
    expect(() => readIdx(p, { dtype: 'half' as torch.DType })).toThrow(torch.ArgumentError);
  });

  test('1-d and 3-d shapes, and empty dimensions', () => {
    expect(readIdx(put('l', idx(0x08, [5], [9, 8, 7, 6, 5]))).toArray()).toEqual([9, 8, 7, 6, 5]);
    const img = readIdx(put('x', idx(0x08, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])));
    expect(img.toArray()).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(readIdx(put('e', idx(0x08, [0, 28, 28], []))).shape).toEqual([0, 28, 28]);
  });

  test('truncated and oversized files are refused with the sizes involved', () => {
    const raw = idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]);
    const cut = put('cut', raw.subarray(0, raw.length - 1));
    expect(() => readIdx(cut)).toThrow(IdxFormatError);
    expect(() => readIdx(cut)).toThrow(/cut: truncated: dimensions \[2,3\] of unsigned byte need 6 data bytes but the file holds 5/);
    expect(() => readIdx(put('long', Buffer.concat([raw, Buffer.from([0])])))).toThrow(/need 6 data bytes but the file holds 7 \(trailing data\)/);
    expect(() => readIdx(put('hdr', raw.subarray(0, 9)))).toThrow(/truncated: expected an IDX header/);
    // A header claiming 10^10 bytes is refused from the file size, before any allocation.
    expect(() => readIdx(put('huge', idx(0x08, [100000, 100000], [])))).toThrow(/need 10000000000 data bytes but the file holds 0/);
    expect(() => readIdx(put('cutgz', zlib.gzipSync(raw).subarray(0, 20)))).toThrow(/truncated|corrupt/);
    const gzShort = put('shortgz', zlib.gzipSync(raw.subarray(0, raw.length - 2)));
    expect(() => readIdx(gzShort)).toThrow(/truncated: dimensions \[2,3\] of unsigned byte need 6 data bytes but the file holds 4/);
  });

  test('a gzip bomb stops at the size the header justifies', () => {
    // The header promises 10 bytes of data; the stream inflates to 64 MiB of zeros.
    const bomb = Buffer.alloc(64 << 20);
    idx(0x08, [10], new Array(10).fill(0)).copy(bomb);
    const p = put('bomb.gz', zlib.gzipSync(bomb, { level: 9 }));
    expect(fs.statSync(p).size).toBeLessThan(1 << 20);
    // Watch every buffer zlib hands back: none may approach the bomb's size.
    // (the module object itself: `import * as` gives a namespace that jest cannot patch)
    const zlibModule = require('zlib') as typeof zlib;
    const real = zlibModule.gunzipSync;
    let largest = 0;
    const spy = jest.spyOn(zlibModule, 'gunzipSync').mockImplementation((buf: zlib.InputType, opts?: zlib.ZlibOptions) => {
      const out = real(buf, opts);
      largest = Math.max(largest, out.length);
      return out;
    });
    try {
      expect(() => readIdx(p)).toThrow(/decompresses to more than the 18 bytes its header \[10\] describes/);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThan(2 << 20); // the header probe: at most 1100 compressed bytes x 1100
  });

  test('not an IDX file', () => {
    expect(() => readIdx(put('m', Buffer.from([1, 0, 8, 1, 0, 0, 0, 0])))).toThrow(/expected the magic number to start with two zero bytes but found 0x01 0x00/);
    expect(() => readIdx(put('t', Buffer.from([0, 0, 0x0a, 1, 0, 0, 0, 0])))).toThrow(/unknown IDX type code 0x0a/);
    expect(() => readIdx(put('z', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3])))).toThrow(/gzip|truncated/);
  });
});

describe('loadMnist', () => {
  // Three 28x28 images whose pixel (i, r, c) is (i * 100 + r * 28 + c) % 256, and labels 7, 2, 1.
  const N = 3;
  const pixels = Array.from({ length: N * 28 * 28 }, (_, k) => (Math.floor(k / 784) * 100 + (k % 784)) % 256);
  const labels = [7, 2, 1];
  function mnistDir(sub: string, prefix: string, gz: boolean, n = N): string {
    const root = path.join(dir, sub);
    const img = idx(0x08, [N, 28, 28], pixels);
    const lbl = idx(0x08, [n], labels.slice(0, n));
    put(path.join(sub, `${prefix}-images-idx3-ubyte${gz ? '.gz' : ''}`), gz ? zlib.gzipSync(img) : img);
    put(path.join(sub, `${prefix}-labels-idx1-ubyte`), lbl);
    return root;
  }

  test('images float32 [N, 1, 28, 28] scaled to [0, 1] (pixel / 255), labels int64 [N]', () => {
    const root = mnistDir('mnist', 'train', true);
    const { images, labels: y, classes } = loadMnist(root);
    expect(images.dtype).toBe('float32');
    expect(images.shape).toEqual([3, 1, 28, 28]);
    expect(nums(images)).toEqual(pixels.map((v) => Math.fround(v / 255)));
    expect(images.max().item()).toBe(1); // pixel 255 occurs
    expect(y.dtype).toBe('int64');
    expect(y.toArray()).toEqual(labels);
    expect(classes).toHaveLength(10);
  });

  test("test split (t10k) and torchvision's FashionMNIST/raw layout", () => {
    const root = path.join(dir, 'data');
    mnistDir(path.join('data', 'FashionMNIST', 'raw'), 't10k', false);
    const { images, labels: y, classes } = loadMnist(root, { train: false, kind: 'fashion-mnist' });
    expect(images.shape).toEqual([3, 1, 28, 28]);
    expect(y.toArray()).toEqual(labels);
    expect(classes).toBe(FASHION_MNIST_CLASSES);
    expect(classes[9]).toBe('ankle boot');
  });

  test('missing files are listed by their expected names', () => {
    const root = mnistDir('m', 'train', false);
    expect(() => loadMnist(root, { train: false })).toThrow(torch.ArgumentError);
    expect(() => loadMnist(root, { train: false })).toThrow(
      /expected t10k-images-idx3-ubyte\[\.gz\] and t10k-labels-idx1-ubyte\[\.gz\] .* but t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte are missing/,
    );
    fs.rmSync(path.join(root, 'train-labels-idx1-ubyte'));
    expect(() => loadMnist(root)).toThrow(/but train-labels-idx1-ubyte is missing/);
  });

  test('image and label counts must agree; images must be unsigned-byte [N, rows, cols]', () => {
    expect(() => loadMnist(mnistDir('short', 'train', false, 2))).toThrow(/holds 2 labels but train-images-idx3-ubyte holds 3 images/);
    const root = path.join(dir, 'wrong');
    put(path.join('wrong', 'train-images-idx3-ubyte'), idx(0x0d, [1, 2], [0, 1]));
    put(path.join('wrong', 'train-labels-idx1-ubyte'), idx(0x08, [1], [0]));
    expect(() => loadMnist(root)).toThrow(/expected unsigned-byte images \[N, rows, cols\] but found float values of shape \[1,2\]/);
  });
});

// ---- CSV ------------------------------------------------------------------------------------

const DATA = path.join(__dirname, '..', '..', 'shared', 'data');

/** Lines of a CSV split the plain way (these files have no quoting), empty lines dropped. */
const plainRows = (file: string): string[][] =>
  fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => l.split(','));

function histogram(values: number[]): Record<number, number> {
  const h: Record<number, number> = {};
  for (const v of values) h[v] = (h[v] ?? 0) + 1;
  return h;
}

describe('readCsv on scikit-learn datasets', () => {
  test('digits.csv: 1797 rows, 64 pixel features 0..16, labels 0-9', () => {
    const file = path.join(DATA, 'digits.csv');
    const rows = plainRows(file);
    const { features, labels, columns, labelName } = readCsv(file);
    expect(features.dtype).toBe('float32');
    expect(features.shape).toEqual([1797, 64]);
    expect(rows).toHaveLength(1797);
    expect(labels.dtype).toBe('int64');
    expect(labels.shape).toEqual([1797]);
    expect(columns).toEqual(Array.from({ length: 64 }, (_, i) => String(i)));
    expect(labelName).toBe('64');
    expect(histogram(nums(labels))).toEqual(histogram(rows.map((r) => Number(r[64]))));
    expect(Object.keys(histogram(nums(labels)))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect((features.index('0').toArray() as number[])).toEqual(rows[0].slice(0, 64).map(Number));
    expect((features.index('-1').toArray() as number[])).toEqual(rows[1796].slice(0, 64).map(Number));
    expect(features.min().item()).toBe(0);
    expect(features.max().item()).toBe(16);
  });

  test('breast_cancer.csv: skip the summary line, 569 rows of 30 features, classes 0/1', () => {
    const file = path.join(DATA, 'breast_cancer.csv');
    const [summary, ...rows] = plainRows(file);
    const [nRows, nFeatures] = summary.slice(0, 2).map(Number);
    expect([nRows, nFeatures]).toEqual([569, 30]);
    const { features, labels } = readCsv(file, { skipRows: 1 });
    expect(features.shape).toEqual([nRows, nFeatures]);
    expect(labels.shape).toEqual([nRows]);
    // scikit-learn's description of the dataset: 212 malignant (0), 357 benign (1).
    expect(histogram(nums(labels))).toEqual({ 0: 212, 1: 357 });
    expect(histogram(nums(labels))).toEqual(histogram(rows.map((r) => Number(r[30]))));
    expect(nums(features.index('0'))).toEqual(rows[0].slice(0, 30).map((s) => Math.fround(Number(s))));
    const f64 = readCsv(file, { skipRows: 1, dtype: 'float64', labelDtype: 'float64' });
    expect(f64.features.dtype).toBe('float64');
    expect(nums(f64.features.index('568'))).toEqual(rows[568].slice(0, 30).map(Number));
    expect(f64.labels.dtype).toBe('float64');
  });
});

describe('readCsv options and errors', () => {
  const write = (text: string) => put('t.csv', Buffer.from(text));

  test('header detection, label column by name, index or negative index', () => {
    const p = write('a,b,label,c\n1,2,0,3\n4,5,1,6\n');
    const byName = readCsv(p, { labelColumn: 'label' });
    expect(byName.columns).toEqual(['a', 'b', 'c']);
    expect(byName.features.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(byName.labels.toArray()).toEqual([0, 1]);
    expect(readCsv(p, { labelColumn: 2 }).labels.toArray()).toEqual([0, 1]);
    expect(readCsv(p, { labelColumn: -2 }).labels.toArray()).toEqual([0, 1]);
    expect(readCsv(p, { labelColumn: 0, labelDtype: 'float32' }).labels.toArray()).toEqual([1, 4]);
    expect(() => readCsv(p, { labelColumn: 'nope' })).toThrow(/one of the header's columns \("a", "b", "label", "c"\) but received "nope"/);
    expect(() => readCsv(p, { labelColumn: 4 })).toThrow(/labelColumn as an integer in \[-4, 3\]/);
  });

  test('header: true takes a numeric first row as names; header: false reads text as data and fails', () => {
    const p = write('10,20,30\n1,2,0\n');
    const h = readCsv(p, { header: true });
    expect(h.columns).toEqual(['10', '20']);
    expect(h.features.shape).toEqual([1, 2]);
    expect(readCsv(p).features.shape).toEqual([2, 2]); // auto: all numeric, so data
    const q = write('x,y,z\n1,2,0\n');
    expect(() => readCsv(q, { header: false })).toThrow(/t\.csv, line 1, column 1: expected a number in column 1 but found "x"/);
    expect(() => readCsv(write('1,2,0\n'), { labelColumn: 'z' })).toThrow(/has no header row/);
  });

  test('delimiter, CRLF, blank lines, skipRows, surrounding spaces, nan/inf', () => {
    const p = write('# produced by a tool\r\n\r\n1; 2.5;0\r\n\r\n-3e2;nan; 1\r\n.5;-inf;2\r\n');
    const r = readCsv(p, { delimiter: ';', skipRows: 1, dtype: 'float64' });
    expect(nums(r.features)).toEqual([1, 2.5, -300, NaN, 0.5, -Infinity]);
    expect(r.labels.toArray()).toEqual([0, 1, 2]);
    const t = readCsv(write('1\t2\n3\t4\n'), { delimiter: '\t' });
    expect(t.features.toArray()).toEqual([[1], [3]]);
  });

  test('empty and non-numeric fields name the 1-based line and column', () => {
    const p = write('a,b,y\n1,2,0\n\n3,,1\n');
    expect(() => readCsv(p)).toThrow(CsvFormatError);
    expect(() => readCsv(p)).toThrow(/t\.csv, line 4, column 2: column 2 \("b"\) is empty; expected a number/);
    expect(() => readCsv(write('1,2,0\n1,0x10,1\n'))).toThrow(/line 2, column 2: expected a number in column 2 but found "0x10"/);
    expect(() => readCsv(write('1,2,0\n1,2,cat\n'))).toThrow(/line 2, column 3: expected a number in column 3 but found "cat"/);
    try {
      readCsv(write('1,2,0\n1,x,1\n'));
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(CsvFormatError);
      expect([(e as CsvFormatError).line, (e as CsvFormatError).column]).toEqual([2, 2]);
    }
  });

  test('ragged rows, non-integer int64 labels, empty files, bad options', () => {
    expect(() => readCsv(write('1,2,0\n1,2\n'))).toThrow(/line 2: Invalid Record Length: expect 3, got 2/);
    expect(() => readCsv(write('1,2,0.5\n'))).toThrow(/line 1, column 3: labelDtype int64 needs an integer label but found "0.5"/);
    expect(readCsv(write('1,2,0.5\n'), { labelDtype: 'float32' }).labels.toArray()).toEqual([0.5]);
    expect(() => readCsv(write('\n\n'))).toThrow(/no rows after skipping 0 line/);
    expect(() => readCsv(write('1,0\n'), { skipRows: -1 })).toThrow(torch.ArgumentError);
    expect(() => readCsv(write('1,0\n'), { dtype: 'int32' as 'float32' })).toThrow(/dtype 'float32' or 'float64'/);
    expect(() => readCsv(path.join(dir, 'missing.csv'))).toThrow(/ENOENT/);
  });
});
