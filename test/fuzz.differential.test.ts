// Differential fuzzing: random shapes, broadcasting pairs, views, dtypes and awkward values (NaN,
// ±Infinity, -0, float32 and float64 denormals) run through kindling and through the plain
// reference in test/support/reference.ts; forward values, dtypes, shapes and a handful of
// gradients must agree. Seeded and reproducible:
//   KINDLING_FUZZ_SEED=<n>   run with another seed (a failure prints the seed and a path to replay)
//   KINDLING_FUZZ_RUNS=<k>   multiply every property's run count (scripts/fuzz-long.js uses this)
// fast-check shrinks a failing case; the thrown message lists the shrunk shapes, views and values.
import fc from 'fast-check';
import * as torch from '../lib';
import { DType, KindlingError, Tensor } from '../lib';
import * as R from './support/reference';
import type { Ref } from './support/reference';

const SEED = Number(process.env.KINDLING_FUZZ_SEED ?? 0x6b696e64);
const MULT = Number(process.env.KINDLING_FUZZ_RUNS ?? 1);
fc.configureGlobal({ seed: SEED });
/** Run counts below add up to about 10,000 cases in the normal run. */
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * MULT)) });
jest.setTimeout(600_000 * Math.max(1, MULT));

const FLOATS: DType[] = ['float32', 'float64'];
const ALL: DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];

// ---- values --------------------------------------------------------------------------------------
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 5e-324, -5e-324, 2.2e-308, 1e-45, -1e-45, 1.2e-38, 1e-40, 3e38, -3e38, 1e30];
// 'moderate' keeps finite values small so that float32 vs float64 accumulation order (sums, products,
// matmul) cannot overflow differently; non-finite values and denormals stay in.
const SPECIAL_MODERATE = [NaN, Infinity, -Infinity, 0, -0, 5e-324, 1e-45, -1e-40, 0.5, -1.5];

function valueArb(dtype: DType, pool: 'wide' | 'moderate' | 'finite'): fc.Arbitrary<number> {
  if (dtype === 'bool') return fc.constantFrom(0, 1);
  // 'moderate' integers stay in [-2, 2] so that a product of 40 of them is exact in int64 and float64
  if (dtype === 'int64') return pool === 'wide' ? fc.integer({ min: -50, max: 50 }) : fc.integer({ min: -2, max: 2 });
  if (dtype === 'int32') {
    // the int32 extremes check two's-complement wrap-around in add/sub/mul/neg/abs
    return pool === 'wide' ? fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constantFrom(2147483647, -2147483648)) : fc.integer({ min: -2, max: 2 });
  }
  const specials = pool === 'wide' ? SPECIAL : pool === 'moderate' ? SPECIAL_MODERATE : [0, -0, 0.5, -1.5, 1e-3];
  const lim = pool === 'wide' ? 100 : 3;
  return fc.oneof(
    { arbitrary: fc.constantFrom(...specials), weight: 2 },
    { arbitrary: fc.integer({ min: -lim, max: lim }), weight: 2 },
    { arbitrary: fc.double({ min: -lim, max: lim, noNaN: true }), weight: 3 },
  );
}

// ---- shapes and views ----------------------------------------------------------------------------
const shapeArb = (maxDims = 4, maxSize = 5) => fc.array(fc.integer({ min: 0, max: maxSize }), { maxLength: maxDims });

/** How an operand of a given logical shape is made: contiguous, or a view of a differently shaped base. */
type Recipe =
  | { kind: 'contig' }
  | { kind: 'transpose'; i: number; j: number }
  | { kind: 'permute'; perm: number[] }
  | { kind: 'slice'; dim: number; start: number; step: number; extra: number }
  | { kind: 'expand'; ones: boolean[]; drop: number };

