/**
 * IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): two zero
 * bytes, a type code, the number of dimensions, each dimension as a big-endian u32, then the values
 * big-endian in row-major order. Files may be gzipped, as they are distributed.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { constants as bufferConstants } from 'buffer';
import { DType, toDType } from '../dtype';
import { ArgumentError, KindlingError, argError } from '../errors';
import { Tensor, allocTensor } from '../tensor';
import { CPU } from '../device';

/** An IDX file that is malformed, truncated, or not what the caller expected. */
export class IdxFormatError extends KindlingError {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
  }
}

interface IdxType {
  name: string;
  size: number;
  natural: DType; // the dtype readIdx returns by default
  get: (v: DataView, at: number) => number;
}

const TYPES: Record<number, IdxType> = {
  0x08: { name: 'unsigned byte', size: 1, natural: 'int64', get: (v, at) => v.getUint8(at) },
  0x09: { name: 'signed byte', size: 1, natural: 'int64', get: (v, at) => v.getInt8(at) },
  0x0b: { name: 'short', size: 2, natural: 'int64', get: (v, at) => v.getInt16(at, false) },
  0x0c: { name: 'int', size: 4, natural: 'int64', get: (v, at) => v.getInt32(at, false) },
  0x0d: { name: 'float', size: 4, natural: 'float32', get: (v, at) => v.getFloat32(at, false) },
  0x0e: { name: 'double', size: 8, natural: 'float64', get: (v, at) => v.getFloat64(at, false) },
};

/** A parsed IDX file: its type code, dimensions, and the big-endian values that follow the header. */
interface RawIdx {
  type: number;
  dims: number[];
  data: Uint8Array;
}

/** Parses the header at the start of `b`; returns null when `b` is too short to hold it. */
function parseHeader(b: Uint8Array, file: string): { type: number; dims: number[]; headerBytes: number; dataBytes: number } | null {
  if (b.length < 4) return null;
  if (b[0] !== 0 || b[1] !== 0) throw new IdxFormatError(file, `not an IDX file: expected the magic number to start with two zero bytes but found 0x${hex(b[0])} 0x${hex(b[1])}`);
  const type = b[2];
  const t = TYPES[type];
  if (!t) throw new IdxFormatError(file, `unknown IDX type code 0x${hex(type)} (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)`);
  const ndim = b[3];
  const headerBytes = 4 + 4 * ndim;
  if (b.length < headerBytes) return null;
  const view = new DataView(b.buffer, b.byteOffset, headerBytes);
  const dims: number[] = [];
  let numel = 1;
  for (let d = 0; d < ndim; d++) {
    dims.push(view.getUint32(4 + 4 * d, false));
    numel *= dims[d];
  }
  const dataBytes = numel * t.size;
  if (!Number.isSafeInteger(dataBytes)) throw new IdxFormatError(file, `dimensions [${dims}] are too large`);
  return { type, dims, headerBytes, dataBytes };
}

const hex = (x: number) => x.toString(16).padStart(2, '0');

const truncated = (file: string, dims: number[], type: number, want: number, got: number) =>
  new IdxFormatError(file, `truncated: dimensions [${dims}] of ${TYPES[type].name} need ${want} data bytes but the file holds ${got}`);

// Deflate expands at most about 1032:1, so a probe of n compressed bytes inflates to at most
// about 1032 n: a bounded look at the decompressed header before the real size is known. The
// first probe almost always suffices; it grows only for gzip headers with long names or comments.
const PROBE_IN = 1100;
const MAX_RATIO = 1100;

