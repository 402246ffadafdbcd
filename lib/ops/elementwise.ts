/**
 * Pointwise ops: unary math, binary arithmetic and comparisons with broadcasting and PyTorch's type
 * promotion, clamp, where, and in-place variants. Each op's gradient rule sits beside it.
 */
import { record, wouldRecord } from '../autograd/node';
import * as K from '../backend/kernels';
import { DType, floatResult, isFloating, promoteTypes, resultType } from '../dtype';
import { AutogradError, DTypeError, KindlingError, ShapeError, argError } from '../errors';
import { broadcastShapes, sameShape } from '../shape/shape';
import { Tensor, TensorOrScalar, allocOutput, allocTensor } from '../tensor';
import { noGrad } from '../autograd/mode';
import { cast } from './convert';
import { clone } from './movement';

type Rule = (g: Tensor, x: Tensor, y: Tensor) => Tensor;

function asNumber(v: TensorOrScalar, fn: string): number | Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw argError(fn, 'a Tensor or a number', v);
}

// ---- unary -----------------------------------------------------------------------------------

interface UnaryDef {
  /** float-only math: integer and bool inputs compute in float32, as PyTorch */
  float?: boolean;
  grad: string;
  /** gradient from output gradient g, input x, output y; absent: zero gradient (floor, sign) */
  rule?: Rule;
  saveOut?: boolean;
}

const UNARY: Record<string, UnaryDef> = {
  neg: { grad: 'NegBackward0', rule: (g) => neg(g) },
  abs: { grad: 'AbsBackward0', rule: (g, x) => mul(g, sign(x)) },
  sign: { grad: 'SignBackward0' },
  floor: { grad: 'FloorBackward0' },
  ceil: { grad: 'CeilBackward0' },
  round: { grad: 'RoundBackward0' },
  trunc: { grad: 'TruncBackward0' },
  square: { grad: 'PowBackward0', rule: (g, x) => mul(g, mul(x, 2)) },
  exp: { float: true, grad: 'ExpBackward0', rule: (g, _x, y) => mul(g, y), saveOut: true },
  log: { float: true, grad: 'LogBackward0', rule: (g, x) => div(g, x) },
  log2: { float: true, grad: 'Log2Backward0', rule: (g, x) => div(g, mul(x, Math.LN2)) },
  log1p: { float: true, grad: 'Log1PBackward0', rule: (g, x) => div(g, add(x, 1)) },
  expm1: { float: true, grad: 'Expm1Backward0', rule: (g, _x, y) => mul(g, add(y, 1)), saveOut: true },
  sqrt: { float: true, grad: 'SqrtBackward0', rule: (g, _x, y) => div(g, mul(y, 2)), saveOut: true },
  rsqrt: { float: true, grad: 'RsqrtBackward0', rule: (g, _x, y) => mul(g, mul(pow(y, 3), -0.5)), saveOut: true },
  reciprocal: { float: true, grad: 'ReciprocalBackward0', rule: (g, _x, y) => mul(g, neg(square(y))), saveOut: true },
  sin: { float: true, grad: 'SinBackward0', rule: (g, x) => mul(g, cos(x)) },
  cos: { float: true, grad: 'CosBackward0', rule: (g, x) => mul(g, neg(sin(x))) },
  tan: { float: true, grad: 'TanBackward0', rule: (g, _x, y) => mul(g, add(square(y), 1)), saveOut: true },
  tanh: { float: true, grad: 'TanhBackward0', rule: (g, _x, y) => mul(g, rsub(square(y), 1)), saveOut: true },
  sigmoid: { float: true, grad: 'SigmoidBackward0', rule: (g, _x, y) => mul(g, mul(y, rsub(y, 1))), saveOut: true },
  relu: { grad: 'ReluBackward0', rule: (g, _x, y) => mul(g, gt(y, 0)), saveOut: true },
};