function recipeArb(shape: number[]): fc.Arbitrary<Recipe> {
  const n = shape.length;
  const options: fc.Arbitrary<Recipe>[] = [fc.constant({ kind: 'contig' as const })];
  if (n >= 2) {
    options.push(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })).map(([i, j]) => ({ kind: 'transpose' as const, i, j })));
    const idx = shape.map((_, d) => d);
    options.push(fc.shuffledSubarray(idx, { minLength: n, maxLength: n }).map((perm) => ({ kind: 'permute' as const, perm })));
  }
  if (n >= 1) {
    options.push(
      fc.record({ dim: fc.integer({ min: 0, max: n - 1 }), start: fc.integer({ min: 0, max: 2 }), step: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 0, max: 2 }) }).map((r) => ({ kind: 'slice' as const, ...r })),
      fc.record({ ones: fc.array(fc.boolean(), { minLength: n, maxLength: n }), drop: fc.integer({ min: 0, max: n }) }).map((r) => ({ kind: 'expand' as const, ...r })),
    );
  }
  return fc.oneof(...options);
}

/** The contiguous base shape a recipe starts from, and the strides/offset of the view into it. */
function layout(shape: number[], r: Recipe): { base: number[]; strides: number[]; offset: number } {
  switch (r.kind) {
    case 'contig':
      return { base: shape, strides: R.contiguousStrides(shape), offset: 0 };
    case 'transpose': {
      const base = [...shape];
      [base[r.i], base[r.j]] = [base[r.j], base[r.i]];
      const st = R.contiguousStrides(base);
      const strides = [...st];
      [strides[r.i], strides[r.j]] = [st[r.j], st[r.i]];
      return { base, strides, offset: 0 };
    }
    case 'permute': {
      const base: number[] = [];
      r.perm.forEach((p, k) => (base[p] = shape[k]));
      const st = R.contiguousStrides(base);
      return { base, strides: r.perm.map((p) => st[p]), offset: 0 };
    }
    case 'slice': {
      const base = [...shape];
      base[r.dim] = r.start + (shape[r.dim] > 0 ? (shape[r.dim] - 1) * r.step + 1 : 0) + r.extra;
      const st = R.contiguousStrides(base);
      const strides = st.map((s, d) => (d === r.dim ? s * r.step : s));
      return { base, strides, offset: numelOk(base) ? r.start * st[r.dim] : 0 };
    }
    case 'expand': {
      const base = shape.slice(r.drop).map((s, d) => (r.ones[d + r.drop] ? 1 : s));
      const st = R.contiguousStrides(base);
      return { base, strides: shape.map((_, d) => (d < r.drop || base[d - r.drop] === 1 ? 0 : st[d - r.drop])), offset: 0 };
    }
  }
}
const numelOk = (s: number[]) => R.numel(s) > 0;

/** One generated operand: its dtype, logical shape, recipe and the base's values. */
interface Operand {
  dtype: DType;
  shape: number[];
  recipe: Recipe;
  base: number[];
}

function operandArb(shape: number[], dtypes: DType[], pool: 'wide' | 'moderate' | 'finite' = 'wide'): fc.Arbitrary<Operand> {
  return fc.tuple(fc.constantFrom(...dtypes), recipeArb(shape)).chain(([dtype, recipe]) =>
    fc.array(valueArb(dtype, pool), { minLength: R.numel(layout(shape, recipe).base), maxLength: R.numel(layout(shape, recipe).base) }).map((base) => ({ dtype, shape, recipe, base })),
  );
}

/** Builds the kindling tensor through the recipe's view op, and its reference. */
function build(o: Operand, requiresGrad = false): { t: Tensor; leaf: Tensor; ref: Ref; lay: ReturnType<typeof layout> } {
  const lay = layout(o.shape, o.recipe);
  const vals = o.dtype === 'bool' ? o.base.map((v) => v !== 0) : o.base;
  const leaf = torch.tensor(vals as number[], { dtype: o.dtype }).reshape(lay.base);
  if (requiresGrad) leaf.requiresGrad_(true);
  const r = o.recipe;
  let t: Tensor;
  if (r.kind === 'contig') t = leaf;
  else if (r.kind === 'transpose') t = leaf.transpose(r.i, r.j);
  else if (r.kind === 'permute') t = leaf.permute(r.perm);
  else if (r.kind === 'expand') t = leaf.expand(o.shape);
  else {
    const stop = r.start + (o.shape[r.dim] > 0 ? (o.shape[r.dim] - 1) * r.step + 1 : 0);
    t = leaf.index([...Array(r.dim).fill(torch.slice()), torch.slice(r.start, stop, r.step)]);
  }
  const ref = R.strided(R.make(o.dtype, lay.base, o.base), o.shape, lay.strides, lay.offset);
  return { t, leaf, ref, lay };
}

