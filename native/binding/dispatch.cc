// JS-facing wrappers, one per op family: unpack and check arguments, check every operand's plan
// against its buffer, then run the CPU kernel. Nothing here holds JS values across threads.
#include "dispatch.h"

#include <string>
#include <vector>

#include "../include/kernels.h"
#include "../include/parallel.h"
#include "args.h"

namespace kd {
namespace {

int64_t capacity(const Buf& b, int dt) { return b.bytes / dtype_size(dt); }

Napi::Array names(Napi::Env env, const std::vector<const char*>& v) {
  auto a = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) a.Set(uint32_t(i), Napi::String::New(env, v[i]));
  return a;
}

}  // namespace

Napi::Value OpTable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto t = Napi::Object::New(env);
  t.Set("unary", names(env, {
#define KD_UNARY(name, kind, expr) #name,
#include "../include/ops.def"
  }));
  t.Set("binary", names(env, {
#define KD_BINARY(name, kind, expr) #name,
#include "../include/ops.def"
  }));
  t.Set("reduce", names(env, {
#define KD_REDUCE(name) #name,
#include "../include/ops.def"
  }));
  return t;
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto o = Napi::Object::New(env);
  o.Set("blas", blas_name());
  o.Set("threads", num_threads());
  o.Set("cuda", false);
  return o;
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int n = arg_int(info, 0, "thread count");
  if (n < 1 || n > 1024) throw Error("kindling: thread count must be between 1 and 1024");
  set_num_threads(n);
  blas_set_threads(n);
  return info.Env().Undefined();
}

// unary(op, dtype, plan, in, out)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  int op = arg_int(info, 0, "op"), dt = arg_dtype(info, 1);
  if (op < 0 || op >= U_COUNT || !unary_supports(op, dt)) throw Error("kindling: unary op not defined for this dtype");
  Plan p = arg_plan(info, 2, 2);
  Buf in = arg_buf(info, 3, "input"), out = arg_buf(info, 4, "output");
  check_operand(p, 0, capacity(out, dt), "output");
  check_operand(p, 1, capacity(in, dt), "input");
  cpu_unary(op, dt, p, out.data, in.data);
  return info.Env().Undefined();
}

// clamp(dtype, plan, in, out, lo|null, hi|null)
Napi::Value Clamp(const Napi::CallbackInfo& info) {
  int dt = arg_dtype(info, 0);
  Plan p = arg_plan(info, 1, 2);
  Buf in = arg_buf(info, 2, "input"), out = arg_buf(info, 3, "output");
  check_operand(p, 0, capacity(out, dt), "output");
  check_operand(p, 1, capacity(in, dt), "input");
  double lo = 0, hi = 0;
  bool hl = info.Length() > 4 && info[4].IsNumber(), hh = info.Length() > 5 && info[5].IsNumber();
  if (hl) lo = info[4].As<Napi::Number>().DoubleValue();
  if (hh) hi = info[5].As<Napi::Number>().DoubleValue();
  cpu_clamp(dt, p, out.data, in.data, hl ? &lo : nullptr, hh ? &hi : nullptr);
  return info.Env().Undefined();
}

// binary(op, dtype, plan, a|number, b|number, out)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  int op = arg_int(info, 0, "op"), dt = arg_dtype(info, 1);
  if (op < 0 || op >= B_COUNT) throw Error("kindling: unknown binary op");
  int odt = binary_out_dtype(op, dt);
  Plan p = arg_plan(info, 2, 3);
  alignas(8) char sa[8], sb[8];
  Operand a = arg_operand(info, 3, dt, sa, "a"), b = arg_operand(info, 4, dt, sb, "b");
  Buf out = arg_buf(info, 5, "output");
  check_operand(p, 0, capacity(out, odt), "output");
  check_operand(p, 1, a.capacity, "a");
  check_operand(p, 2, b.capacity, "b");
  cpu_binary(op, dt, p, out.data, a.data, b.data);
  return info.Env().Undefined();
}