function unary(op: string, x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw argError(op, 'a Tensor', x);
  const def = UNARY[op];
  // bool inputs: sign keeps bool, square computes in int64 (PyTorch's promotions)
  if (x.dtype === 'bool' && op === 'sign') return cast(x, 'bool').clone();
  if (x.dtype === 'bool' && op === 'square') return unary(op, cast(x, 'int64'));
  if (x.dtype === 'bool' && !def.float) {
    throw new DTypeError(`${op}: not implemented for bool tensors (received dtype bool); cast with .int() or .float() first`);
  }
  const dt = def.float ? floatResult(x.dtype) : x.dtype;
  const src = cast(x, dt);
  const out = allocOutput(x.shape, dt, x.device);
  K.unary(op, src, out);
  if (!wouldRecord(x)) return out;
  const rule = def.rule;
  if (!rule) return record(def.grad, [x], out, (g) => [zerosLikeOf(g)]);
  // save only what the rule reads: the output (exp, sqrt, tanh, ...) or the input
  if (def.saveOut) return record(def.grad, [x], out, (g, s) => [rule(g, s[0], s[0])], [out]);
  return record(def.grad, [x], out, (g, s) => [rule(g, s[0], s[0])], [x]);
}

function zerosLikeOf(g: Tensor): Tensor {
  const z = allocTensor(g.shape, g.dtype, g.device);
  return z;
}

export const neg = (x: Tensor) => unary('neg', x);
export const abs = (x: Tensor) => unary('abs', x);
export const sign = (x: Tensor) => unary('sign', x);
export const floor = (x: Tensor) => unary('floor', x);
export const ceil = (x: Tensor) => unary('ceil', x);
export const round = (x: Tensor) => unary('round', x);
export const trunc = (x: Tensor) => unary('trunc', x);
export const square = (x: Tensor) => unary('square', x);
export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const log2 = (x: Tensor) => unary('log2', x);
export const log1p = (x: Tensor) => unary('log1p', x);
export const expm1 = (x: Tensor) => unary('expm1', x);
export const sqrt = (x: Tensor) => unary('sqrt', x);
export const rsqrt = (x: Tensor) => unary('rsqrt', x);
export const reciprocal = (x: Tensor) => unary('reciprocal', x);
export const sin = (x: Tensor) => unary('sin', x);
export const cos = (x: Tensor) => unary('cos', x);
export const tan = (x: Tensor) => unary('tan', x);
export const tanh = (x: Tensor) => unary('tanh', x);
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
export const relu = (x: Tensor) => unary('relu', x);

export function logicalNot(x: Tensor): Tensor {
  const out = allocOutput(x.shape, 'bool', x.device);
  K.unary('logical_not', cast(x, 'bool'), out);
  return out;
}

// ---- binary ----------------------------------------------------------------------------------

interface BinaryDef {
  grad: string;
  rules?: [Rule | null, Rule | null];
  /** which operands the rules read: saved as [a, b] */
  save?: boolean;
}

type Operand = Tensor | number;

/** Runs a binary kernel in dtype `dt` on operands broadcast together. */
function launch(op: string, a: Operand, b: Operand, dt: DType, outDt: DType): Tensor {
  const ta = a instanceof Tensor ? a : null;
  const tb = b instanceof Tensor ? b : null;
  K.checkDevices(op, ta, tb);
  const shape = ta && tb ? broadcastShapes(ta.shape, tb.shape, op) : (ta ?? tb)!.shape;
  const out = allocOutput(shape, outDt, (ta ?? tb)!.device);
  K.binary(op, dt, typeof a === 'number' ? a : cast(a, dt), typeof b === 'number' ? b : cast(b, dt), out);
  return out;
}

function binary(op: string, a: TensorOrScalar, b: TensorOrScalar, def: BinaryDef | null, kind: 'arith' | 'div' | 'cmp' = 'arith'): Tensor {
  const x = asNumber(a, op);
  const y = asNumber(b, op);
  if (!(x instanceof Tensor) && !(y instanceof Tensor)) throw argError(op, 'at least one Tensor operand', a);
  let dt = resultType([x, y]);
  if (kind === 'div') dt = floatResult(dt);
  if (kind === 'arith' && dt === 'bool' && op !== 'maximum' && op !== 'minimum') {
    if (op === 'add' || op === 'mul') dt = 'bool';
    else throw new DTypeError(`${op}: not supported for bool tensors; use logicalXor / logicalNot or cast first`);
  }
  let out: Tensor;
  if (dt === 'bool' && (op === 'add' || op === 'mul' || op === 'maximum' || op === 'minimum')) {
    // bool arithmetic is logical: add/maximum = or, mul/minimum = and
    const lop = op === 'add' || op === 'maximum' ? 'logical_or' : 'logical_and';
    return launch(lop, x, y, 'bool', 'bool');
  }
  out = launch(op, x, y, dt, kind === 'cmp' ? 'bool' : dt);
  if (!def || kind === 'cmp' || !wouldRecord(x, y)) return out;
  return recordBinary(def, x, y, out);
}