/** A shape that broadcasts with s (a suffix of s with some dims set to 1), or rarely any shape. */
const partnerArb = (s: number[]) =>
  fc.oneof(
    { arbitrary: fc.tuple(fc.integer({ min: 0, max: s.length }), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length })).map(([drop, ones]) => s.slice(drop).map((v, d) => (ones[d + drop] ? 1 : v))), weight: 9 },
    { arbitrary: shapeArb(), weight: 1 },
  );
const pairArb = (dtypes: DType[], pool: 'wide' | 'moderate' | 'finite' = 'wide') =>
  shapeArb().chain((s) => fc.tuple(partnerArb(s), fc.boolean()).chain(([p, swap]) => fc.tuple(operandArb(swap ? p : s, dtypes, pool), operandArb(swap ? s : p, dtypes, pool))));

// ---- comparison ----------------------------------------------------------------------------------
interface Tol {
  rtol: number;
  atol: number;
  /** per-element magnitude the tolerance scales with (accumulations); defaults to |expected| */
  scale?: number[];
  /** -0 and 0 must match (only where IEEE defines the sign exactly) */
  signedZero?: boolean;
}
const EXACT: Tol = { rtol: 0, atol: 0, signedZero: true };

const fmt = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
function describeOps(ops: Operand[], extra = ''): string {
  return ops.map((o, i) => `  input ${i}: ${o.dtype} shape [${o.shape}] via ${JSON.stringify(o.recipe)} base values ${JSON.stringify(o.base.map(fmt))}`).join('\n') + (extra ? `\n  ${extra}` : '');
}

/** Null when got matches the reference; otherwise what differs. NaN matches NaN; infinities exactly. */
function mismatch(got: Tensor, exp: Ref, tol: Tol): string | null {
  if (got.dtype !== exp.dtype) return `dtype ${got.dtype}, expected ${exp.dtype}`;
  if (got.shape.length !== exp.shape.length || got.shape.some((s, i) => s !== exp.shape[i])) return `shape [${got.shape}], expected [${exp.shape}]`;
  const g = Array.from(got._values() as ArrayLike<number | bigint>, Number);
  for (let i = 0; i < exp.data.length; i++) {
    const a = g[i];
    const b = exp.data[i];
    let ok: boolean;
    if (Number.isNaN(b)) ok = Number.isNaN(a);
    // finite terms whose |sum| overflows make the result depend on summation order: any result will do
    // (non-finite terms are left out of scale, so results they decide are still checked exactly)
    else if (tol.scale && !Number.isFinite(tol.scale[i])) ok = true;
    else if (!Number.isFinite(b) || tol.rtol + tol.atol === 0) ok = a === b && (!tol.signedZero || Object.is(a, b));
    else ok = Math.abs(a - b) <= tol.atol + tol.rtol * (tol.scale ? tol.scale[i] : Math.abs(b));
    if (!ok) return `value at flat index ${i}: got ${fmt(a)}, expected ${fmt(b)}\n  got      ${JSON.stringify(g.slice(0, 30).map(fmt))}\n  expected ${JSON.stringify(exp.data.slice(0, 30).map(fmt))}`;
  }
  return null;
}

/**
 * Runs fn in a tidy scope and checks it against the reference: 'error' means kindling must throw a
 * typed KindlingError; anything else must match.
 */
function check(what: string, ops: Operand[], exp: Ref | 'error', fn: () => Tensor, tol: Tol): void {
  torch.tidy(() => {
    let got: Tensor;
    try {
      got = fn();
    } catch (e) {
      if (exp === 'error' && e instanceof KindlingError) return;
      throw new Error(`${what}: threw ${(e as Error).constructor.name}: ${(e as Error).message}\n${describeOps(ops)}`);
    }
    if (exp === 'error') throw new Error(`${what}: expected a KindlingError, got a ${got.dtype} tensor of shape [${got.shape}]\n${describeOps(ops)}`);
    const m = mismatch(got, exp, tol);
    if (m) throw new Error(`${what}: ${m}\n${describeOps(ops)}`);
  });
}