// copy(dtypeIn, dtypeOut, plan, in|number, out): strided copy with dtype conversion (or fill)
Napi::Value Copy(const Napi::CallbackInfo& info) {
  int di = arg_dtype(info, 0), dout = arg_dtype(info, 1);
  Plan p = arg_plan(info, 2, 2);
  alignas(8) char s[8];
  Operand in = arg_operand(info, 3, di, s, "input");
  Buf out = arg_buf(info, 4, "output");
  check_operand(p, 0, capacity(out, dout), "output");
  check_operand(p, 1, in.capacity, "input");
  cpu_copy(di, dout, p, out.data, in.data);
  return info.Env().Undefined();
}

// where(dtype, plan, cond, a|number, b|number, out)
Napi::Value Where(const Napi::CallbackInfo& info) {
  int dt = arg_dtype(info, 0);
  Plan p = arg_plan(info, 1, 4);
  Buf cond = arg_buf(info, 2, "condition");
  alignas(8) char sa[8], sb[8];
  Operand a = arg_operand(info, 3, dt, sa, "a"), b = arg_operand(info, 4, dt, sb, "b");
  Buf out = arg_buf(info, 5, "output");
  check_operand(p, 0, capacity(out, dt), "output");
  check_operand(p, 1, cond.bytes, "condition");
  check_operand(p, 2, a.capacity, "a");
  check_operand(p, 3, b.capacity, "b");
  cpu_where(dt, p, out.data, cond.data, a.data, b.data);
  return info.Env().Undefined();
}

// reduce(op, dtype, plan, nouter, in, out, scale)
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  int op = arg_int(info, 0, "op"), dt = arg_dtype(info, 1);
  if (op < 0 || op >= R_COUNT) throw Error("kindling: unknown reduction");
  Plan p = arg_plan(info, 2, 2);
  int nouter = arg_int(info, 3, "kept dim count");
  if (nouter < 0 || nouter > p.ndim) throw Error("kindling: bad kept dim count");
  for (int d = nouter; d < p.ndim; ++d)
    if (p.strides[0][d] != 0) throw Error("kindling: reduced dims must have output stride 0");
  Buf in = arg_buf(info, 4, "input"), out = arg_buf(info, 5, "output");
  double scale = arg_double(info, 6, "scale");
  int odt = reduce_out_dtype(op, dt);
  check_operand(p, 0, capacity(out, odt), "output");
  check_operand(p, 1, capacity(in, dt), "input");
  if (dt == BOOL && (op == R_sum || op == R_prod || op == R_max || op == R_min)) {
    // bool sums count, bool max/min are any/all: callers cast to int64 first
    throw Error("kindling: cast bool tensors before this reduction");
  }
  cpu_reduce(op, dt, p, nouter, out.data, in.data, scale);
  return info.Env().Undefined();
}

// scan(op, dtype, plan, len, strideOut, strideIn, in, out)
Napi::Value Scan(const Napi::CallbackInfo& info) {
  int op = arg_int(info, 0, "op"), dt = arg_dtype(info, 1);
  if (op < 0 || op >= S_COUNT) throw Error("kindling: unknown scan");
  if (dt == BOOL) throw Error("kindling: cast bool tensors before a scan");
  Plan p = arg_plan(info, 2, 2);
  int64_t len = int64_t(arg_double(info, 3, "length"));
  int64_t so = int64_t(arg_double(info, 4, "output stride")), si = int64_t(arg_double(info, 5, "input stride"));
  if (len < 0) throw Error("kindling: negative scan length");
  Buf in = arg_buf(info, 6, "input"), out = arg_buf(info, 7, "output");
  int odt = (dt == F32 || dt == F64) ? dt : int(I64);
  // check the full layouts (plan dims plus the scanned dim)
  int64_t shape[kMaxDims + 1], st[kMaxDims + 1];
  for (int d = 0; d < p.ndim; ++d) { shape[d] = p.shape[d]; st[d] = p.strides[0][d]; }
  shape[p.ndim] = len;
  st[p.ndim] = so;
  check_layout(p.ndim + 1, shape, st, p.offset[0], capacity(out, odt), "output");
  for (int d = 0; d < p.ndim; ++d) st[d] = p.strides[1][d];
  st[p.ndim] = si;
  check_layout(p.ndim + 1, shape, st, p.offset[1], capacity(in, dt), "input");
  cpu_scan(op, dt, p, len, so, si, out.data, in.data);
  return info.Env().Undefined();
}

