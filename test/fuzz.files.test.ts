// File-format fuzzing: the safetensors, IDX and CSV readers get truncated, bit-flipped and hostile
// inputs derived from valid files (headers claiming a terabyte, offsets outside the file, overlapping
// tensors, unknown dtypes). Each input must either be refused with a typed KindlingError subclass
// (SafetensorsError, IdxFormatError, CsvFormatError, DTypeError, ...) or load into tensors whose
// sizes the file justifies; native memory must not jump by more than the file could justify, which is
// what protects a server loading untrusted files. Seeded like fuzz.differential (KINDLING_FUZZ_SEED,
// KINDLING_FUZZ_RUNS).
import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as torch from '../lib';
import { KindlingError, Tensor } from '../lib';
import { readIdx } from '../lib/data/idx';
import { readCsv } from '../lib/data/csv';

const SEED = Number(process.env.KINDLING_FUZZ_SEED ?? 0x6b696e64);
const MULT = Number(process.env.KINDLING_FUZZ_RUNS ?? 1);
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * MULT)), seed: SEED });
jest.setTimeout(300_000 * Math.max(1, MULT));

/** Memory a load may add beyond the file's own size: allocator slack and pooled buffers. */
const SLACK = 4 << 20;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-fuzz-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Runs a load: a KindlingError is an accepted refusal; any other throw fails; a result goes to
 * `inspect`. Fails when native (external) memory grew by more than `budget` bytes during the load.
 */
function loadSafely<T>(what: string, input: Uint8Array | string, load: () => T, inspect: (r: T) => Tensor[], budget: number): void {
  const before = process.memoryUsage().external;
  let tensors: Tensor[] = [];
  try {
    tensors = inspect(load());
  } catch (e) {
    if (!(e instanceof KindlingError)) {
      const shown = typeof input === 'string' ? JSON.stringify(input.slice(0, 300)) : Buffer.from(input.slice(0, 200)).toString('hex');
      throw new Error(`${what}: threw ${(e as Error).constructor.name} (not a KindlingError): ${(e as Error).message}\n  input (${input.length} bytes): ${shown}`);
    }
  }
  const grew = process.memoryUsage().external - before;
  tensors.forEach((t) => t.dispose());
  if (grew > budget + SLACK) throw new Error(`${what}: external memory grew by ${grew} bytes for a ${input.length}-byte input`);
}

/** Every value of a loaded tensor is readable and its storage fits what the file holds. */
function consistent(ts: Tensor[], fileBytes: number): Tensor[] {
  let total = 0;
  for (const t of ts) {
    const v = t._values();
    if (v.length !== t.numel()) throw new Error(`tensor of shape [${t.shape}] read ${v.length} values`);
    total += t.numel() * t.itemsize;
  }
  // IDX bytes widen to int64 (8x), CSV text becomes numbers; safetensors is 1:1
  if (total > fileBytes * 8 + 64) throw new Error(`loaded ${total} bytes of tensors from a ${fileBytes}-byte file`);
  return ts;
}

// ---- mutations shared by the three formats --------------------------------------------------------
type Mutation = { kind: 'truncate'; at: number } | { kind: 'flip'; flips: [number, number][] } | { kind: 'splice'; at: number; bytes: number[] };
const mutationArb = fc.oneof(
  fc.nat().map((at) => ({ kind: 'truncate' as const, at })),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => ({ kind: 'flip' as const, flips })),
  fc.tuple(fc.nat(), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 16 })).map(([at, bytes]) => ({ kind: 'splice' as const, at, bytes })),
);
function mutate(src: Uint8Array, m: Mutation): Uint8Array {
  if (m.kind === 'truncate') return src.slice(0, m.at % (src.length + 1));
  if (m.kind === 'flip') {
    const out = src.slice();
    for (const [at, mask] of m.flips) if (out.length) out[at % out.length] ^= mask;
    return out;
  }
  const at = m.at % (src.length + 1);
  return Uint8Array.from([...src.slice(0, at), ...m.bytes, ...src.slice(at)]);
}

