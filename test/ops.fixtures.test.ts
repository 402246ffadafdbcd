// Checks kindling's ops (forward values and dtypes, gradients, grad_fn names) against PyTorch
// results recorded by scripts/fixtures/ops.py (see that file for the case format). The expression
// tree of each case is evaluated here exactly as the Python script evaluated it with torch.
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib';
import { Tensor } from '../lib';
import { TensorFx, Tolerance, expectClose, fromFixture } from './helpers';

type Expr = null | number | string | boolean | Expr[] | { [k: string]: unknown };

interface Case {
  name: string;
  op: string;
  expr: Expr;
  inputs: TensorFx[];
  outputs: TensorFx[];
  grad?: {
    upstream: (TensorFx | null)[];
    inputs: (TensorFx | null)[];
    gradFn: (string | null)[];
  };
}

const cases: Case[] = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'ops.json'), 'utf8'));

// PyTorch 1.13 names kindling intentionally does not follow (kindling uses current PyTorch's).
const GRAD_FN_ALIASES: Record<string, string> = {
  ReshapeAliasBackward0: 'ViewBackward0',
};

type Fn = (...args: unknown[]) => unknown;
const torchFns = torch as unknown as Record<string, Fn>;

function specItems(spec: unknown, ins: Tensor[]): torch.IndexSpec {
  if (typeof spec === 'string') return spec;
  return (spec as Expr[]).map((it): torch.IndexItem => {
    if (it === '...' || it === null || typeof it === 'number') return it as torch.IndexItem;
    const o = it as { [k: string]: unknown };
    if ('slice' in o) {
      const [a, b, c] = o.slice as (number | null)[];
      return torch.slice(a, b, c);
    }
    return evaluate(it, ins) as Tensor;
  });
}

/** Every tensor an expression returned, in order (tuples and {values, indices} flattened). */
function flatOutputs(r: unknown): Tensor[] {
  if (r instanceof Tensor) return [r];
  if (Array.isArray(r)) return r.flatMap(flatOutputs);
  if (r && typeof r === 'object' && 'values' in r && 'indices' in r) {
    const o = r as { values: Tensor; indices: Tensor };
    return [o.values, o.indices];
  }
  throw new Error(`expression returned ${String(r)}`);
}

function evaluate(e: Expr | unknown, ins: Tensor[]): unknown {
  if (Array.isArray(e)) return e.map((x) => evaluate(x, ins));
  if (e === null || typeof e !== 'object') return e;
  const o = e as { [k: string]: unknown };
  if ('in' in o) return ins[o.in as number];
  if ('num' in o) return Number(String(o.num).replace('inf', 'Infinity'));
  if ('call' in o) {
    const f = torchFns[o.call as string];
    if (typeof f !== 'function') throw new Error(`torch.${o.call} is not a function`);
    return f(...(o.args as Expr[]).map((a) => evaluate(a, ins)));
  }
  if ('m' in o) {
    const self = evaluate(o.self, ins) as Tensor;
    const f = (self as unknown as Record<string, Fn>)[o.m as string];
    if (typeof f !== 'function') throw new Error(`Tensor.${o.m} is not a method`);
    const args = (o.args as Expr[]).map((a) => evaluate(a, ins));
    // Python keyword arguments become kindling's trailing options object (var/std: { correction, keepdim })
    if (o.kw) args.push(o.kw);
    return f.apply(self, args);
  }
  if ('idx' in o) return (evaluate(o.self, ins) as Tensor).index(specItems(o.idx, ins));
  if ('set' in o) {
    const y = (evaluate(o.self, ins) as Tensor).clone();
    return y.set(specItems(o.set, ins), evaluate(o.value, ins) as Tensor | number | boolean);
  }
  if ('pick' in o) return flatOutputs(evaluate(o.of, ins))[o.pick as number];
  throw new Error(`unknown expression ${JSON.stringify(e)}`);
}

function forwardTol(c: Case, dtype: string): Tolerance {
  if (dtype === 'float64') return { rtol: 1e-10, atol: 1e-12 };
  // float32: transcendentals (and their compositions) get 1e-5 absolute slack
  return c.op === 'unary' || c.op === 'binary' || c.op === 'binary-scalar' || c.op === 'binary-promote'
    ? { rtol: 1e-5, atol: 1e-5 }
    : { rtol: 1e-5, atol: 1e-6 };
}
const GRAD_TOL: Tolerance = { rtol: 1e-5, atol: 1e-10 };

function checkOutputs(c: Case, outs: Tensor[]): void {
  if (outs.length !== c.outputs.length) throw new Error(`expected ${c.outputs.length} outputs, got ${outs.length}`);
  c.outputs.forEach((exp, i) => expectClose(outs[i], exp, forwardTol(c, exp.dtype), `output ${i}`));
}

const groups = new Map<string, Case[]>();
for (const c of cases) {
  const key = c.grad ? 'grad' : c.op;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key)!.push(c);
}

for (const [group, list] of groups) {
  describe(group, () => {
    for (const c of list) {
      if (!c.grad) {
        test(c.name, () => {
          const ins = c.inputs.map((fx) => fromFixture(fx, false));
          const snapshot = ins.map((t) => t.clone());
          checkOutputs(c, flatOutputs(evaluate(c.expr, ins)));
          // inputs must not be modified by out-of-place ops (set works on a clone)
          c.inputs.forEach((fx, i) => expectClose(ins[i], fx, { rtol: 0, atol: 0 }, `input ${i} after the op`));
          snapshot.forEach((s) => s.dispose());
        });
        continue;
      }
      const g = c.grad;
      test(`${c.name}: values and gradients`, () => {
        const ins = c.inputs.map((fx) => fromFixture(fx));
        const outs = flatOutputs(evaluate(c.expr, ins));
        checkOutputs(c, outs);
        const roots: Tensor[] = [];
        const ups: Tensor[] = [];
        g.upstream.forEach((u, i) => {
          if (u) {
            roots.push(outs[i]);
            ups.push(fromFixture(u, false));
          }
        });
        torch.autograd.backward(roots, ups);
        g.inputs.forEach((exp, i) => {
          if (exp === null) {
            if (ins[i].grad !== null) throw new Error(`input ${i}: expected no gradient, got one`);
          } else {
            expectClose(ins[i].grad, exp, GRAD_TOL, `gradient of input ${i}`);
          }
        });
      });
      test(`${c.name}: gradFn names`, () => {
        const ins = c.inputs.map((fx) => fromFixture(fx));
        const outs = flatOutputs(evaluate(c.expr, ins));
        const got = outs.map((o) => o.gradFn?.name ?? null);
        const want = g.gradFn.map((n) => (n !== null && n in GRAD_FN_ALIASES ? GRAD_FN_ALIASES[n] : n));
        expect(got).toEqual(want);
      });
    }
  });
}