// matmul(dtype, plan, dims Float64Array[m,n,k,a_rs,a_cs,b_rs,b_cs,c_rs,c_cs], a, b, c)
Napi::Value Matmul(const Napi::CallbackInfo& info) {
  int dt = arg_dtype(info, 0);
  Plan p = arg_plan(info, 1, 3);
  if (!info[2].IsTypedArray()) throw Error("kindling: expected matmul dims");
  auto dims = info[2].As<Napi::Float64Array>();
  if (dims.ElementLength() != 9) throw Error("kindling: expected 9 matmul dims");
  MatmulDims d{int64_t(dims[0]), int64_t(dims[1]), int64_t(dims[2]), int64_t(dims[3]), int64_t(dims[4]),
               int64_t(dims[5]), int64_t(dims[6]), int64_t(dims[7]), int64_t(dims[8])};
  if (d.m < 0 || d.n < 0 || d.k < 0) throw Error("kindling: negative matmul size");
  Buf a = arg_buf(info, 3, "a"), b = arg_buf(info, 4, "b"), c = arg_buf(info, 5, "out");
  // extend the batch plan with the two matrix dims to check each operand's whole reach
  auto check = [&](int k, int64_t r, int64_t cdim, int64_t rs, int64_t cs, const Buf& buf, const char* what) {
    int64_t shape[kMaxDims + 2], st[kMaxDims + 2];
    for (int i = 0; i < p.ndim; ++i) { shape[i] = p.shape[i]; st[i] = p.strides[k][i]; }
    shape[p.ndim] = r; st[p.ndim] = rs;
    shape[p.ndim + 1] = cdim; st[p.ndim + 1] = cs;
    check_layout(p.ndim + 2, shape, st, p.offset[k], capacity(buf, dt), what);
  };
  check(0, d.m, d.n, d.c_rs, d.c_cs, c, "output");
  check(1, d.m, d.k, d.a_rs, d.a_cs, a, "a");
  check(2, d.k, d.n, d.b_rs, d.b_cs, b, "b");
  cpu_matmul(dt, p, d, c.data, a.data, b.data);
  return info.Env().Undefined();
}

namespace {
// Shared by gather and scatter: index operands are int64 buffers; strides/sizes per index.
struct IndexArgs {
  std::vector<const char*> idx;
  std::vector<int64_t> strides, sizes;
};

IndexArgs index_args(const Napi::CallbackInfo& info, size_t at, const Plan& p, int first_op) {
  if (!info[at].IsArray()) throw Error("kindling: expected an array of index buffers");
  auto arr = info[at].As<Napi::Array>();
  auto meta = info[at + 1];
  if (!meta.IsTypedArray()) throw Error("kindling: expected index strides and sizes");
  auto m = meta.As<Napi::Float64Array>();
  IndexArgs r;
  uint32_t n = arr.Length();
  if (int(n) + first_op != p.nops || m.ElementLength() != 2 * n) throw Error("kindling: index operand count mismatch");
  for (uint32_t k = 0; k < n; ++k) {
    Napi::Value v = arr.Get(k);
    if (!v.IsArrayBuffer()) throw Error("kindling: index must be an int64 buffer");
    auto ab = v.As<Napi::ArrayBuffer>();
    const char* data = static_cast<const char*>(ab.Data());
    check_operand(p, first_op + int(k), data ? int64_t(ab.ByteLength() / 8) : 0, "index");
    r.idx.push_back(data);
    r.strides.push_back(int64_t(m[2 * k]));
    r.sizes.push_back(int64_t(m[2 * k + 1]));
  }
  return r;
}

void check_targets(const Plan& p, int base_op, const IndexArgs& ix, int64_t cap, const char* what) {
  // the base layout plus each index dim at its full size must stay inside the buffer
  int64_t shape[kMaxDims * 2], st[kMaxDims * 2];
  int nd = p.ndim;
  for (int d = 0; d < nd; ++d) { shape[d] = p.shape[d]; st[d] = p.strides[base_op][d]; }
  for (size_t k = 0; k < ix.sizes.size() && nd < kMaxDims * 2; ++k, ++nd) {
    if (ix.sizes[k] <= 0 && p.numel > 0) throw Error("kindling: cannot index into an empty dimension");
    shape[nd] = ix.sizes[k];
    st[nd] = ix.strides[k];
  }
  check_layout(nd, shape, st, p.offset[base_op], cap, what);
}
}  // namespace

