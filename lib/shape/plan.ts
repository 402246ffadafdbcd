/**
 * The planner: turns an iteration shape and per-operand (strides, offset) into the compact plan
 * native kernels take: [ndim, nops, shape..., (offset, strides...) * nops]. Size-1 dims are
 * dropped and adjacent dims merged wherever every operand allows it, so a pointwise op over
 * contiguous or broadcast-row data reaches native as one flat loop (PyTorch's TensorIterator does
 * the same coalescing).
 */
export interface Layout {
  readonly strides: readonly number[];
  readonly offset: number;
}

export const SCALAR: Layout = { strides: [], offset: 0 };

const scratch = new Float64Array(2 + 16 + 6 * 17);
const shp: number[] = [];
const st: number[][] = [[], [], [], [], [], []];

/** Builds a coalesced plan into a shared scratch buffer, valid until the next plan is built. */
export function plan(shape: readonly number[], ops: readonly Layout[]): Float64Array {
  const nops = ops.length;
  let nd = 0;
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    if (nd > 0 && size !== 0) {
      // merge into the previous kept dim when every operand is contiguous across the pair
      let ok = shp[nd - 1] !== 0;
      for (let k = 0; k < nops && ok; k++) {
        const s = ops[k].strides.length ? (ops[k].strides[d] ?? 0) : 0;
        ok = st[k][nd - 1] === s * size;
      }
      if (ok) {
        shp[nd - 1] *= size;
        for (let k = 0; k < nops; k++) st[k][nd - 1] = ops[k].strides.length ? (ops[k].strides[d] ?? 0) : 0;
        continue;
      }
    }
    shp[nd] = size;
    for (let k = 0; k < nops; k++) st[k][nd] = ops[k].strides.length ? (ops[k].strides[d] ?? 0) : 0;
    nd++;
  }
  if (nd > 16) throw new RangeError('kindling supports at most 16 non-trivial dimensions per operation');
  scratch[0] = nd;
  scratch[1] = nops;
  let q = 2;
  for (let d = 0; d < nd; d++) scratch[q++] = shp[d];
  for (let k = 0; k < nops; k++) {
    scratch[q++] = ops[k].offset;
    for (let d = 0; d < nd; d++) scratch[q++] = st[k][d];
  }
  return scratch;
}

/** A plan with no coalescing (dims kept as given), for kernels that treat dims by position. */
export function rawPlan(shape: readonly number[], ops: readonly Layout[]): Float64Array {
  const nd = shape.length;
  if (nd > 16) throw new RangeError('kindling supports at most 16 dimensions per operation');
  const out = new Float64Array(2 + nd + ops.length * (1 + nd));
  out[0] = nd;
  out[1] = ops.length;
  let q = 2;
  for (let d = 0; d < nd; d++) out[q++] = shape[d];
  for (const o of ops) {
    out[q++] = o.offset;
    for (let d = 0; d < nd; d++) out[q++] = o.strides[d] ?? 0;
  }
  return out;
}
