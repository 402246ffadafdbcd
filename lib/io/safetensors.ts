/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian u64 N,
 * N bytes of UTF-8 JSON describing each tensor ({ dtype, shape, data_offsets }) plus an optional
 * "__metadata__" map of strings, padded with spaces so the data starts on an 8-byte boundary, then
 * the tensors' bytes (little-endian, row-major), back to back.
 *
 * Files are read defensively: every header field is checked against the file's size before any
 * tensor is allocated, so a hostile file cannot make kindling allocate more than the file holds.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { DType, ITEMSIZE } from '../dtype';
import { ArgumentError, DTypeError, KindlingError, argError, describe } from '../errors';
import { Tensor, allocTensor } from '../tensor';
import { contiguous } from '../ops/movement';
import { CPU } from '../device';

/** A safetensors file (or buffer) that is malformed or truncated; `source` names the file. */
export class SafetensorsError extends KindlingError {
  constructor(readonly source: string, readonly problem: string) {
    super(`${source}: not a valid safetensors file: ${problem}`);
  }
}

/** The reference implementation refuses headers above 100 MB; so does kindling. */
export const MAX_HEADER_BYTES = 100_000_000;

// Every safetensors dtype, in the reference implementation's enum order (its writer sorts tensors
// by this order, descending, so the widest types come first and each tensor's data stays aligned).
// Sizes are in bits because the 4- and 6-bit float types pack several values per byte.
const ST_BITS: Record<string, number> = {
  BOOL: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8,
  I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, C64: 64, F64: 64, I64: 64, U64: 64,
};
const ST_ORDER = Object.keys(ST_BITS);

const TO_ST: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', int64: 'I64', bool: 'BOOL' };
const FROM_ST: Record<string, DType> = { F32: 'float32', F64: 'float64', I32: 'int32', I64: 'int64', BOOL: 'bool' };

const BIG_ENDIAN = os.endianness() === 'BE';
// Node's fs calls move at most 2 GiB - 1 bytes per call.
const IO_CHUNK = 1 << 30;

/** One tensor's entry in a validated header. */
interface Entry {
  name: string;
  stDtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** A header checked against the size of its data section. */
interface Header {
  entries: Entry[];
  metadata: Record<string, string>;
}

// ---- writing ----------------------------------------------------------------------------------

function checkText(s: string, what: string, fn: string): void {
  // A lone surrogate has no UTF-8 encoding: JSON.stringify would escape it and Rust readers refuse it.
  if (/\p{Cs}/u.test(s)) throw new ArgumentError(`${fn}: ${what} ${JSON.stringify(s)} is not well-formed Unicode (it holds a lone surrogate)`);
}

const utf8Compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

interface Prepared {
  header: Buffer; // the 8-byte length and the padded JSON
  order: { name: string; tensor: Tensor; nbytes: number }[];
  dataBytes: number;
}

function prepare(tensors: Record<string, Tensor>, metadata: Record<string, string> | undefined, fn: string): Prepared {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors) || tensors instanceof Tensor) {
    throw argError(fn, 'an object mapping names to tensors', tensors);
  }
  const items = Object.keys(tensors).map((name) => {
    const t = tensors[name];
    if (!(t instanceof Tensor)) throw argError(fn, `a Tensor for ${JSON.stringify(name)}`, t);
    if (name === '__metadata__') throw new ArgumentError(`${fn}: "__metadata__" is reserved by the safetensors format and cannot name a tensor`);
    checkText(name, 'the tensor name', fn);
    return { name, tensor: t, st: TO_ST[t.dtype] };
  });
  // Descending dtype order, then names by their UTF-8 bytes: the reference writer's layout.
  items.sort((a, b) => ST_ORDER.indexOf(b.st) - ST_ORDER.indexOf(a.st) || utf8Compare(a.name, b.name));

  let json = '{';
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw argError(fn, 'metadata as an object of strings', metadata);
    const m: string[] = [];
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw argError(fn, `a string for metadata key ${JSON.stringify(k)}`, v);
      checkText(k, 'the metadata key', fn);
      checkText(v, 'the metadata value', fn);
      m.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
    parts.push(`"__metadata__":{${m.join(',')}}`);
  }
  let offset = 0;
  const order = items.map(({ name, tensor, st }) => {
    const nbytes = tensor.numel() * ITEMSIZE[tensor.dtype];
    // Written by hand, not with JSON.stringify of an object: JS objects put integer-like keys first.
    parts.push(`${JSON.stringify(name)}:{"dtype":"${st}","shape":[${tensor.shape.join(',')}],"data_offsets":[${offset},${offset + nbytes}]}`);
    offset += nbytes;
    return { name, tensor, nbytes };
  });
  json += parts.join(',') + '}';
  const body = Buffer.from(json, 'utf8');
  const padded = Math.ceil(body.length / 8) * 8;
  const header = Buffer.alloc(8 + padded, 0x20);
  header.writeBigUInt64LE(BigInt(padded), 0);
  body.copy(header, 8);
  return { header, order, dataBytes: offset };
}