function readGzip(file: string, gz: Buffer): RawIdx {
  let h: ReturnType<typeof parseHeader> = null;
  for (let n = PROBE_IN; h === null; n *= 4) {
    let head: Buffer;
    try {
      head = zlib.gunzipSync(gz.subarray(0, n), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: n * MAX_RATIO });
    } catch (e) {
      throw new IdxFormatError(file, `gzip data is corrupt (${(e as Error).message})`);
    }
    h = parseHeader(head, file);
    if (h === null && n >= gz.length) throw new IdxFormatError(file, `truncated: the gzip stream ends inside the IDX header`);
  }
  const total = h.headerBytes + h.dataBytes;
  if (total > bufferConstants.MAX_LENGTH) throw new IdxFormatError(file, `dimensions [${h.dims}] need ${total} bytes, more than Node can hold in one buffer`);
  let all: Buffer;
  try {
    // Never inflate more than the header justifies (plus one byte to notice extra data): a gzip
    // bomb stops here instead of exhausting memory.
    all = zlib.gunzipSync(gz, { maxOutputLength: Math.min(total + 1, bufferConstants.MAX_LENGTH) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new IdxFormatError(file, `decompresses to more than the ${total} bytes its header [${h.dims}] describes`);
    }
    if (/unexpected end/i.test(err.message)) {
      throw new IdxFormatError(file, `truncated: the gzip stream ends early (${err.message})`);
    }
    throw new IdxFormatError(file, `gzip data is corrupt (${err.message})`);
  }
  if (all.length !== total) {
    if (all.length < total) throw truncated(file, h.dims, h.type, h.dataBytes, all.length - h.headerBytes);
    throw new IdxFormatError(file, `decompresses to more than the ${total} bytes its header [${h.dims}] describes`);
  }
  return { type: h.type, dims: h.dims, data: all.subarray(h.headerBytes) };
}

function readAll(fd: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let done = 0;
  while (done < size) {
    const n = fs.readSync(fd, b, done, Math.min(size - done, 1 << 30), done);
    if (n === 0) break;
    done += n;
  }
  return b.subarray(0, done);
}