// gather(dtype, plan[out, in, idx...], idxBuffers[], meta Float64Array[stride, size]*, in, out)
Napi::Value Gather(const Napi::CallbackInfo& info) {
  int dt = arg_dtype(info, 0);
  if (!info[1].IsTypedArray()) throw Error("kindling: expected a plan");
  int nops = int(info[1].As<Napi::Float64Array>()[1]);
  if (nops < 3 || nops > kMaxOps) throw Error("kindling: bad gather operand count");
  Plan p = arg_plan(info, 1, nops);
  IndexArgs ix = index_args(info, 2, p, 2);
  Buf in = arg_buf(info, 4, "input"), out = arg_buf(info, 5, "output");
  check_operand(p, 0, capacity(out, dt), "output");
  check_targets(p, 1, ix, capacity(in, dt), "input");
  int64_t bad = 0;
  if (!cpu_gather(dt, p, int(ix.idx.size()), ix.strides.data(), ix.sizes.data(), out.data, in.data, ix.idx.data(), &bad))
    return Napi::Number::New(info.Env(), double(bad));
  return info.Env().Null();
}

// scatter(dtype, plan[src, out, idx...], idxBuffers[], meta, src, out, accumulate)
Napi::Value Scatter(const Napi::CallbackInfo& info) {
  int dt = arg_dtype(info, 0);
  if (!info[1].IsTypedArray()) throw Error("kindling: expected a plan");
  int nops = int(info[1].As<Napi::Float64Array>()[1]);
  if (nops < 3 || nops > kMaxOps) throw Error("kindling: bad scatter operand count");
  Plan p = arg_plan(info, 1, nops);
  IndexArgs ix = index_args(info, 2, p, 2);
  Buf src = arg_buf(info, 4, "source"), out = arg_buf(info, 5, "output");
  bool acc = info.Length() > 6 && info[6].ToBoolean().Value();
  check_operand(p, 0, capacity(src, dt), "source");
  check_targets(p, 1, ix, capacity(out, dt), "output");
  int64_t bad = 0;
  if (!cpu_scatter(dt, p, int(ix.idx.size()), ix.strides.data(), ix.sizes.data(), src.data, out.data, ix.idx.data(), acc, &bad))
    return Napi::Number::New(info.Env(), double(bad));
  return info.Env().Null();
}

// nonzero(dtype, plan[in], in, coords|undefined) -> count
Napi::Value Nonzero(const Napi::CallbackInfo& info) {
  int dt = arg_dtype(info, 0);
  Plan p = arg_plan(info, 1, 1);
  Buf in = arg_buf(info, 2, "input");
  check_operand(p, 0, capacity(in, dt), "input");
  int64_t* coords = nullptr;
  if (info.Length() > 3 && info[3].IsArrayBuffer()) {
    Buf c = arg_buf(info, 3, "coordinates");
    int64_t count = cpu_nonzero(dt, p, in.data, nullptr);
    if (c.bytes < count * p.ndim * 8) throw Error("kindling: nonzero output too small");
    coords = reinterpret_cast<int64_t*>(c.data);
  }
  return Napi::Number::New(info.Env(), double(cpu_nonzero(dt, p, in.data, coords)));
}

// random(kind, dtype, out, n, seedHi, seedLo, offset, a, b)
Napi::Value Random(const Napi::CallbackInfo& info) {
  int kind = arg_int(info, 0, "kind"), dt = arg_dtype(info, 1);
  if (kind < 0 || kind > RAND_BERNOULLI) throw Error("kindling: unknown random kind");
  Buf out = arg_buf(info, 2, "output");
  double n = arg_double(info, 3, "count");
  if (!(n >= 0) || n > double(capacity(out, dt))) throw Error("kindling: random count exceeds the buffer");
  uint64_t seed = (uint64_t(uint32_t(arg_double(info, 4, "seed"))) << 32) | uint32_t(arg_double(info, 5, "seed"));
  double off = arg_double(info, 6, "offset");
  if (!(off >= 0)) throw Error("kindling: bad random offset");
  cpu_random(kind, dt, out.data, int64_t(n), seed, uint64_t(off), arg_double(info, 7, "a"), arg_double(info, 8, "b"));
  return info.Env().Undefined();
}

}  // namespace kd