// float tolerances: + - * / are correctly rounded in both dtypes, so binary arithmetic is exact;
// transcendentals differ between libm's float/double routines and V8's by a few ulps.
const MATH_TOL: Record<DType, Tol> = {
  float32: { rtol: 2e-6, atol: 1e-44 }, // ~16 float32 ulps; atol = a few float32 denormal steps
  float64: { rtol: 1e-14, atol: 1e-320 }, // ~40 float64 ulps
  int32: EXACT,
  int64: EXACT,
  bool: EXACT,
};
/**
 * kindling's sigmoid is 1 / (1 + exp(-x)), as PyTorch's CPU kernel: below x = -88.72 (float32) or
 * -709.78 (float64) exp(-x) overflows and the result is 0 instead of a denormal. Accepted as an
 * absolute error below the smallest normal number (reported, not treated as a bug).
 */
const SIGMOID_TOL: Record<DType, Tol> = { ...MATH_TOL, float32: { rtol: 2e-6, atol: 1.2e-38 }, float64: { rtol: 1e-14, atol: 2.3e-308 } };
/** Accumulations (sum, mean, prod, matmul): error grows with the sum of |terms| and with n. */
const ACC_RTOL: Record<string, number> = { float32: 1e-4, float64: 1e-12 };
const ACC_ATOL: Record<string, number> = { float32: 1e-38, float64: 1e-300 };
const accTol = (dtype: DType, scale: number[]): Tol => (R.isFloat(dtype) ? { rtol: ACC_RTOL[dtype], atol: ACC_ATOL[dtype], scale } : EXACT);

// ---- properties ----------------------------------------------------------------------------------
const UNARY_OPS: R.UnaryOp[] = ['neg', 'abs', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'sin', 'floor', 'relu', 'square'];
// relu/abs: the sign of a zero result is not pinned down by PyTorch either. neg is exact but its
// zero sign is left out here: see the skipped 'BUG: neg(0.) gives +0' test below.
const UNARY_EXACT = new Set<R.UnaryOp>(['floor', 'square']);

