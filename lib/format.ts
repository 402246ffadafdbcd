/**
 * Tensor printing that reproduces PyTorch's `str(tensor)` character for character
 * (torch/_tensor_str.py: `_Formatter`, `_tensor_str_with_formatter`, `_vector_str`, `_add_suffixes`).
 */
import type { DType } from './dtype';

interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sciMode: boolean | null;
}

type Profile = 'default' | 'short' | 'full';

const PROFILES: Record<Profile, Omit<PrintOptions, 'sciMode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const opts: PrintOptions = { ...PROFILES.default, sciMode: null };

/**
 * Sets how tensors print, like `torch.set_printoptions`. As in PyTorch, `sciMode` is reset to
 * automatic (`null`) by every call that does not pass it, and `profile` applies before the other fields.
 *
 * @example
 * setPrintOptions({ precision: 2 });      // tensor([1.12, 2.50])
 * setPrintOptions({ threshold: 5 });      // tensor([0, 1, 2,  ..., 7, 8, 9])
 * setPrintOptions({ profile: 'default' }); // back to PyTorch's defaults
 */
export function setPrintOptions(o: {
  precision?: number;
  threshold?: number;
  edgeitems?: number;
  linewidth?: number;
  sciMode?: boolean | null;
  profile?: Profile;
}): void {
  if (o.profile !== undefined) {
    if (!(o.profile in PROFILES)) throw new TypeError(`setPrintOptions(): unknown profile '${o.profile}'`);
    Object.assign(opts, PROFILES[o.profile]);
  }
  if (o.precision !== undefined) opts.precision = o.precision;
  if (o.threshold !== undefined) opts.threshold = o.threshold;
  if (o.edgeitems !== undefined) opts.edgeitems = o.edgeitems;
  if (o.linewidth !== undefined) opts.linewidth = o.linewidth;
  opts.sciMode = o.sciMode ?? null;
}

// ---- Exact decimal conversion ------------------------------------------------------------------
// Python's '{:.Nf}' / '{:.Ne}' round the exact binary value half-to-even, while JS toFixed and
// toExponential round ties away from zero (2.5 -> '3', 0.03125 -> '0.0313') and toFixed switches to
// exponent form at 1e21. So digits are produced from the exact value with BigInt arithmetic.

const f64 = new DataView(new ArrayBuffer(8));

/** Splits a finite positive double into an exact mantissa and binary exponent: x = m * 2^e. */
function decompose(x: number): [bigint, number] {
  f64.setFloat64(0, x);
  const hi = f64.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  const m = (BigInt(hi & 0xfffff) << 32n) | BigInt(f64.getUint32(4));
  return biased === 0 ? [m, -1074] : [m | (1n << 52n), biased - 1075];
}

