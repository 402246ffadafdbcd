// safetensors files and checkpoints: byte layout against the format's specification and the
// reference implementation's own test vectors (huggingface/safetensors, safetensors/src/tensor.rs),
// round trips of every dtype, PyTorch-written fixtures (scripts/fixtures/safetensors.py), every
// validation error, and atomic writes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import type { Tensor } from '../lib';
import {
  MAX_HEADER_BYTES, SafetensorsError, deserializeSafetensors, loadSafetensors, saveSafetensors, serializeSafetensors, writeFileAtomic,
} from '../lib/io/safetensors';
import { STRUCTURE_KEY, load, save } from '../lib/io/checkpoint';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-st-'));
});
afterEach(() => {
  fs.chmodSync(dir, 0o755);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The raw bytes of a tensor's values in row-major order (bit-exact: keeps NaN payloads and -0). */
function bytesOf(t: Tensor): number[] {
  const v = t._values();
  return Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
}

/** A safetensors file from a header object (or raw header text) and a data section. */
function file(header: object | string, data: number[] | Uint8Array = [], pad = true): Buffer {
  let text = typeof header === 'string' ? header : JSON.stringify(header);
  if (pad) text += ' '.repeat((8 - (Buffer.byteLength(text) % 8)) % 8);
  const h = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(8 + h.length + data.length);
  out.writeBigUInt64LE(BigInt(h.length), 0);
  h.copy(out, 8);
  Buffer.from(data as Uint8Array).copy(out, 8 + h.length);
  return out;
}

const f32le = (xs: number[]) => Array.from(new Uint8Array(new Float32Array(xs).buffer));

describe('serialized layout (safetensors specification)', () => {
  test('one F32 tensor: the reference implementation\'s test_serialization bytes', () => {
    // safetensors/src/tensor.rs, test_serialization: "attn.0", F32, shape [1, 2, 3], values 0..5.
    const expected = [
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104,
      97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93,
      125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ];
    const buf = serializeSafetensors({ 'attn.0': torch.arange(6).reshape(1, 2, 3) });
    expect(Array.from(buf)).toEqual(expected);
    // Read field by field: u64 LE length, the JSON, then little-endian float32 data.
    expect(buf.readBigUInt64LE(0)).toBe(64n);
    expect(buf.subarray(8, 72).toString('utf8')).toBe('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
    expect(Array.from(buf.subarray(72))).toEqual(f32le([0, 1, 2, 3, 4, 5]));
  });

  test('the header is padded with spaces to an 8-byte boundary (test_serialization_forced_alignement)', () => {
    const buf = serializeSafetensors({ attn0: torch.arange(6).reshape(1, 1, 2, 3) });
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(65); // so 7 spaces make 72
    expect(buf.readBigUInt64LE(0)).toBe(72n);
    expect(buf.subarray(8, 80).toString('latin1')).toBe(json + '       ');
    expect(Array.from(buf.subarray(80))).toEqual(f32le([0, 1, 2, 3, 4, 5]));
    expect(buf.length).toBe(8 + 72 + 24);
  });

  test('no tensors, with and without metadata (test_empty)', () => {
    expect(Array.from(serializeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const withMeta = serializeSafetensors({}, { framework: 'pt' });
    expect(Array.from(withMeta)).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114,
      107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  test('tensors are ordered by dtype (I64, F64, F32, I32, BOOL: the reference enum, descending), then by name', () => {
    const buf = serializeSafetensors({
      flag: torch.tensor([true, false, true]),
      w: torch.tensor([1.5, -2], { dtype: 'float32' }),
      b: torch.tensor([0.25], { dtype: 'float32' }),
      idx: torch.tensor([-1n, 2n ** 62n]),
      k: torch.tensor([7, -8], { dtype: 'int32' }),
      x: torch.tensor(2.5, { dtype: 'float64' }),
    });
    const n = Number(buf.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const text = buf.subarray(8, 8 + n).toString('utf8');
    expect(text.trimEnd()).toBe(
      '{"idx":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"x":{"dtype":"F64","shape":[],"data_offsets":[16,24]},' +
        '"b":{"dtype":"F32","shape":[1],"data_offsets":[24,28]},"w":{"dtype":"F32","shape":[2],"data_offsets":[28,36]},' +
        '"k":{"dtype":"I32","shape":[2],"data_offsets":[36,44]},"flag":{"dtype":"BOOL","shape":[3],"data_offsets":[44,47]}}',
    );
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    const data = buf.subarray(8 + n);
    expect(data.length).toBe(47);
    const dv = new DataView(data.buffer, data.byteOffset, data.length);
    expect(dv.getBigInt64(0, true)).toBe(-1n);
    expect(dv.getBigInt64(8, true)).toBe(2n ** 62n);
    expect(dv.getFloat64(16, true)).toBe(2.5);
    expect([dv.getFloat32(24, true), dv.getFloat32(28, true), dv.getFloat32(32, true)]).toEqual([0.25, 1.5, -2]);
    expect([dv.getInt32(36, true), dv.getInt32(40, true)]).toEqual([7, -8]);
    expect(Array.from(data.subarray(44))).toEqual([1, 0, 1]);
  });

  test('names sort by their UTF-8 bytes, integer-like names included ("10" < "9" < "a")', () => {
    const buf = serializeSafetensors({ a: torch.ones(1), 9: torch.ones(1), 10: torch.ones(1) });
    const text = buf.subarray(8, 8 + Number(buf.readBigUInt64LE(0))).toString('utf8');
    expect([...text.matchAll(/"([^"]+)":\{"dtype"/g)].map((m) => m[1])).toEqual(['10', '9', 'a']);
  });

  test('argument errors', () => {
    expect(() => serializeSafetensors({ w: [1, 2] as unknown as Tensor })).toThrow(torch.ArgumentError);
    expect(() => serializeSafetensors({ __metadata__: torch.ones(1) })).toThrow(/reserved/);
    expect(() => serializeSafetensors({}, { a: 1 as unknown as string })).toThrow(/a string for metadata key "a"/);
    expect(() => serializeSafetensors({ ['bad\ud800']: torch.ones(1) })).toThrow(/lone surrogate/);
  });
});

describe('round trips', () => {
  const cases: [string, () => Tensor][] = [
    ['float32 with -0, NaN, inf, subnormal', () => torch.tensor([[-0, NaN, Infinity], [-Infinity, 1e-45, 0.1]], { dtype: 'float32' })],
    ['float64', () => torch.tensor([1 / 3, -0, NaN, 5e-324, 1.7976931348623157e308], { dtype: 'float64' })],
    ['int32 extremes', () => torch.tensor([-(2 ** 31), 2 ** 31 - 1, 0, -1], { dtype: 'int32' })],
    ['int64 beyond 2^53', () => torch.tensor([-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n])],
    ['bool', () => torch.tensor([[true, false], [false, true]])],
    ['0-d float64', () => torch.tensor(3.25, { dtype: 'float64' })],
    ['0-d int64', () => torch.tensor(-7n)],
    ['empty [0]', () => torch.zeros(0)],
    ['empty [2, 0, 3] int32', () => torch.zeros(2, 0, 3, { dtype: 'int32' })],
    ['transposed (non-contiguous)', () => torch.arange(12).reshape(3, 4).t()],
    ['strided slice', () => torch.arange(20, { dtype: 'int64' }).reshape(4, 5).index('::2, 1::2')],
    ['expanded (stride 0)', () => torch.tensor([1, 2, 3], { dtype: 'float64' }).expand(2, 3)],
    ['bool from a comparison of a view', () => torch.arange(6).reshape(2, 3).t().gt(2)],
  ];
  test.each(cases)('%s survives serialize -> deserialize and save -> load', (_, make) => {
    const t = make();
    const expected = bytesOf(t);
    const viaBuf = deserializeSafetensors(serializeSafetensors({ t }, { note: 'x' }));
    const p = path.join(dir, 'rt.safetensors');
    saveSafetensors({ t }, p, { metadata: { note: 'x' } });
    const viaFile = loadSafetensors(p);
    for (const got of [viaBuf, viaFile]) {
      expect(got.metadata).toEqual({ note: 'x' });
      expect(Object.keys(got.tensors)).toEqual(['t']);
      const u = got.tensors.t;
      expect(u.dtype).toBe(t.dtype);
      expect(u.shape).toEqual(t.shape);
      expect(u.isContiguous()).toBe(true);
      expect(bytesOf(u)).toEqual(expected);
    }
  });

  test('many tensors of mixed dtypes keep their names and values; data offsets are aligned', () => {
    const tensors: Record<string, Tensor> = {
      'layer.0.weight': torch.randn(3, 4),
      'layer.0.bias': torch.randn(3, { dtype: 'float64' }),
      steps: torch.tensor([5n]),
      mask: torch.tensor([true, false, true]),
      counts: torch.tensor([1, 2, 3], { dtype: 'int32' }),
    };
    const buf = serializeSafetensors(tensors);
    const n = Number(buf.readBigUInt64LE(0));
    const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
    const itemsize: Record<string, number> = { F32: 4, F64: 8, I32: 4, I64: 8, BOOL: 1 };
    for (const info of Object.values(header) as { dtype: string; data_offsets: number[] }[]) {
      expect((8 + n + info.data_offsets[0]) % itemsize[info.dtype]).toBe(0);
    }
    const back = deserializeSafetensors(buf).tensors;
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    for (const k of Object.keys(tensors)) expect(bytesOf(back[k])).toEqual(bytesOf(tensors[k]));
  });

  test('loaded tensors are fresh copies: changing the source buffer changes nothing', () => {
    const buf = serializeSafetensors({ t: torch.tensor([1, 2, 3]) });
    const { tensors } = deserializeSafetensors(buf);
    buf.fill(0, buf.length - 12);
    expect(tensors.t.toArray()).toEqual([1, 2, 3]);
  });
});

describe('files written from PyTorch tensors (test/fixtures/torch_tensors.*, scripts/fixtures/safetensors.py)', () => {
  type Fx = { dtype: torch.DType; shape: number[]; values: (number | string | boolean)[] };
  const fx = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'torch_tensors.json'), 'utf8')) as {
    metadata: Record<string, string>;
    tensors: Record<string, Fx>;
    unaligned: Record<string, Fx>;
  };
  const num = (v: number | string | boolean): number | bigint | boolean =>
    typeof v !== 'string' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : BigInt(v);
  /** A kindling tensor holding exactly the values torch reported. */
  function build(f: Fx): Tensor {
    const flat = f.values.map(num);
    const t = torch.zeros(f.shape, { dtype: f.dtype });
    if (flat.length === 0) return t;
    return torch.tensor(flat as number[], { dtype: f.dtype }).reshape(f.shape);
  }
  function expectMatches(got: Tensor, f: Fx): void {
    expect(got.dtype).toBe(f.dtype);
    expect(got.shape).toEqual(f.shape);
    expect(bytesOf(got)).toEqual(bytesOf(build(f)));
  }

  test('every tensor and the metadata load as torch wrote them', () => {
    const { tensors, metadata } = loadSafetensors(path.join(__dirname, 'fixtures', 'torch_tensors.safetensors'));
    expect(metadata).toEqual(fx.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(fx.tensors).sort());
    for (const [name, f] of Object.entries(fx.tensors)) expectMatches(tensors[name], f);
    // Spot checks against values stated in the script, independent of the JSON.
    expect(Object.is((tensors.f32._values() as Float32Array)[1], -0)).toBe(true);
    expect(String((tensors.i64._values() as BigInt64Array)[2])).toBe(String(2n ** 53n + 1n));
    expect(tensors.transposed.toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(tensors.scalar.item()).toBe(3.5);
  });

  test('kindling writes the same bytes as the PyTorch-side writer for the same tensors', () => {
    const tensors: Record<string, Tensor> = {};
    for (const [name, f] of Object.entries(fx.tensors)) tensors[name] = build(f);
    // Written from a transposed view, as the script does.
    tensors.transposed = torch.arange(6, { dtype: 'int32' }).reshape(2, 3).t();
    const expected = fs.readFileSync(path.join(__dirname, 'fixtures', 'torch_tensors.safetensors'));
    expect(Buffer.compare(serializeSafetensors(tensors, { format: 'pt' }), expected)).toBe(0);
  });

  test('an older layout with an unpadded header and misaligned float64 data loads by copying', () => {
    const p = path.join(__dirname, 'fixtures', 'torch_unaligned.safetensors');
    const raw = fs.readFileSync(p);
    const n = Number(raw.readBigUInt64LE(0));
    const header = JSON.parse(raw.subarray(8, 8 + n).toString('utf8'));
    expect((8 + n + header.b_f64.data_offsets[0]) % 8).not.toBe(0); // the fixture really is misaligned
    for (const got of [loadSafetensors(p).tensors, deserializeSafetensors(raw).tensors]) {
      for (const [name, f] of Object.entries(fx.unaligned)) expectMatches(got[name], f);
      expect(got.b_f64.toArray()).toEqual([1.5, -2.25]);
    }
  });
});

describe('validation of malformed files', () => {
  const ok = { t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const bad = (buf: Uint8Array, re: RegExp, cls: new (...a: never[]) => Error = SafetensorsError) => {
    expect(() => deserializeSafetensors(buf)).toThrow(cls);
    expect(() => deserializeSafetensors(buf)).toThrow(re);
  };

  test('a well-formed hand-built file loads (the baseline the cases below break)', () => {
    expect(deserializeSafetensors(file(ok, f32le([1, 2]))).tensors.t.toArray()).toEqual([1, 2]);
    expect(deserializeSafetensors(file({ __metadata__: null, ...ok }, f32le([1, 2]))).metadata).toEqual({});
  });
  test('fewer than 8 bytes', () => bad(new Uint8Array(5), /expected at least 8 bytes .* holds 5/));
  test('header length beyond the file', () => {
    const b = Buffer.alloc(18);
    b.writeBigUInt64LE(100n, 0);
    bad(b, /header length 100 runs past the end of the file \(10 bytes/);
  });
  test('header too large (checked before anything is allocated)', () => {
    const b = Buffer.alloc(16);
    b.writeBigUInt64LE(BigInt(MAX_HEADER_BYTES + 1), 0);
    bad(b, /exceeds the 100000000-byte limit/);
    b.writeBigUInt64LE(2n ** 64n - 1n, 0);
    bad(b, /exceeds/);
  });
  test('header not UTF-8', () => bad(file('{"\xff"}').fill(0xff, 9, 10), /not valid UTF-8/));
  test('header not starting with {', () => {
    bad(file('[1, 2]'), /must start with '\{'/);
    bad(file(' {}'), /must start with '\{'/);
  });
  test('bad JSON', () => bad(file('{"t": {"dtype": "F32",'), /not valid JSON/));
  test('an entry that is not an object', () => bad(file({ t: 5 }), /tensor "t": expected \{ dtype, shape, data_offsets \}/));
  test('unknown dtype', () => bad(file({ t: { dtype: 'F17', shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0]), /tensor "t": unknown dtype "F17"/));
  test('valid safetensors dtypes kindling lacks give a DTypeError naming the tensor and dtype', () => {
    for (const [dtype, size] of [['F16', 2], ['BF16', 2], ['U8', 1], ['I8', 1], ['I16', 2], ['U16', 2], ['U32', 4], ['U64', 8], ['F8_E4M3', 1]] as const) {
      const buf = file({ 'h.weight': { dtype, shape: [2], data_offsets: [0, 2 * size] } }, new Array(2 * size).fill(0));
      expect(() => deserializeSafetensors(buf)).toThrow(torch.DTypeError);
      expect(() => deserializeSafetensors(buf)).toThrow(new RegExp(`tensor "h.weight" has dtype ${dtype}, which kindling does not support`));
    }
  });
  test('bad shapes', () => {
    for (const shape of [[-1], [1.5], '3', [2 ** 53]]) {
      bad(file({ t: { dtype: 'F32', shape, data_offsets: [0, 4] } }, [0, 0, 0, 0]), /shape must be an array of non-negative integers/);
    }
  });
  test('shape whose element or byte count overflows', () => {
    bad(file({ t: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } }, [0, 0, 0, 0]), /element count of shape .* overflows/);
    bad(file({ t: { dtype: 'F64', shape: [2 ** 26, 2 ** 26], data_offsets: [0, 4] } }, [0, 0, 0, 0]), /byte size of shape .* overflows/);
  });
  test('malformed data_offsets', () => {
    bad(file({ t: { dtype: 'F32', shape: [1], data_offsets: [0] } }, [0, 0, 0, 0]), /data_offsets must be \[begin, end\]/);
    bad(file({ t: { dtype: 'F32', shape: [1], data_offsets: ['0', 4] } }, [0, 0, 0, 0]), /data_offsets must be/);
    bad(file({ t: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, [0, 0, 0, 0]), /end before they begin/);
  });
  test('offsets outside the data section', () => bad(file({ t: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32le([1, 2])), /run past the end of the 8-byte data section/));
  test('wrong byte count for shape and dtype', () => bad(file({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32le([1, 2])), /shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/));
  test('overlapping tensors', () => {
    const h = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } };
    bad(file(h, f32le([1, 2, 3])), /tensor "b": data_offsets \[4, 12\] overlap the previous tensor/);
  });
  test('a gap between tensors', () => {
    const h = { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } };
    bad(file(h, f32le([1, 2, 3])), /tensor "b": .* leave a gap after byte 4/);
  });
  test('trailing bytes after the last tensor', () => bad(file({ t: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32le([1, 2])), /cover 4 bytes but the data section holds 8/));
  test('metadata that is not a map of strings', () => {
    bad(file({ __metadata__: { a: 1 } }), /"__metadata__" values must be strings but "a" is 1/);
    bad(file({ __metadata__: ['a'] }), /"__metadata__" must be an object/);
  });
  test('a truncated file names the file', () => {
    const p = path.join(dir, 'model.safetensors');
    saveSafetensors({ w: torch.ones(4) }, p);
    const full = fs.readFileSync(p);
    fs.writeFileSync(p, full.subarray(0, full.length - 1));
    expect(() => loadSafetensors(p)).toThrow(SafetensorsError);
    expect(() => loadSafetensors(p)).toThrow(new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a valid safetensors file: tensor "w": data_offsets \\[0, 16\\] run past the end`));
    fs.writeFileSync(p, full.subarray(0, 3));
    expect(() => loadSafetensors(p)).toThrow(/model\.safetensors: .*at least 8 bytes/);
    fs.writeFileSync(p, full.subarray(0, 20));
    expect(() => loadSafetensors(p)).toThrow(/model\.safetensors: .*runs past the end of the file/);
  });
});

describe('atomic writes', () => {
  const leftovers = () => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

  test('a tensor that fails mid-write leaves the previous file intact and no temporary file', () => {
    const p = path.join(dir, 'm.safetensors');
    saveSafetensors({ a: torch.ones(3) }, p);
    const before = fs.readFileSync(p);
    const gone = torch.ones(1000);
    gone.dispose();
    // "a" is written (same dtype, sorts first) before "b" fails.
    expect(() => saveSafetensors({ a: torch.zeros(1000), b: gone }, p)).toThrow(torch.DisposedError);
    expect(Buffer.compare(fs.readFileSync(p), before)).toBe(0);
    expect(leftovers()).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['m.safetensors']);
  });

  test('until the rename, readers see the old file; afterwards the new one', () => {
    const p = path.join(dir, 'm.safetensors');
    fs.writeFileSync(p, 'old');
    writeFileAtomic(p, (fd) => {
      fs.writeSync(fd, 'new contents');
      expect(fs.readFileSync(p, 'utf8')).toBe('old'); // a crash now would leave this
      expect(leftovers()).toHaveLength(1);
    });
    expect(fs.readFileSync(p, 'utf8')).toBe('new contents');
    expect(leftovers()).toEqual([]);
  });

  test('a failing rename (the target is a directory) removes the temporary file', () => {
    const p = path.join(dir, 'taken');
    fs.mkdirSync(p);
    fs.writeFileSync(path.join(p, 'x'), 'keep');
    expect(() => saveSafetensors({ a: torch.ones(2) }, p)).toThrow();
    expect(fs.readFileSync(path.join(p, 'x'), 'utf8')).toBe('keep');
    expect(leftovers()).toEqual([]);
  });

  // root ignores directory permissions, so this case can only fail for an ordinary user.
  const asUser = process.getuid?.() === 0 ? test.skip : test;
  asUser('a read-only directory: the error surfaces, the previous file stays', () => {
    const p = path.join(dir, 'm.safetensors');
    saveSafetensors({ a: torch.ones(3) }, p);
    const before = fs.readFileSync(p);
    fs.chmodSync(dir, 0o555);
    expect(() => saveSafetensors({ a: torch.zeros(3) }, p)).toThrow(/EACCES|EPERM/);
    fs.chmodSync(dir, 0o755);
    expect(Buffer.compare(fs.readFileSync(p), before)).toBe(0);
    expect(leftovers()).toEqual([]);
  });
});

describe('checkpoints: save / load', () => {
  test('a flat stateDict is written with its keys unchanged and no kindling metadata', () => {
    const p = path.join(dir, 'model.safetensors');
    const sd = { '0.weight': torch.randn(3, 4), '0.bias': torch.randn(3), '2.weight': torch.randn(1, 3) };
    save(sd, p, { metadata: { format: 'pt' } });
    const raw = loadSafetensors(p);
    expect(raw.metadata).toEqual({ format: 'pt' });
    expect(Object.keys(raw.tensors).sort()).toEqual(['0.bias', '0.weight', '2.weight']);
    const back = load(p) as Record<string, Tensor>;
    for (const k of Object.keys(sd)) expect(bytesOf(back[k])).toEqual(bytesOf(sd[k as keyof typeof sd]));
  });

  test('an optimizer stateDict round-trips: tensors under dotted keys, the rest in the structure', () => {
    const p = path.join(dir, 'opt.safetensors');
    const m0 = torch.randn(3, 4);
    const m1 = torch.randn(3);
    const sd = {
      state: { 0: { momentumBuffer: m0, step: 3 }, 1: { momentumBuffer: m1, step: 3 } },
      paramGroups: [{ lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, maximize: false, name: null, params: [0, 1] }],
    };
    save(sd, p);
    const raw = loadSafetensors(p);
    expect(Object.keys(raw.tensors).sort()).toEqual(['state.0.momentumBuffer', 'state.1.momentumBuffer']);
    expect(JSON.parse(raw.metadata[STRUCTURE_KEY]).paramGroups).toEqual(sd.paramGroups);
    const back = load(p) as typeof sd;
    expect(back.paramGroups).toEqual(sd.paramGroups);
    expect(back.state[0].step).toBe(3);
    expect(bytesOf(back.state[0].momentumBuffer)).toEqual(bytesOf(m0));
    expect(bytesOf(back.state[1].momentumBuffer)).toEqual(bytesOf(m1));
    expect(Object.keys(back.state)).toEqual(['0', '1']);
  });

  test('numbers round-trip exactly, -0, NaN and the infinities included', () => {
    const p = path.join(dir, 'n.safetensors');
    const nums = [0.1, 1 / 3, 1e308, 5e-324, 2 ** 53 + 2, -0, 0, NaN, Infinity, -Infinity, -1.5e-7];
    save({ nums, nested: { x: -0 } }, p);
    const back = load(p) as { nums: number[]; nested: { x: number } };
    expect(back.nums).toHaveLength(nums.length);
    back.nums.forEach((v, i) => expect(Object.is(v, nums[i])).toBe(true));
    expect(Object.is(back.nested.x, -0)).toBe(true);
  });

  test("user keys that look like kindling's tags are escaped", () => {
    const p = path.join(dir, 't.safetensors');
    const obj = { $tensor: 'not a tensor', $$y: 1, a: { $number: 'NaN' }, b: [{ $tensor: 'x' }], s: 'x', t: true, n: null };
    save(obj, p);
    expect(load(p)).toEqual(obj);
  });

  test('a tensor reached twice is stored once and loads as one tensor; a bare tensor and arrays work', () => {
    const p = path.join(dir, 's.safetensors');
    const w = torch.arange(4);
    save({ a: w, b: [w, { c: w }] }, p);
    expect(Object.keys(loadSafetensors(p).tensors)).toEqual(['a']);
    const back = load(p) as { a: Tensor; b: [Tensor, { c: Tensor }] };
    expect(back.b[0]).toBe(back.a);
    expect(back.b[1].c).toBe(back.a);
    expect(back.a.toArray()).toEqual([0, 1, 2, 3]);
    save(w, p);
    expect((load(p) as Tensor).toArray()).toEqual([0, 1, 2, 3]);
    save([1, 'two', [torch.ones(1)]], p);
    const arr = load(p) as [number, string, [Tensor]];
    expect(arr.slice(0, 2)).toEqual([1, 'two']);
    expect(arr[2][0].toArray()).toEqual([1]);
  });

  test("a model's and an SGD optimizer's stateDicts restore training state exactly", () => {
    // Two identical runs of 3 SGD-with-momentum steps; the second is checkpointed after step 1
    // and continued from the files in a fresh model and optimizer. Same math, same order: the
    // final weights must be bit-identical.
    const x = torch.tensor([[1, 2], [3, -1], [0.5, 0.25]]);
    const y = torch.tensor([[1], [0], [2]]);
    const stepOnce = (m: torch.nn.Linear, o: torch.optim.SGD) => {
      o.zeroGrad();
      m.forward(x).sub(y).square().mean().backward();
      o.step();
    };
    const init = (m: torch.nn.Linear) => torch.noGrad(() => {
      m.weight.copy_(torch.tensor([[0.3, -0.2]]));
      m.bias!.copy_(torch.tensor([0.1]));
    });
    const a = new torch.nn.Linear(2, 1);
    init(a);
    const oa = new torch.optim.SGD(a.parameters(), { lr: 0.05, momentum: 0.9 });
    for (let i = 0; i < 3; i++) stepOnce(a, oa);

    const b = new torch.nn.Linear(2, 1);
    init(b);
    const ob = new torch.optim.SGD(b.parameters(), { lr: 0.05, momentum: 0.9 });
    stepOnce(b, ob);
    const p = path.join(dir, 'ckpt.safetensors');
    save({ epoch: 1, model: b.stateDict(), optimizer: ob.stateDict() }, p);
    const ckpt = load<{ epoch: number; model: Record<string, Tensor>; optimizer: ReturnType<torch.optim.SGD['stateDict']> }>(p);
    expect(ckpt.epoch).toBe(1);
    const c = new torch.nn.Linear(2, 1);
    c.loadStateDict(ckpt.model);
    const oc = new torch.optim.SGD(c.parameters(), { lr: 0.05, momentum: 0.9 });
    oc.loadStateDict(ckpt.optimizer);
    for (let i = 0; i < 2; i++) stepOnce(c, oc);
    expect(bytesOf(c.weight)).toEqual(bytesOf(a.weight));
    expect(bytesOf(c.bias!)).toEqual(bytesOf(a.bias!));
  });

  test('things that cannot be saved give ArgumentErrors', () => {
    const p = path.join(dir, 'x.safetensors');
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    const cases: [unknown, RegExp][] = [
      [{ a: undefined }, /at a but received undefined/],
      [{ f: () => 1 }, /at f but received function/],
      [{ m: new Map() }, /at m but received an object \(Map\)/],
      [{ big: 1n }, /at big but received bigint/],
      [cyc, /contains itself/],
      [{ 'a.b': torch.ones(1), a: { b: torch.ones(1) } }, /two tensors flatten to the same key "a.b"/],
      [{ x: [1, , 3] }, /hole at index 1/],
    ];
    for (const [obj, re] of cases) {
      expect(() => save(obj as never, p)).toThrow(torch.ArgumentError);
      expect(() => save(obj as never, p)).toThrow(re);
    }
    expect(() => save({ a: torch.ones(1) }, p, { metadata: { [STRUCTURE_KEY]: '{}' } })).toThrow(/reserved by kindling/);
    expect(fs.existsSync(p)).toBe(false);
  });

  test('a structure that names a tensor the file lacks is reported', () => {
    const p = path.join(dir, 'bad.safetensors');
    saveSafetensors({ a: torch.ones(1) }, p, { metadata: { [STRUCTURE_KEY]: '{"w":{"$tensor":"missing"}}' } });
    expect(() => load(p)).toThrow(SafetensorsError);
    expect(() => load(p)).toThrow(/refers to a tensor "missing" that the file does not hold/);
    saveSafetensors({}, p, { metadata: { [STRUCTURE_KEY]: '{"w":' } });
    expect(() => load(p)).toThrow(/metadata is not valid JSON/);
  });
});