function recordBinary(def: BinaryDef, x: Operand, y: Operand, out: Tensor): Tensor {
  const xt = x instanceof Tensor ? x : null;
  const yt = y instanceof Tensor ? y : null;
  const [ra, rb] = def.rules!;
  // saved: the tensor operands only; JS numbers travel in ctx
  const saved = def.save ? [xt, yt].filter((t): t is Tensor => t !== null) : [];
  return record(
    def.grad,
    [xt, yt],
    out,
    (g, s, node) => {
      const av = xt ? s[0] : node.ctx.a;
      const bv = yt ? s[xt ? 1 : 0] : node.ctx.b;
      return [xt && ra ? ra(g, av as Tensor, bv as Tensor) : null, yt && rb ? rb(g, av as Tensor, bv as Tensor) : null];
    },
    saved,
    { a: xt ? null : x, b: yt ? null : y },
  );
}

// Binary rules receive (g, a, b) where a or b may be a JS number (stored in ctx).
const R = <T>(f: (g: Tensor, a: any, b: any) => T) => f as unknown as Rule;

const ADD: BinaryDef = { grad: 'AddBackward0', rules: [R((g) => g), R((g) => g)] };
const SUB: BinaryDef = { grad: 'SubBackward0', rules: [R((g) => g), R((g) => neg(g))] };
const MUL: BinaryDef = { grad: 'MulBackward0', rules: [R((g, _a, b) => mul(g, b)), R((g, a) => mul(g, a))], save: true };
const DIV: BinaryDef = {
  grad: 'DivBackward0',
  rules: [R((g, _a, b) => div(g, b)), R((g, a, b) => neg(div(mul(g, a), mul(b, b))))],
  save: true,
};
const POW: BinaryDef = {
  grad: 'PowBackward1',
  rules: [
    // d/da a^b = b * a^(b-1), taken as 0 where b == 0 (PyTorch's convention)
    R((g, a, b) => (typeof b === 'number' ? (b === 0 ? mul(g, 0) : mul(g, mul(pow(a, b - 1), b))) : mul(g, where(eq(b, 0), 0, mul(b, pow(a, sub(b, 1))))))),
    // d/db a^b = a^b * log(a), taken as 0 where a == 0 and b >= 0
    R((g, a, b) => {
      const r = mul(pow(a, b), typeof a === 'number' ? Math.log(a) : log(a));
      return mul(g, typeof a === 'number' ? r : where(logicalAnd(eq(a, 0), ge(b, 0)), 0, r));
    }),
  ],
  save: true,
};
const MAXIMUM: BinaryDef = {
  grad: 'MaximumBackward0',
  // ties split the gradient in half, as PyTorch
  rules: [R((g, a, b) => mul(g, add(gt(a, b), mul(eq(a, b), 0.5)))), R((g, a, b) => mul(g, add(lt(a, b), mul(eq(a, b), 0.5))))],
  save: true,
};
const MINIMUM: BinaryDef = {
  grad: 'MinimumBackward0',
  rules: [R((g, a, b) => mul(g, add(lt(a, b), mul(eq(a, b), 0.5)))), R((g, a, b) => mul(g, add(gt(a, b), mul(eq(a, b), 0.5))))],
  save: true,
};
const ATAN2: BinaryDef = {
  grad: 'Atan2Backward0',
  rules: [
    R((g, a, b) => mul(g, div(b, add(mul(a, a), mul(b, b))))),
    R((g, a, b) => mul(g, div(neg(a), add(mul(a, a), mul(b, b))))),
  ],
  save: true,
};

