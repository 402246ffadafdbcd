/** The typed surface of kindling.node (see native/binding/dispatch.cc for argument order). */
export interface Binding {
  alloc(nbytes: number, zero?: boolean): ArrayBuffer;
  emptyCache(): void;
  free(buf: ArrayBuffer): void;
  opTable(): { unary: string[]; binary: string[]; reduce: string[] };
  info(): { blas: string; threads: number; cuda: boolean };
  setNumThreads(n: number): void;
  unary(op: number, dtype: number, plan: Float64Array, input: ArrayBuffer, out: ArrayBuffer): void;
  clamp(dtype: number, plan: Float64Array, input: ArrayBuffer, out: ArrayBuffer, lo: number | null, hi: number | null): void;
  binary(op: number, dtype: number, plan: Float64Array, a: ArrayBuffer | number, b: ArrayBuffer | number, out: ArrayBuffer): void;
  copy(dtIn: number, dtOut: number, plan: Float64Array, input: ArrayBuffer | number, out: ArrayBuffer): void;
  where(dtype: number, plan: Float64Array, cond: ArrayBuffer, a: ArrayBuffer | number, b: ArrayBuffer | number, out: ArrayBuffer): void;
  reduce(op: number, dtype: number, plan: Float64Array, nouter: number, input: ArrayBuffer, out: ArrayBuffer, scale: number): void;
  scan(op: number, dtype: number, plan: Float64Array, len: number, strideOut: number, strideIn: number, input: ArrayBuffer, out: ArrayBuffer): void;
  matmul(dtype: number, plan: Float64Array, dims: Float64Array, a: ArrayBuffer, b: ArrayBuffer, out: ArrayBuffer): void;
  gather(dtype: number, plan: Float64Array, idx: ArrayBuffer[], meta: Float64Array, input: ArrayBuffer, out: ArrayBuffer): number | null;
  scatter(dtype: number, plan: Float64Array, idx: ArrayBuffer[], meta: Float64Array, src: ArrayBuffer, out: ArrayBuffer, accumulate: boolean): number | null;
  nonzero(dtype: number, plan: Float64Array, input: ArrayBuffer, coords?: ArrayBuffer): number;
  random(kind: number, dtype: number, out: ArrayBuffer, n: number, seedHi: number, seedLo: number, offset: number, a: number, b: number): void;
}