// ---- safetensors ----------------------------------------------------------------------------------
describe('safetensors reader', () => {
  const valid = (): Uint8Array =>
    torch.serializeSafetensors({
      a: torch.arange(6, { dtype: 'float32' }).reshape([2, 3]),
      b: torch.tensor([1, -2, 3, 4], { dtype: 'int64' }),
      c: torch.tensor([true, false, true]),
      d: torch.tensor(2.5, { dtype: 'float64' }),
    });
  /** A file from a header object and a data section of n bytes. */
  const withHeader = (header: unknown, n: number, claimedLen?: bigint): Uint8Array => {
    const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(claimedLen ?? BigInt(json.length));
    return Buffer.concat([prefix, json, Buffer.alloc(n, 7)]);
  };
  const load = (buf: Uint8Array, what: string) =>
    loadSafely(what, buf, () => torch.deserializeSafetensors(buf), (r) => consistent(Object.values(r.tensors), buf.length), buf.length);

  test('the valid file loads (the mutations below start from it)', () => {
    const r = torch.deserializeSafetensors(valid());
    expect(Object.keys(r.tensors).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(r.tensors.a.toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  test('truncated, bit-flipped and spliced files', () => {
    const src = valid();
    fc.assert(fc.property(mutationArb, (m) => load(mutate(src, m), `safetensors ${JSON.stringify(m)}`)), runs(1500));
  });

  test('hostile headers: huge claims, offsets outside the file, overlaps, wrong dtypes', () => {
    const TB = 2 ** 40;
    const entry = fc.record({
      dtype: fc.constantFrom('F32', 'F64', 'I64', 'BOOL', 'F16', 'BF16', 'U8', 'X', 5, null),
      shape: fc.oneof(fc.array(fc.constantFrom(0, 1, 2, 3, TB, 2 ** 53, -1, 1.5, 2 ** 32), { maxLength: 4 }), fc.constantFrom('2', null, [[2]])),
      data_offsets: fc.oneof(fc.tuple(fc.constantFrom(0, 4, 8, 12, 24, TB, -4, 2 ** 64), fc.constantFrom(0, 4, 8, 12, 24, 48, TB, 1e300)), fc.constantFrom(null, [1], [0, 1, 2], '0,4')),
    });
    const header = fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor', '__metadata__'), entry, { maxKeys: 4 });
    const claim = fc.option(fc.constantFrom(0n, 1n, 2n ** 40n, 2n ** 63n, 2n ** 64n - 1n, 100_000_001n), { freq: 4 });
    fc.assert(
      fc.property(header, fc.integer({ min: 0, max: 64 }), claim, (h, n, c) => load(withHeader(h, n, c ?? undefined), `safetensors header ${JSON.stringify(h)} + ${n} data bytes, claimed length ${c}`)),
      runs(1500),
    );
  });

  test('hand-picked hostile files', () => {
    const cases: [string, Uint8Array][] = [
      ['a terabyte tensor in a tiny file', withHeader({ t: { dtype: 'F32', shape: [2 ** 38], data_offsets: [0, 2 ** 40] } }, 16)],
      ['offsets outside the file', withHeader({ t: { dtype: 'F32', shape: [4], data_offsets: [16, 32] } }, 16)],
      ['overlapping tensors', withHeader({ t: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, u: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, 16)],
      ['shape disagrees with offsets', withHeader({ t: { dtype: 'F32', shape: [5], data_offsets: [0, 16] } }, 16)],
      ['unsupported dtype', withHeader({ t: { dtype: 'F16', shape: [8], data_offsets: [0, 16] } }, 16)],
      ['header length of 2^64 - 1', withHeader({}, 0, 2n ** 64n - 1n)],
      ['deeply nested header', withHeader('{"a":' + '['.repeat(100000) + ']'.repeat(100000) + '}', 0)],
      ['header that is not UTF-8', withHeader(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1'), 0)],
      ['empty input', new Uint8Array(0)],
    ];
    for (const [what, buf] of cases) load(buf, what);
  });
});

// ---- IDX ------------------------------------------------------------------------------------------
describe('IDX reader', () => {
  /** A valid IDX file: type code, big-endian dims, data. */
  const idx = (type: number, dims: number[], data: Uint8Array): Uint8Array => {
    const h = Buffer.alloc(4 + 4 * dims.length);
    h[2] = type;
    h[3] = dims.length;
    dims.forEach((d, i) => h.writeUInt32BE(d >>> 0, 4 + 4 * i));
    return Buffer.concat([h, data]);
  };
  const validUbyte = idx(0x08, [3, 4, 4], Uint8Array.from({ length: 48 }, (_, i) => i * 5));
  const validFloat = idx(0x0d, [2, 3], new Uint8Array(Buffer.from(new Float32Array([1, -2, NaN, Infinity, 1e-45, 3]).buffer).reverse())); // big-endian, reversed order is fine for fuzzing
  let n = 0;
  const loadIdx = (bytes: Uint8Array, what: string, gz = false) => {
    const file = path.join(dir, `f${n++}.idx${gz ? '.gz' : ''}`);
    fs.writeFileSync(file, gz ? zlib.gzipSync(bytes) : bytes);
    try {
      loadSafely(what, bytes, () => readIdx(file), (t) => consistent([t], bytes.length), bytes.length * 8);
    } finally {
      fs.rmSync(file, { force: true });
    }
  };

  test('the valid files load', () => {
    const file = path.join(dir, 'valid.idx');
    fs.writeFileSync(file, validUbyte);
    expect(readIdx(file).shape).toEqual([3, 4, 4]);
  });

  test('truncated, bit-flipped and spliced files (plain and gzip)', () => {
    fc.assert(
      fc.property(fc.constantFrom(validUbyte, validFloat), mutationArb, fc.boolean(), (src, m, gz) => loadIdx(mutate(src, m), `idx ${JSON.stringify(m)} gz=${gz}`, gz)),
      runs(600),
    );
  });

  test('hostile headers: huge dims, many dims, unknown type codes', () => {
    const dims = fc.array(fc.constantFrom(0, 1, 2, 3, 0xffffffff, 2 ** 20, 2 ** 31), { maxLength: 6 });
    fc.assert(
      fc.property(fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x0a, 0xff), dims, fc.integer({ min: 0, max: 40 }), fc.boolean(), (type, d, len, gz) =>
        loadIdx(idx(type, d, new Uint8Array(len)), `idx type 0x${type.toString(16)} dims [${d}] + ${len} bytes gz=${gz}`, gz),
      ),
      runs(400),
    );
    // a gzip "bomb": a small header whose stream inflates to far more than the header describes
    const bomb = Buffer.concat([Buffer.from(idx(0x08, [4], new Uint8Array(0))), Buffer.alloc(64 << 20)]);
    loadIdx(bomb, 'gzip stream inflating to 64 MiB behind a 4-byte header', true);
    loadIdx(idx(0x08, Array(255).fill(1), new Uint8Array(1)), '255 dims of size 1');
  });
});

// ---- CSV ------------------------------------------------------------------------------------------
describe('CSV reader', () => {
  const valid = 'x1,x2,x3,label\n1.5,2,-3,0\n4,5e-3,nan,1\n7,8,inf,2\n-0,1e308,1e-320,1\n';
  let n = 0;
  const loadCsv = (text: Uint8Array, what: string, opts = {}) => {
    const file = path.join(dir, `f${n++}.csv`);
    fs.writeFileSync(file, text);
    try {
      loadSafely(what, text, () => readCsv(file, opts), (r) => {
        if (r.features.shape[0] !== r.labels.shape[0]) throw new Error(`${r.features.shape[0]} feature rows but ${r.labels.shape[0]} labels`);
        if (r.columns.length !== (r.features.shape[1] ?? 0)) throw new Error(`${r.columns.length} column names for ${r.features.shape[1]} feature columns`);
        return consistent([r.features, r.labels], text.length);
      }, text.length * 8);
    } finally {
      fs.rmSync(file, { force: true });
    }
  };

  test('the valid file loads', () => {
    const file = path.join(dir, 'valid.csv');
    fs.writeFileSync(file, valid);
    const r = readCsv(file);
    expect(r.features.shape).toEqual([4, 3]);
    expect(r.columns).toEqual(['x1', 'x2', 'x3']);
  });

  test('truncated, bit-flipped and spliced files, with hostile options', () => {
    const src = new Uint8Array(Buffer.from(valid));
    const opts = fc.record(
      { header: fc.constantFrom(true, false, 'auto'), labelColumn: fc.constantFrom(0, -1, 5, 'label', 'nope'), labelDtype: fc.constantFrom('int64', 'float32', 'float64'), delimiter: fc.constantFrom(',', ';', '\t'), skipRows: fc.constantFrom(0, 1, 10) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(mutationArb, opts, (m, o) => {
        const text = mutate(src, m);
        // a quote inside an unquoted field hits the bug in the skipped test below
        fc.pre(!text.includes(0x22));
        loadCsv(text, `csv ${JSON.stringify(m)} opts ${JSON.stringify(o)}`, o);
      }),
      runs(1000),
    );
  });

  test('a quote inside an unquoted field gives CsvFormatError (was csv-parse\'s own CsvError)', () => {
    loadCsv(new Uint8Array(Buffer.from('a"b,c\n1,2\n')), 'stray quote');
  });

  test('hostile texts: unbalanced quotes, ragged rows, huge numbers, a very wide row, NUL bytes', () => {
    const texts = [
      'a,b\n"1,2\n3,4\n',
      'a,b,c\n1,2\n3,4,5,6\n',
      'a,b\n1e999999,0\n-1e999999,1\n',
      Array.from({ length: 20000 }, (_, i) => `c${i}`).join(',') + '\n' + Array(20000).fill('1').join(',') + '\n',
      'a,b\n1\u0000,2\n',
      '\ufeffa,b\n1,2\n',
      ',\n,\n',
      '\n\n\n',
      'a,b\n1,2.5\n', // a non-integer label for the default int64 labels
      'a,b\n1,99999999999999999999\n', // a label past int64
    ];
    for (const t of texts) loadCsv(new Uint8Array(Buffer.from(t)), `csv text ${JSON.stringify(t.slice(0, 60))}`);
  });
});