/**
 * a + alpha * b with broadcasting.
 * @example torch.tensor([1, 2, 4, 8]).add(torch.tensor([2, 2, 2, 2])) // tensor([ 3.,  4.,  6., 10.])
 */
export function add(a: TensorOrScalar, b: TensorOrScalar, opts?: { alpha?: number }): Tensor {
  const alpha = opts?.alpha ?? 1;
  return binary('add', a, alpha === 1 ? b : mul(b as Tensor, alpha), ADD);
}
export function sub(a: TensorOrScalar, b: TensorOrScalar, opts?: { alpha?: number }): Tensor {
  const alpha = opts?.alpha ?? 1;
  if (typeof a === 'number' && b instanceof Tensor) return rsub(b, a);
  return binary('sub', a, alpha === 1 ? b : mul(b as Tensor, alpha), SUB);
}
/** other - x (PyTorch's rsub). */
export function rsub(x: Tensor, other: number): Tensor {
  const out = binary('sub', other, x, null);
  if (!wouldRecord(x)) return out;
  return record('RsubBackward1', [x], out, (g) => [neg(g)]);
}
export const mul = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('mul', a, b, MUL);
export function div(a: TensorOrScalar, b: TensorOrScalar, opts?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
  const mode = opts?.roundingMode ?? null;
  if (mode === null) {
    if (typeof a === 'number' && b instanceof Tensor) return mul(reciprocal(b), a);
    return binary('div', a, b, DIV, 'div');
  }
  if (mode !== 'trunc' && mode !== 'floor') throw argError('div', "roundingMode 'trunc', 'floor' or null", mode);
  const dt = resultType([asNumber(a, 'div'), asNumber(b, 'div')]);
  if (isFloating(dt)) return mode === 'floor' ? floor(div(a, b)) : trunc(div(a, b));
  const bt = asNumber(b, 'div');
  if (typeof bt === 'number' ? bt === 0 : bt.eq(0).any().item()) throw new KindlingError('ZeroDivisionError: integer division by zero');
  if (mode === 'floor') return binary('div', a, b, null);
  return cast(trunc(div(cast(asNumber(a, 'div') as Tensor, 'float64'), typeof bt === 'number' ? bt : cast(bt, 'float64'))), dt);
}
export function pow(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) {
    if (b === 2 && !wouldRecord(a)) return square(a);
    return binary('pow', a, b, { ...POW, grad: 'PowBackward0' });
  }
  return binary('pow', a, b, POW);
}
export const maximum = (a: Tensor, b: Tensor): Tensor => binary('maximum', a, b, MAXIMUM);
export const minimum = (a: Tensor, b: Tensor): Tensor => binary('minimum', a, b, MINIMUM);
export const atan2 = (a: Tensor, b: Tensor): Tensor => binary('atan2', a, b, ATAN2, 'div');
/** Python-style remainder: the result has the sign of the divisor. */
export function remainder(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const x = asNumber(a, 'remainder');
  const y = asNumber(b, 'remainder');
  // computed as fmod plus a correction where the signs differ, outside the graph
  const out = noGrad(() => {
    const r = binary('fmod', x, y, null);
    const fix = logicalAnd(ne(r, 0), ne(lt(r, 0), typeof y === 'number' ? y < 0 : lt(y, 0)));
    return where(fix, add(r, y), r);
  });
  if (!wouldRecord(x, y)) return out;
  const def: BinaryDef = { grad: y instanceof Tensor ? 'RemainderBackward1' : 'RemainderBackward0', rules: [R((g) => g), R((g, p, q) => neg(mul(g, floor(div(p, q)))))], save: true };
  return recordBinary(def, x, y, out);
}
export const fmod = (a: TensorOrScalar, b: TensorOrScalar): Tensor =>
  binary('fmod', a, b, { grad: b instanceof Tensor ? 'FmodBackward1' : 'FmodBackward0', rules: [R((g) => g), R((g, x, y) => neg(mul(g, trunc(div(x, y)))))], save: true });