describe(`differential fuzz (seed ${SEED}, runs x${MULT})`, () => {
  test('unary elementwise ops on views, all dtypes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...UNARY_OPS), shapeArb().chain((s) => operandArb(s, ALL)), (op, o) => {
        const { t, ref } = build(o);
        const exp = R.unary(op, ref);
        const tol = exp === 'error' ? EXACT : UNARY_EXACT.has(op) ? EXACT : op === 'abs' || op === 'relu' || op === 'neg' ? { ...EXACT, signedZero: false } : op === 'sigmoid' ? SIGMOID_TOL[exp.dtype] : MATH_TOL[exp.dtype];
        check(op, [o], exp, () => (torch as unknown as Record<string, (x: Tensor) => Tensor>)[op](t), tol);
      }),
      runs(2000),
    );
  });

  test('binary arithmetic with broadcasting and type promotion', () => {
    const ops: R.BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
    fc.assert(
      fc.property(fc.constantFrom(...ops), pairArb(ALL), (op, [a, b]) => {
        const x = build(a);
        const y = build(b);
        const exp = R.binary(op, x.ref, y.ref);
        check(op, [a, b], exp, () => (torch as unknown as Record<string, (p: Tensor, q: Tensor) => Tensor>)[op](x.t, y.t), { ...EXACT, signedZero: op !== 'maximum' && op !== 'minimum' });
      }),
      runs(2000),
    );
  });

  test('comparisons and where', () => {
    const cmps: R.CompareOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
    fc.assert(
      fc.property(fc.constantFrom(...cmps), pairArb(ALL), (op, [a, b]) => {
        const x = build(a);
        const y = build(b);
        check(op, [a, b], R.binary(op, x.ref, y.ref), () => (torch as unknown as Record<string, (p: Tensor, q: Tensor) => Tensor>)[op](x.t, y.t), EXACT);
      }),
      runs(1200),
    );
    fc.assert(
      fc.property(pairArb(ALL), fc.integer({ min: 0, max: 4 }), ([a, b], cdrop) => {
        const x = build(a);
        const y = build(b);
        // the condition has a's shape minus up to cdrop leading dims, and bool values from a
        const c: Operand = { dtype: 'bool', shape: a.shape.slice(Math.min(cdrop, a.shape.length)), recipe: { kind: 'contig' }, base: [] };
        c.base = Array.from({ length: R.numel(c.shape) }, (_, i) => (i * 7 + cdrop) % 3 === 0 ? 1 : 0);
        const cc = build(c);
        check('where', [c, a, b], R.where(cc.ref, x.ref, y.ref), () => torch.where(cc.t, x.t, y.t), { ...EXACT, signedZero: true });
      }),
      runs(800),
    );
  });

  test('reductions over dims with keepdim', () => {
    const ops: R.ReduceOp[] = ['sum', 'mean', 'prod', 'amax', 'amin'];
    const arb = fc.constantFrom(...ops).chain((op) =>
      // prod: at most 40 elements of |x| <= 3, so neither float32 nor float64 overflows midway
      (op === 'prod' ? shapeArb().filter((s) => R.numel(s) <= 40) : shapeArb()).chain((s) =>
        fc.tuple(fc.constant(op), operandArb(s, ALL, 'moderate'), fc.subarray(s.map((_, d) => d)), fc.boolean(), fc.boolean()),
      ),
    );
    fc.assert(
      fc.property(arb, ([op, o, dims, keepdim, negative]) => {
        const { t, ref } = build(o);
        const r = R.reduce(op, ref, dims, keepdim);
        // dims are passed as negative numbers half of the time; [] means "all dims" only when omitted
        const passed = dims.map((d) => (negative ? d - o.shape.length : d));
        const call = () => (dims.length === 0 ? (t[op] as (d?: number[], k?: boolean) => Tensor).call(t, undefined, keepdim) : (t[op] as (d: number[], k: boolean) => Tensor).call(t, passed, keepdim));
        if (r === 'error') return check(op, [o], 'error', call, EXACT);
        const tol = op === 'amax' || op === 'amin' ? { ...EXACT, signedZero: false } : accTol(r.out.dtype, op === 'mean' ? r.scale.map((v) => v / Math.max(1, R.numel(ref.shape) / Math.max(1, R.numel(r.out.shape)))) : r.scale);
        check(`${op}(dims=[${passed}], keepdim=${keepdim})`, [o], r.out, call, tol);
      }),
      runs(1500),
    );
  });

  test('matmul of small matrices and vectors', () => {
    const dims = fc.record({ n: fc.integer({ min: 0, max: 5 }), k: fc.integer({ min: 0, max: 5 }), m: fc.integer({ min: 0, max: 5 }), av: fc.boolean(), bv: fc.boolean() });
    const arb = fc.tuple(dims, fc.constantFrom(...FLOATS)).chain(([d, dt]) =>
      fc.tuple(operandArb(d.av ? [d.k] : [d.n, d.k], [dt], 'moderate'), operandArb(d.bv ? [d.k] : [d.k, d.m], [dt], 'moderate')),
    );
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const x = build(a);
        const y = build(b);
        const r = R.matmul(x.ref, y.ref);
        if (r === 'error') return check('matmul', [a, b], 'error', () => torch.matmul(x.t, y.t), EXACT);
        check('matmul', [a, b], r.out, () => torch.matmul(x.t, y.t), accTol(r.out.dtype, r.scale));
      }),
      runs(1000),
    );
  });

  test('cat and stack of views with mixed dtypes', () => {
    const arb = shapeArb(4, 4)
      .filter((s) => s.length > 0)
      .chain((s) =>
        fc.tuple(fc.integer({ min: 0, max: s.length - 1 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }), fc.boolean()).chain(([dim, sizes, isStack]) =>
          fc.tuple(fc.constant(dim), fc.constant(isStack), fc.tuple(...sizes.map((n) => operandArb(isStack ? s : s.map((v, d) => (d === dim ? n : v)), ALL)))),
        ),
      );
    fc.assert(
      fc.property(arb, ([dim, isStack, ops]) => {
        // kindling's cat drops 1-D empty parts before promoting: see the skipped BUG test below
        fc.pre(isStack || !ops.some((o) => o.shape.length === 1 && o.shape[0] === 0));
        const built = ops.map((o) => build(o));
        const refs = built.map((b) => b.ref);
        const ts = built.map((b) => b.t);
        if (isStack) check(`stack(dim=${dim})`, ops, R.stack(refs, dim), () => torch.stack(ts, dim), EXACT);
        else check(`cat(dim=${dim})`, ops, R.cat(refs, dim), () => torch.cat(ts, dim), EXACT);
      }),
      runs(1000),
    );
  });

  // Bugs the fuzzer found, now fixed (PyTorch's answer in the name).
  test("neg(0.) is -0. and neg(-0.) is 0. (was +0 for both)", () => {
    const v = Array.from(torch.tensor([0, -0], { dtype: 'float64' }).neg()._values() as Float64Array);
    expect(Object.is(v[0], -0) && Object.is(v[1], 0)).toBe(true);
  });
  test("cat promotes over a skipped 1-D empty part: cat([zeros([0]), int32]) is float32 (was int32)", () => {
    expect(torch.cat([torch.zeros([0]), torch.tensor([1], { dtype: 'int32' })]).dtype).toBe('float32');
  });

  describe('gradients (float64, finite inputs; views are differentiated back to their base)', () => {
    /** Upstream gradient values: fixed, varied and exactly representable. */
    const upstream = (shape: number[], salt: number): Ref => R.make('float64', shape, Array.from({ length: R.numel(shape) }, (_, i) => (((i * 7 + salt) % 11) - 5) / 4));
    /** The gradient of a view, accumulated back onto its contiguous base (the view's backward). */
    const toBase = (g: Ref, lay: ReturnType<typeof layout>): Ref => {
      const out = new Array(R.numel(lay.base)).fill(0);
      let k = 0;
      R.forEachIndex(g.shape, (idx) => (out[lay.offset + idx.reduce((a, i, d) => a + i * lay.strides[d], 0)] += g.data[k++]));
      return R.make('float64', lay.base, out);
    };
    // float64 gradients are summed (broadcasting, expanded views) in another order than here: the
    // error bound scales with the sum of |terms|, given as a reference of the same shape
    const gradTol = (absSum: Ref): Tol => ({ rtol: 1e-10, atol: 1e-300, scale: absSum.data });
    const gradOf = (leaf: Tensor): Tensor => leaf.grad ?? torch.zeros([...leaf.shape], { dtype: 'float64' });

    test('add, mul, div with broadcasting', () => {
      fc.assert(
        fc.property(fc.constantFrom('add', 'mul', 'div'), pairArb(['float64'], 'finite'), fc.nat(10), (op, [a, b], salt) => {
          const x = build(a, true);
          const y = build(b, true);
          const shape = R.broadcastShape(a.shape, b.shape);
          fc.pre(shape !== null);
          const g = upstream(shape!, salt);
          const A = R.broadcastTo(x.ref, shape!).data;
          const B = R.broadcastTo(y.ref, shape!).data;
          const ga = g.data.map((v, i) => (op === 'add' ? v : op === 'mul' ? v * B[i] : v / B[i]));
          const gb = g.data.map((v, i) => (op === 'add' ? v : op === 'mul' ? v * A[i] : -(v * A[i]) / (B[i] * B[i])));
          const fn = (torch as unknown as Record<string, (p: Tensor, q: Tensor) => Tensor>)[op];
          fn(x.t, y.t).backward(torch.tensor(g.data, { dtype: 'float64' }).reshape(shape!));
          const back = (v: number[], o: Operand, lay: ReturnType<typeof layout>) => toBase(R.sumToShape(R.make('float64', shape!, v), o.shape), lay);
          const abs = (v: number[]) => v.map((t) => (Number.isFinite(t) ? Math.abs(t) : 0));
          check(`grad a of ${op}`, [a, b], back(ga, a, x.lay), () => gradOf(x.leaf), gradTol(back(abs(ga), a, x.lay)));
          check(`grad b of ${op}`, [a, b], back(gb, b, y.lay), () => gradOf(y.leaf), gradTol(back(abs(gb), b, y.lay)));
        }),
        runs(700),
      );
    });

    test('exp, tanh, sum, mean', () => {
      const arb = fc.tuple(fc.constantFrom('exp', 'tanh', 'sum', 'mean'), shapeArb().chain((s) => fc.tuple(operandArb(s, ['float64'], 'finite'), fc.subarray(s.map((_, d) => d)), fc.boolean())), fc.nat(10));
      fc.assert(
        fc.property(arb, ([op, [o, dims, keepdim], salt]) => {
          const x = build(o, true);
          let exp: Ref;
          if (op === 'exp' || op === 'tanh') {
            const g = upstream(o.shape, salt);
            x.t[op]().backward(torch.tensor(g.data, { dtype: 'float64' }).reshape(o.shape));
            // d/dx e^x = e^x; d/dx tanh x = 1 - tanh^2 x
            exp = R.make('float64', o.shape, g.data.map((v, i) => (op === 'exp' ? v * Math.exp(x.ref.data[i]) : v * (1 - Math.tanh(x.ref.data[i]) ** 2))));
          } else {
            const red = x.t[op as 'sum' | 'mean'].bind(x.t);
            const y = dims.length === 0 ? red() : red(dims, keepdim);
            const g = upstream([...y.shape], salt);
            y.backward(torch.tensor(g.data, { dtype: 'float64' }).reshape([...y.shape]));
            // every input element receives its group's upstream value (divided by the group size for mean)
            const kept = o.shape.map((s, d) => (dims.length === 0 || dims.includes(d) ? 1 : s));
            const n = R.numel(o.shape) / Math.max(1, R.numel(kept)) || 1;
            const gb = R.broadcastTo(R.make('float64', kept, g.data), o.shape);
            exp = R.make('float64', o.shape, gb.data.map((v) => (op === 'mean' ? v / n : v)));
          }
          check(`grad of ${op}`, [o], toBase(exp, x.lay), () => gradOf(x.leaf), gradTol(toBase(R.make('float64', exp.shape, exp.data.map((t) => (Number.isFinite(t) ? Math.abs(t) : 0))), x.lay)));
        }),
        runs(700),
      );
    });

    test('matmul (2-D)', () => {
      const arb = fc.record({ n: fc.integer({ min: 0, max: 4 }), k: fc.integer({ min: 0, max: 4 }), m: fc.integer({ min: 0, max: 4 }), salt: fc.nat(10) }).chain((d) =>
        fc.tuple(fc.constant(d), operandArb([d.n, d.k], ['float64'], 'finite'), operandArb([d.k, d.m], ['float64'], 'finite')),
      );
      fc.assert(
        fc.property(arb, ([d, a, b]) => {
          const x = build(a, true);
          const y = build(b, true);
          const g = upstream([d.n, d.m], d.salt);
          torch.matmul(x.t, y.t).backward(torch.tensor(g.data, { dtype: 'float64' }).reshape([d.n, d.m]));
          // dA = G Bᵀ, dB = Aᵀ G
          const ga = R.matmul(g, R.t2(y.ref));
          const gb = R.matmul(R.t2(x.ref), g);
          if (ga === 'error' || gb === 'error') throw new Error('reference matmul refused its own shapes');
          check('grad a of matmul', [a, b], toBase(ga.out, x.lay), () => gradOf(x.leaf), gradTol(toBase(R.make('float64', ga.out.shape, ga.scale), x.lay)));
          check('grad b of matmul', [a, b], toBase(gb.out, y.lay), () => gradOf(y.leaf), gradTol(toBase(R.make('float64', gb.out.shape, gb.scale), y.lay)));
        }),
        runs(400),
      );
    });
  });
});