/** round(m * 2^e * 10^k) with ties to even. */
function scaledRound(m: bigint, e: number, k: number): bigint {
  let num = m;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  const q = num / den;
  const twice = 2n * (num % den);
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

const nonFinite = (x: number): string => (Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf');
// Python keeps the sign of -0.0 ('-0.0000'), which JS's toFixed drops.
const signOf = (x: number): string => (x < 0 || Object.is(x, -0) ? '-' : '');

/** Python's `'{:.<p>f}'.format(x)`. */
function toFixedPy(x: number, p: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const a = Math.abs(x);
  let digits = '0';
  if (a !== 0) {
    const [m, e] = decompose(a);
    digits = scaledRound(m, e, p).toString();
  }
  digits = digits.padStart(p + 1, '0');
  return signOf(x) + (p > 0 ? `${digits.slice(0, -p)}.${digits.slice(-p)}` : digits);
}

/** Python's `'{:.<p>e}'.format(x)`: exponent signed and at least two digits. */
function toExpPy(x: number, p: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const a = Math.abs(x);
  let exp = 0;
  let digits = '0'.repeat(p + 1);
  if (a !== 0) {
    const [m, e] = decompose(a);
    const lo = 10n ** BigInt(p);
    exp = Math.floor(Math.log10(a));
    // log10 can be off by one near powers of ten, and rounding can carry into a new digit (9.99995 -> 1.0000e+01).
    for (;;) {
      const n = scaledRound(m, e, p - exp);
      if (n >= lo * 10n) exp++;
      else if (n < lo) exp--;
      else {
        digits = n.toString();
        break;
      }
    }
  }
  const mant = p > 0 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const expStr = String(Math.abs(exp)).padStart(2, '0');
  return `${signOf(x)}${mant}e${exp < 0 ? '-' : '+'}${expStr}`;
}

// ---- _Formatter ----------------------------------------------------------------------------------

type Value = number | bigint;

interface Formatter {
  floating: boolean;
  intMode: boolean;
  sciMode: boolean;
  maxWidth: number;
}

function intStr(v: Value, dtype: DType): string {
  if (dtype === 'bool') return Number(v) !== 0 ? 'True' : 'False';
  return typeof v === 'bigint' ? v.toString() : String(Math.trunc(v));
}

/** Chooses one layout (integer-like, fixed or scientific) and column width for all shown values. */
function makeFormatter(vals: readonly Value[], dtype: DType): Formatter {
  const floating = dtype === 'float32' || dtype === 'float64';
  const f: Formatter = { floating, intMode: true, sciMode: false, maxWidth: 1 };
  const p = opts.precision;
  if (!floating) {
    for (const v of vals) f.maxWidth = Math.max(f.maxWidth, intStr(v, dtype).length);
    return f;
  }
  const nz = vals.map(Number).filter((v) => Number.isFinite(v) && v !== 0);
  // PyTorch returns before applying the sciMode option here, so all-zero tensors never go scientific.
  if (nz.length === 0) return f;
  let min = Infinity;
  let max = 0;
  for (const v of nz) {
    const a = Math.abs(v);
    if (a < min) min = a;
    if (a > max) max = a;
    if (!Number.isInteger(v)) f.intMode = false;
  }
  const widthOf = (fmt: (v: number) => string, extra = 0): number =>
    nz.reduce((w, v) => Math.max(w, fmt(v).length + extra), f.maxWidth);
  if (max / min > 1000 || max > 1e8 || (!f.intMode && min < 1e-4)) {
    f.sciMode = true;
    f.maxWidth = widthOf((v) => toExpPy(v, p));
  } else if (f.intMode) {
    f.maxWidth = widthOf((v) => toFixedPy(v, 0), 1); // + 1 for the trailing '.'
  } else {
    f.maxWidth = widthOf((v) => toFixedPy(v, p));
  }
  if (opts.sciMode !== null) f.sciMode = opts.sciMode;
  return f;
}

function formatValue(f: Formatter, v: Value, dtype: DType): string {
  let s: string;
  if (!f.floating) s = intStr(v, dtype);
  else {
    const x = Number(v);
    if (f.sciMode) s = toExpPy(x, opts.precision);
    else if (f.intMode) s = toFixedPy(x, 0) + (Number.isFinite(x) ? '.' : '');
    else s = toFixedPy(x, opts.precision);
  }
  return s.padStart(f.maxWidth, ' ');
}

// ---- Layout ---------------------------------------------------------------------------------------

/** Indices kept along a dimension of `size`; summarizing keeps `edgeitems` at each end. */
function shownIndices(size: number, summarize: boolean): { head: number[]; tail: number[] } {
  const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
  if (summarize && size > 2 * opts.edgeitems) {
    return { head: range(0, opts.edgeitems), tail: range(size - opts.edgeitems, size) };
  }
  return { head: range(0, size), tail: [] };
}

function tensorBody(values: ArrayLike<Value>, shape: readonly number[], dtype: DType, indent: number): string {
  const ndim = shape.length;
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel === 0) return '[]';
  const summarize = numel > opts.threshold;
  const strides: number[] = new Array<number>(ndim);
  for (let d = ndim - 1, s = 1; d >= 0; s *= shape[d], d--) strides[d] = s;

  // The formatter sees only the values that will be shown, as in get_summarized_data.
  const shown: Value[] = [];
  const gather = (d: number, off: number): void => {
    if (d === ndim) {
      shown.push(values[off]);
      return;
    }
    const { head, tail } = shownIndices(shape[d], summarize);
    for (const i of [...head, ...tail]) gather(d + 1, off + i * strides[d]);
  };
  gather(0, 0);
  const f = makeFormatter(shown, dtype);
  const fmt = (off: number): string => formatValue(f, values[off], dtype);

  const render = (d: number, off: number, ind: number): string => {
    const { head, tail } = shownIndices(shape[d], summarize);
    const hasGap = tail.length > 0;
    if (d === ndim - 1) {
      const items = head.map((i) => fmt(off + i));
      if (hasGap) items.push(' ...', ...tail.map((i) => fmt(off + i)));
      // Each element takes its width plus ', '; the row wraps to fit the line width.
      const perLine = Math.max(1, Math.floor((opts.linewidth - ind) / (f.maxWidth + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(ind + 1)}`)}]`;
    }
    const sub = (i: number): string => render(d + 1, off + i * strides[d], ind + 1);
    const slices = head.map(sub);
    if (hasGap) slices.push('...', ...tail.map(sub));
    // Deeper blocks are separated by more blank lines: one newline per remaining dimension.
    return `[${slices.join(`,${'\n'.repeat(ndim - d - 1)}${' '.repeat(ind + 1)}`)}]`;
  };
  return ndim === 0 ? fmt(0) : render(0, 0, indent);
}

/** Appends `, suffix` items, moving one to its own line when it would pass the line width. */
function addSuffixes(str: string, suffixes: readonly string[], indent: number): string {
  // Same arithmetic as PyTorch, including its +2 over the true last-line length.
  let lastLineLen = str.length - str.lastIndexOf('\n') + 1;
  let out = str;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > opts.linewidth) {
      out += `,\n${' '.repeat(indent)}${s}`;
      lastLineLen = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLineLen += s.length + 2;
    }
  }
  return `${out})`;
}

const PREFIX = 'tensor(';

function render(
  values: ArrayLike<Value>,
  shape: readonly number[],
  dtype: DType,
  leading: readonly string[],
  trailing: readonly string[],
): string {
  const numel = shape.reduce((a, b) => a * b, 1);
  const suffixes = [...leading];
  if (numel === 0) {
    // With no elements to show, the shape (unless 1-D) and any non-float32 dtype must be spelled out.
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(', ')})`);
    if (dtype !== 'float32') suffixes.push(`dtype=torch.${dtype}`);
  } else if (dtype !== 'float32' && dtype !== 'int64' && dtype !== 'bool') {
    // float32, int64 and bool are what torch.tensor() infers from Python data, so they go unmarked.
    suffixes.push(`dtype=torch.${dtype}`);
  }
  suffixes.push(...trailing);
  return addSuffixes(PREFIX + tensorBody(values, shape, dtype, PREFIX.length), suffixes, PREFIX.length);
}

/**
 * Prints row-major `values` of the given shape and dtype the way PyTorch prints a CPU tensor.
 * `suffixes` (e.g. `'requires_grad=True'`) follow the `dtype=` marker.
 *
 * @example
 * formatValues([0, 4, 8, 12], [4], 'float32');          // 'tensor([ 0.,  4.,  8., 12.])'
 * formatValues([1, 2], [2], 'float64', ['requires_grad=True']);
 * // 'tensor([1., 2.], dtype=torch.float64, requires_grad=True)'
 */
export function formatValues(
  values: ArrayLike<number | bigint>,
  shape: readonly number[],
  dtype: DType,
  suffixes: string[] = [],
): string {
  return render(values, shape, dtype, [], suffixes);
}

/**
 * PyTorch's `str(tensor)`: values, then `device=`, `dtype=`, and `grad_fn=<...>` or `requires_grad=True`.
 *
 * @example
 * formatTensor(x.mul(2)); // 'tensor([2., 4.], grad_fn=<MulBackward0>)'
 */
export function formatTensor(t: {
  shape: readonly number[];
  dtype: DType;
  _values(): ArrayLike<number | bigint>;
  requiresGrad: boolean;
  gradFn: { name: string } | null;
  isLeaf: boolean;
  device: { type: string; toString(): string };
}): string {
  const leading = t.device.type !== 'cpu' ? [`device='${t.device.toString()}'`] : [];
  const trailing = t.gradFn ? [`grad_fn=<${t.gradFn.name}>`] : t.requiresGrad ? ['requires_grad=True'] : [];
  return render(t._values(), t.shape, t.dtype, leading, trailing);
}