export const eq = (a: TensorOrScalar, b: TensorOrScalar) => binary('eq', a, b, null, 'cmp');
export const ne = (a: TensorOrScalar, b: TensorOrScalar) => binary('ne', a, b, null, 'cmp');
export const lt = (a: TensorOrScalar, b: TensorOrScalar) => binary('lt', a, b, null, 'cmp');
export const le = (a: TensorOrScalar, b: TensorOrScalar) => binary('le', a, b, null, 'cmp');
export const gt = (a: TensorOrScalar, b: TensorOrScalar) => binary('gt', a, b, null, 'cmp');
export const ge = (a: TensorOrScalar, b: TensorOrScalar) => binary('ge', a, b, null, 'cmp');
export const logicalAnd = (a: TensorOrScalar, b: TensorOrScalar) => binary('logical_and', a, b, null, 'cmp');
export const logicalOr = (a: TensorOrScalar, b: TensorOrScalar) => binary('logical_or', a, b, null, 'cmp');
export const logicalXor = (a: TensorOrScalar, b: TensorOrScalar) => binary('logical_xor', a, b, null, 'cmp');

// ---- clamp and where ---------------------------------------------------------------------------

/** Limits x to [min, max]; either bound may be null. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo === null && hi === null) throw new KindlingError("clamp: at least one of 'min' or 'max' must not be null");
  for (const v of [lo, hi]) if (v !== null && typeof v !== 'number') throw argError('clamp', 'a number or null bound', v);
  let dt = x.dtype;
  if (!isFloating(dt) && ((lo !== null && !Number.isInteger(lo)) || (hi !== null && !Number.isInteger(hi)))) dt = 'float32';
  if (dt === 'bool') dt = 'int64';
  const src = cast(x, dt);
  const out = allocOutput(x.shape, dt, x.device);
  K.clamp(src, out, lo, hi);
  if (!wouldRecord(x)) return out;
  return record(
    'ClampBackward1',
    [x],
    out,
    (g, s) => {
      let m: Tensor | null = null;
      if (lo !== null) m = ge(s[0], lo);
      if (hi !== null) m = m ? logicalAnd(m, le(s[0], hi)) : le(s[0], hi);
      return [mul(g, m!)];
    },
    [x],
  );
}

/**
 * Elementwise choice: a where condition holds, else b (broadcasting all three).
 * @example torch.where(x.gt(0), x, 0)
 */
export function where(condition: Tensor, a: TensorOrScalar, b: TensorOrScalar, name = 'WhereBackward0'): Tensor {
  if (!(condition instanceof Tensor)) throw argError('where', 'a bool condition Tensor', condition);
  if (condition.dtype !== 'bool') throw new DTypeError(`where: expected condition to be a bool tensor, but got a tensor with dtype ${condition.dtype}`);
  const x = asNumber(a, 'where');
  const y = asNumber(b, 'where');
  K.checkDevices('where', condition, x instanceof Tensor ? x : null, y instanceof Tensor ? y : null);
  const dt = resultType([x, y]);
  let shape = condition.shape as number[];
  if (x instanceof Tensor) shape = broadcastShapes(shape, x.shape, 'where');
  if (y instanceof Tensor) shape = broadcastShapes(shape, y.shape, 'where');
  const out = allocOutput(shape, dt, condition.device);
  K.where(condition, typeof x === 'number' ? x : cast(x, dt), typeof y === 'number' ? y : cast(y, dt), out);
  if (!wouldRecord(x, y)) return out;
  return record(
    name,
    [x instanceof Tensor ? x : null, y instanceof Tensor ? y : null],
    out,
    (g, s) => [x instanceof Tensor ? where(s[0], g, 0) : null, y instanceof Tensor ? where(s[0], 0, g) : null],
    [condition],
  );
}

/** x with value where mask holds, in x's dtype (torch.masked_fill). */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorOrScalar): Tensor {
  if (!(x instanceof Tensor)) throw argError('maskedFill', 'a Tensor', x);
  const v = value instanceof Tensor ? value : asNumber(value, 'maskedFill');
  if (v instanceof Tensor && v.dim() !== 0) throw new ShapeError(`masked_fill only supports a 0-dimensional value tensor, but got tensor with ${v.dim()} dimension(s).`);
  return cast(where(mask, v, x, 'MaskedFillBackward0'), x.dtype);
}