/** Calls `sink` with the tensor's bytes in safetensors layout (contiguous, little-endian, bool as 0/1). */
function withBytes(t: Tensor, sink: (bytes: Uint8Array) => void): void {
  const cpu = t.cpu();
  const c = contiguous(cpu);
  try {
    const itemsize = ITEMSIZE[c.dtype];
    const n = c.numel() * itemsize;
    const raw = new Uint8Array(c._buf, c.offset * itemsize, n);
    if (c.dtype === 'bool' || BIG_ENDIAN) {
      const copy = Uint8Array.from(raw);
      if (c.dtype === 'bool') for (let i = 0; i < n; i++) copy[i] = copy[i] !== 0 ? 1 : 0;
      else swapBytes(copy, itemsize);
      sink(copy);
    } else sink(raw);
  } finally {
    if (c !== cpu) c.dispose();
    if (cpu !== t) cpu.dispose();
  }
}

function swapBytes(b: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i < b.length; i += size) b.subarray(i, i + size).reverse();
}

/**
 * Encodes named tensors as a safetensors file in memory. Non-contiguous tensors are written as
 * contiguous copies; tensors are laid out as the reference implementation does (widest dtype
 * first, then by name) so every tensor's data is aligned to its element size.
 * @example
 * const buf = torch.serializeSafetensors({ weight: torch.ones(2, 3) }, { format: 'pt' });
 * buf.readBigUInt64LE(0); // 96n: the header's length (93 bytes of JSON + 3 spaces)
 */
export function serializeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Buffer {
  const p = prepare(tensors, metadata, 'serializeSafetensors');
  const out = Buffer.alloc(p.header.length + p.dataBytes);
  p.header.copy(out, 0);
  let pos = p.header.length;
  for (const { tensor } of p.order) {
    withBytes(tensor, (bytes) => {
      out.set(bytes, pos);
      pos += bytes.length;
    });
  }
  return out;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, Math.min(bytes.length - done, IO_CHUNK));
}

/**
 * Writes a file atomically: the bytes go to a temporary file in the same directory, which is
 * flushed to disk and then renamed over `target` (and the directory flushed), so readers and
 * crashes see either the old file or the complete new one. On error the temporary file is removed.
 * @example writeFileAtomic('out.bin', (fd) => fs.writeSync(fd, bytes));
 * @internal
 */
export function writeFileAtomic(target: string, write: (fd: number) => void): void {
  const dir = path.dirname(path.resolve(target));
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = fs.openSync(tmp, 'wx');
  try {
    write(fd);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== null) fs.closeSync(fd);
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
  // Makes the rename itself durable. Some platforms (Windows) cannot open or sync a directory.
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // best effort
  }
}