function readRaw(file: string): RawIdx {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const magic = Buffer.alloc(Math.min(size, 4 + 4 * 255));
    fs.readSync(fd, magic, 0, magic.length, 0);
    if (magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) return readGzip(file, readAll(fd, size));
    const h = parseHeader(magic, file);
    if (!h) throw new IdxFormatError(file, `truncated: expected an IDX header but the file holds ${size} bytes`);
    const got = size - h.headerBytes;
    if (got < h.dataBytes) throw truncated(file, h.dims, h.type, h.dataBytes, got);
    if (got > h.dataBytes) throw new IdxFormatError(file, `dimensions [${h.dims}] need ${h.dataBytes} data bytes but the file holds ${got} (trailing data)`);
    const data = Buffer.allocUnsafe(h.dataBytes);
    let done = 0;
    while (done < data.length) {
      const n = fs.readSync(fd, data, done, Math.min(data.length - done, 1 << 30), h.headerBytes + done);
      if (n === 0) throw truncated(file, h.dims, h.type, h.dataBytes, done);
      done += n;
    }
    return { type: h.type, dims: h.dims, data };
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes the IDX values into a fresh tensor of dtype dt, divided by `divisor` when given. */
function decode(raw: RawIdx, dt: DType, divisor?: number): Tensor {
  const t = TYPES[raw.type];
  const n = raw.data.length / t.size;
  const out = allocTensor(raw.dims, dt, CPU, false);
  const buf = out._buf;
  const src = new DataView(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  const get = raw.type === 0x08 ? (i: number) => raw.data[i] : (i: number) => t.get(src, i * t.size);
  const isFloatSrc = raw.type === 0x0d || raw.type === 0x0e;
  if (dt === 'int64') {
    // Two int32 words per element, low word first (kindling's storage is little-endian).
    const w = new Int32Array(buf, 0, 2 * n);
    for (let i = 0; i < n; i++) {
      let v = get(i);
      if (isFloatSrc) v = checkedTrunc(v);
      w[2 * i] = v;
      w[2 * i + 1] = v < 0 ? -1 : 0;
    }
  } else if (dt === 'bool') {
    const w = new Uint8Array(buf, 0, n);
    for (let i = 0; i < n; i++) w[i] = get(i) !== 0 ? 1 : 0;
  } else {
    const Ctor = dt === 'float32' ? Float32Array : dt === 'float64' ? Float64Array : Int32Array;
    const w = new Ctor(buf, 0, n);
    if (dt === 'int32' && isFloatSrc) for (let i = 0; i < n; i++) w[i] = checkedTrunc(get(i));
    else if (divisor === undefined) for (let i = 0; i < n; i++) w[i] = get(i);
    else for (let i = 0; i < n; i++) w[i] = get(i) / divisor;
  }
  return out;
}

// Float values converted to an integer dtype truncate toward zero, as PyTorch's .to(torch.long).
function checkedTrunc(v: number): number {
  const r = Math.trunc(v);
  if (!(r >= -2147483648 && r <= 2147483647)) throw new ArgumentError(`readIdx: the float value ${v} does not fit the requested integer dtype`);
  return r;
}

/**
 * Reads an IDX file (gzipped or not) into a tensor with the file's dimensions. Integer files give
 * int64 unless a dtype is asked for; float files float32, double files float64.
 * @example
 * const labels = torch.data.readIdx('data/train-labels-idx1-ubyte.gz'); // int64 [60000]
 * const images = torch.data.readIdx('data/train-images-idx3-ubyte', { dtype: 'float32' }); // [60000, 28, 28]
 */
export function readIdx(file: string, opts: { dtype?: DType } = {}): Tensor {
  if (typeof file !== 'string' || file === '') throw argError('readIdx', 'a file path', file);
  const dt = opts.dtype === undefined ? undefined : toDType(opts.dtype, 'readIdx');
  const raw = readRaw(file);
  return decode(raw, dt ?? TYPES[raw.type].natural);
}

/** The ten Fashion-MNIST class names, by label (as in *Dive into Deep Learning*, section 4.2). */
export const FASHION_MNIST_CLASSES = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot'];
const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function findFile(dirs: string[], base: string): string | null {
  for (const d of dirs) for (const f of [base, `${base}.gz`]) if (fs.existsSync(path.join(d, f))) return path.join(d, f);
  return null;
}

/**
 * Loads MNIST or Fashion-MNIST from IDX files you downloaded into `root` (directly, or in
 * torchvision's layout `root/MNIST/raw` / `root/FashionMNIST/raw`); each file may be gzipped.
 * Images come as float32 [N, 1, 28, 28] scaled to [0, 1], labels as int64 [N]. Nothing is downloaded.
 * @example
 * const { images, labels, classes } = torch.data.loadMnist('data/fashion', { kind: 'fashion-mnist', train: false });
 */
export function loadMnist(
  root: string,
  opts: { train?: boolean; kind?: 'mnist' | 'fashion-mnist' } = {},
): { images: Tensor; labels: Tensor; classes: string[] } {
  if (typeof root !== 'string' || root === '') throw argError('loadMnist', 'the directory holding the IDX files', root);
  const kind = opts.kind ?? 'mnist';
  if (kind !== 'mnist' && kind !== 'fashion-mnist') throw argError('loadMnist', "kind 'mnist' or 'fashion-mnist'", kind);
  const prefix = opts.train ?? true ? 'train' : 't10k';
  const names = [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`];
  const dirs = [root, path.join(root, kind === 'mnist' ? 'MNIST' : 'FashionMNIST', 'raw')];
  const found = names.map((n) => findFile(dirs, n));
  if (found.includes(null)) {
    const missing = names.filter((_, i) => found[i] === null);
    throw new ArgumentError(
      `loadMnist: expected ${names.map((n) => `${n}[.gz]`).join(' and ')} in ${dirs.join(' or ')} but ${missing.join(' and ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} missing. kindling downloads nothing: fetch the ${kind} files yourself and put them there.`,
    );
  }
  const [imgFile, lblFile] = found as string[];
  const img = readRaw(imgFile);
  if (img.type !== 0x08 || img.dims.length !== 3) {
    throw new IdxFormatError(imgFile, `expected unsigned-byte images [N, rows, cols] but found ${TYPES[img.type].name} values of shape [${img.dims}]`);
  }
  const lbl = readRaw(lblFile);
  if (lbl.type !== 0x08 || lbl.dims.length !== 1) {
    throw new IdxFormatError(lblFile, `expected unsigned-byte labels [N] but found ${TYPES[lbl.type].name} values of shape [${lbl.dims}]`);
  }
  if (img.dims[0] !== lbl.dims[0]) {
    throw new IdxFormatError(lblFile, `holds ${lbl.dims[0]} labels but ${path.basename(imgFile)} holds ${img.dims[0]} images`);
  }
  const [n, rows, cols] = img.dims;
  const images = decode({ ...img, dims: [n, 1, rows, cols] }, 'float32', 255);
  const labels = decode(lbl, 'int64');
  return { images, labels, classes: kind === 'mnist' ? MNIST_CLASSES : FASHION_MNIST_CLASSES };
}