// ---- in place ----------------------------------------------------------------------------------

const CAN_CAST: Record<DType, DType[]> = {
  float64: ['float64', 'float32', 'int64', 'int32', 'bool'],
  float32: ['float64', 'float32', 'int64', 'int32', 'bool'],
  int64: ['int64', 'int32', 'bool'],
  int32: ['int64', 'int32', 'bool'],
  bool: ['bool'],
};

/**
 * Runs an in-place op: fn computes the new value out of place from `src`, which is self or, when
 * autograd records, a recorded clone of self (so rules that saved the old value stay valid, as
 * PyTorch's saved original_self), then the result is written back into self's storage.
 * @internal
 */
export function inplaceOp<T extends Tensor>(self: T, others: readonly unknown[], fn: (src: Tensor) => Tensor): T {
  const rec = wouldRecord(self, ...others.map((o) => (o instanceof Tensor ? o : null)));
  if (rec && self.isLeaf && self.requiresGrad) {
    throw new AutogradError('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  return inplace(self, fn(rec ? clone(self) : self), '');
}

/**
 * Writes `result` (computed out of place) into `self`'s storage, keeping storage identity, and
 * makes self the output of result's autograd node (PyTorch's in-place rebase).
 * @internal
 */
export function inplace<T extends Tensor>(self: T, result: Tensor, _name: string): T {
  if (!sameShape(broadcastShapes(self.shape, result.shape, 'in-place'), self.shape)) {
    throw new ShapeError(`output with shape [${self.shape}] doesn't match the broadcast shape [${result.shape}]`);
  }
  if (!CAN_CAST[self.dtype].includes(result.dtype)) {
    throw new DTypeError(`result type ${result.dtype} can't be cast to the desired output type ${self.dtype}`);
  }
  const recording = result.gradFn !== null;
  if (recording) {
    if (self.isLeaf && self.requiresGrad) {
      throw new AutogradError('a leaf Variable that requires grad is being used in an in-place operation.');
    }
    if (self._base && (self._base.requiresGrad || self.requiresGrad)) {
      throw new AutogradError('in-place operations on views of tensors that require grad are not supported; use the out-of-place op instead');
    }
  }
  K.copy(result, self);
  self._storage.version++;
  if (recording) {
    self._setGradFn(result.gradFn);
  } else if (result !== self) {
    result.dispose();
  }
  return self;
}

/** Fills self with a value in place. */
export function fill_<T extends Tensor>(self: T, value: TensorOrScalar): T {
  const v = asNumber(value, 'fill_');
  if (v instanceof Tensor && v.numel() !== 1) throw new ShapeError(`fill_ only supports 0-dimension value tensor but got tensor with ${v.dim()} dimensions`);
  if (self.requiresGrad && self.isLeaf && wouldRecord(self)) {
    throw new AutogradError('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  K.copy(v instanceof Tensor ? (v.item() as number) * 1 : v, self);
  self._storage.version++;
  if (self.gradFn && wouldRecord(self)) self._setGradFn(record('FillBackward0', [self], clone(self), (g) => [mul(g, 0)]).gradFn);
  return self;
}

/** Copies src (broadcast, cast) into self in place. */
export function copy_<T extends Tensor>(self: T, src: Tensor): T {
  if (!(src instanceof Tensor)) throw argError('copy_', 'a Tensor', src);
  K.checkDevices('copy_', self, src);
  broadcastShapes(self.shape, src.shape, 'copy_');
  if (!sameShape(broadcastShapes(self.shape, src.shape, 'copy_'), self.shape)) {
    throw new ShapeError(`copy_: source of shape [${src.shape}] cannot be broadcast to [${self.shape}]`);
  }
  if (wouldRecord(self, src)) {
    const moved = record('CopyBackwards', [src], cast(src.expand(self.shape as number[]), self.dtype).clone(), (g) => [g]);
    return inplace(self, moved, 'CopyBackwards');
  }
  K.copy(src, self);
  self._storage.version++;
  return self;
}

export { promoteTypes };