/**
 * Saves named tensors to a safetensors file that Python's `safetensors.torch.load_file` reads. The
 * write is atomic: an existing file is replaced only once the new one is completely on disk.
 * @example
 * torch.saveSafetensors({ weight: torch.randn(3, 4), bias: torch.zeros(3) }, 'model.safetensors');
 */
export function saveSafetensors(tensors: Record<string, Tensor>, file: string, opts: { metadata?: Record<string, string> } = {}): void {
  if (typeof file !== 'string' || file === '') throw argError('saveSafetensors', 'a file path', file);
  const p = prepare(tensors, opts.metadata, 'saveSafetensors');
  // Tensors are streamed one at a time, so a large model needs no second copy of itself in memory.
  writeFileAtomic(file, (fd) => {
    writeAll(fd, p.header);
    for (const { tensor } of p.order) withBytes(tensor, (bytes) => writeAll(fd, bytes));
  });
}

// ---- reading ----------------------------------------------------------------------------------

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses and validates the JSON header against a data section of `dataLen` bytes. */
function parseHeader(bytes: Uint8Array, dataLen: number, source: string): Header {
  const bad = (problem: string) => new SafetensorsError(source, problem);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw bad('the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw bad(`the header must start with '{' but starts with ${JSON.stringify(text.slice(0, 8))}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw bad(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(json)) throw bad(`the header must be a JSON object but is ${describe(json)}`);

  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (info === null) continue; // the reference reader takes null as "no metadata"
      if (!isPlainObject(info)) throw bad(`"__metadata__" must be an object of strings but is ${describe(info)}`);
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string') throw bad(`"__metadata__" values must be strings but ${JSON.stringify(k)} is ${describe(v)}`);
        metadata[k] = v;
      }
      continue;
    }
    const where = `tensor ${JSON.stringify(name)}`;
    if (!isPlainObject(info)) throw bad(`${where}: expected { dtype, shape, data_offsets } but found ${describe(info)}`);
    const { dtype, shape, data_offsets: offs } = info;
    if (typeof dtype !== 'string' || !(dtype in ST_BITS)) {
      throw bad(`${where}: unknown dtype ${describe(dtype)} (safetensors dtypes are ${ST_ORDER.join(', ')})`);
    }
    if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
      throw bad(`${where}: shape must be an array of non-negative integers but is ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw bad(`${where}: data_offsets must be [begin, end] with non-negative integers but is ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as number[];
    if (begin > end) throw bad(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
    if (end > dataLen) throw bad(`${where}: data_offsets [${begin}, ${end}] run past the end of the ${dataLen}-byte data section`);
    let numel = 1;
    for (const s of shape as number[]) {
      numel *= s;
      if (numel > Number.MAX_SAFE_INTEGER) throw bad(`${where}: the element count of shape [${shape}] overflows`);
    }
    const bits = numel * ST_BITS[dtype];
    if (!Number.isSafeInteger(bits)) throw bad(`${where}: the byte size of shape [${shape}] overflows`);
    if (bits % 8 !== 0) throw bad(`${where}: ${numel} ${dtype} values do not fill whole bytes`);
    if (end - begin !== bits / 8) {
      throw bad(`${where}: shape [${shape}] of ${dtype} needs ${bits / 8} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    entries.push({ name, stDtype: dtype, shape: shape as number[], begin, end });
  }
  // The reference reader requires the tensors to tile the data section exactly: sorted by offset,
  // each starts where the previous one ended and the last ends at the end of the file.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin < at) throw bad(`tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap the previous tensor, which ends at ${at}`);
    if (e.begin > at) throw bad(`tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] leave a gap after byte ${at} of the data section`);
    at = e.end;
  }
  if (at !== dataLen) throw bad(`the tensors cover ${at} bytes but the data section holds ${dataLen} (trailing bytes)`);
  for (const e of entries) {
    if (!(e.stDtype in FROM_ST)) {
      throw new DTypeError(`${source}: tensor ${JSON.stringify(e.name)} has dtype ${e.stDtype}, which kindling does not support (supported: F32, F64, I32, I64, BOOL)`);
    }
  }
  return { entries: sorted, metadata };
}

/** Reads the 8-byte length prefix and checks it against the total size. */
function headerLength(prefix: Uint8Array, total: number, source: string): number {
  if (total < 8) throw new SafetensorsError(source, `expected at least 8 bytes (the header length) but the file holds ${total}`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError(source, `the header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (n > BigInt(total - 8)) throw new SafetensorsError(source, `the header length ${n} runs past the end of the file (${total - 8} bytes follow the length)`);
  return Number(n);
}

/** Allocates each tensor and lets `fill` copy its bytes in; frees them all if anything fails. */
function materialize(h: Header, fill: (dst: Uint8Array, e: Entry) => void): Record<string, Tensor> {
  const made: Tensor[] = [];
  const out: Record<string, Tensor> = {};
  try {
    for (const e of h.entries) {
      const dt = FROM_ST[e.stDtype];
      // Fresh aligned storage: the file's offsets may be misaligned, so bytes are copied, never viewed.
      const t = allocTensor(e.shape, dt, CPU, false);
      made.push(t);
      const dst = new Uint8Array(t._buf, 0, e.end - e.begin);
      fill(dst, e);
      if (dt === 'bool') for (let i = 0; i < dst.length; i++) dst[i] = dst[i] !== 0 ? 1 : 0;
      else if (BIG_ENDIAN) swapBytes(dst, ITEMSIZE[dt]);
      out[e.name] = t;
    }
  } catch (err) {
    for (const t of made) t.dispose();
    throw err;
  }
  // Callers see the names in the file's header order (offset order).
  return out;
}

/**
 * Decodes a safetensors file held in memory. Every tensor is a fresh copy, so `buf` can be reused.
 * @example
 * const { tensors, metadata } = torch.deserializeSafetensors(fs.readFileSync('model.safetensors'));
 */
export function deserializeSafetensors(buf: Uint8Array, source = 'safetensors buffer'): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  if (!(buf instanceof Uint8Array)) throw argError('deserializeSafetensors', 'a Uint8Array or Buffer', buf);
  const n = headerLength(buf.subarray(0, 8), buf.length, source);
  const data = buf.subarray(8 + n);
  const h = parseHeader(buf.subarray(8, 8 + n), data.length, source);
  const tensors = materialize(h, (dst, e) => dst.set(data.subarray(e.begin, e.end)));
  return { tensors, metadata: h.metadata };
}

function readExactly(fd: number, dst: Uint8Array, position: number, source: string): void {
  let done = 0;
  while (done < dst.length) {
    const got = fs.readSync(fd, dst, done, Math.min(dst.length - done, IO_CHUNK), position + done);
    if (got === 0) throw new SafetensorsError(source, `the file ended early (it changed while being read?)`);
    done += got;
  }
}

/**
 * Reads a safetensors file: the header first, checked against the file's size, then each tensor
 * straight from the file into its own freshly allocated storage. Files written by Python's
 * `safetensors.torch.save_file` load as long as their dtypes are F32, F64, I32, I64 or BOOL.
 * @example
 * const { tensors, metadata } = torch.loadSafetensors('model.safetensors');
 * tensors.weight.shape; // [3, 4]
 */
export function loadSafetensors(file: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  if (typeof file !== 'string' || file === '') throw argError('loadSafetensors', 'a file path', file);
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const prefix = new Uint8Array(8);
    if (size >= 8) readExactly(fd, prefix, 0, file);
    const n = headerLength(prefix, size, file);
    const headerBytes = new Uint8Array(n);
    readExactly(fd, headerBytes, 8, file);
    const h = parseHeader(headerBytes, size - 8 - n, file);
    const tensors = materialize(h, (dst, e) => readExactly(fd, dst, 8 + n + e.begin, file));
    return { tensors, metadata: h.metadata };
  } finally {
    fs.closeSync(fd);
  }
}
