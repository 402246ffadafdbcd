// Reductions and scans. TypeScript orders the plan so kept dims come first and reduced dims last;
// each output element reduces one "inner" sub-plan. Three schedules:
//  - many outputs: outputs are split across threads;
//  - few outputs, long reductions: each reduction is split across threads into partials;
//  - reducing an outer dim of a row-major tensor (column sums): blocks of contiguous columns are
//    accumulated row by row, so memory is read in order.
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "../include/dtype.h"
#include "../include/kernels.h"
#include "../include/parallel.h"

namespace kd {
namespace {

template <class T> using wide_t = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

template <class T> constexpr T lowest() {
  if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::lowest();
}
template <class T> constexpr T highest() {
  if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::max();
}
template <class T> inline bool isnan_(T x) {
  if constexpr (std::is_floating_point_v<T>) return x != x; else return false;
}

template <class T> struct SumR {
  using Acc = wide_t<T>;
  using Out = std::conditional_t<std::is_floating_point_v<T>, T, int64_t>;
  static Acc init() { return 0; }
  static void step(Acc& a, T x, int64_t) { a = add_(a, Acc(x)); }
  static void merge(Acc& a, const Acc& b) { a = add_(a, b); }
  static Out finish(const Acc& a, double scale) {
    if constexpr (std::is_floating_point_v<T>) return Out(scale == 1.0 ? a : a * scale); else return Out(a);
  }
  static constexpr bool kColumn = true;
  // contiguous rows: 8 independent accumulators so the adds pipeline and vectorise
  static void row(Acc& a, const T* x, int64_t n, int64_t) {
    if constexpr (std::is_floating_point_v<T>) {
      Acc s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int64_t i = 0;
      for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) s[j] += Acc(x[i + j]);
      for (; i < n; ++i) s[0] += Acc(x[i]);
      a += ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    } else {
      for (int64_t i = 0; i < n; ++i) a = add_(a, Acc(x[i]));
    }
  }
};

template <class T> struct ProdR {
  using Acc = wide_t<T>;
  using Out = std::conditional_t<std::is_floating_point_v<T>, T, int64_t>;
  static Acc init() { return 1; }
  static void step(Acc& a, T x, int64_t) { a = mul_(a, Acc(x)); }
  static void merge(Acc& a, const Acc& b) { a = mul_(a, b); }
  static Out finish(const Acc& a, double) { return Out(a); }
  static constexpr bool kColumn = true;
  static void row(Acc& a, const T* x, int64_t n, int64_t i0) { for (int64_t i = 0; i < n; ++i) step(a, x[i], i0 + i); }
};

template <class T, bool IsMax> struct ExtR {
  using Acc = T;
  using Out = T;
  static Acc init() { return IsMax ? lowest<T>() : highest<T>(); }
  static void step(Acc& a, T x, int64_t) {
    if ((IsMax ? x > a : x < a) || isnan_(x)) a = x;
  }
  static void merge(Acc& a, const Acc& b) { if (!isnan_(a)) step(a, b, 0); }
  static Out finish(const Acc& a, double) { return a; }
  static constexpr bool kColumn = true;
  static void row(Acc& a, const T* x, int64_t n, int64_t) {
    for (int64_t i = 0; i < n; ++i) if (!isnan_(a)) step(a, x[i], 0);
  }
};

template <class T> struct ValIdx {
  T v;
  int64_t i;
};
// First occurrence wins, NaN counts as the extreme (PyTorch's argmax/argmin).
template <class T, bool IsMax> struct ArgR {
  using Acc = ValIdx<T>;
  using Out = int64_t;
  static Acc init() { return {IsMax ? lowest<T>() : highest<T>(), -1}; }
  static void step(Acc& a, T x, int64_t i) {
    if (a.i < 0) { a = {x, i}; return; }
    if (isnan_(a.v)) return;
    if (isnan_(x) || (IsMax ? x > a.v : x < a.v)) a = {x, i};
  }
  static void merge(Acc& a, const Acc& b) { if (b.i >= 0) step(a, b.v, b.i); }
  static Out finish(const Acc& a, double) { return a.i < 0 ? 0 : a.i; }
  static constexpr bool kColumn = false;
  static void row(Acc& a, const T* x, int64_t n, int64_t i0) { for (int64_t i = 0; i < n; ++i) step(a, x[i], i0 + i); }
};

template <class T, bool IsAny> struct BoolR {
  using Acc = uint8_t;
  using Out = uint8_t;
  static Acc init() { return IsAny ? 0 : 1; }
  static void step(Acc& a, T x, int64_t) { if (IsAny) a = a | (x != T(0)); else a = a & (x != T(0)); }
  static void merge(Acc& a, const Acc& b) { if (IsAny) a = a | b; else a = a & b; }
  static Out finish(const Acc& a, double) { return a; }
  static constexpr bool kColumn = true;
  static void row(Acc& a, const T* x, int64_t n, int64_t) { for (int64_t i = 0; i < n; ++i) step(a, x[i], 0); }
};

template <class T, class R>
void reduce_inner(const Plan& inner, const char* in, typename R::Acc& acc, int64_t begin, int64_t end) {
  char* base[1] = {const_cast<char*>(in)};
  int es[1] = {int(sizeof(T))};
  int64_t idx = begin;
  for_each_row(inner, base, es, begin, end, [&](char* const* ptr, const int64_t* bs, int64_t n) {
    if (bs[0] == int64_t(sizeof(T))) {
      R::row(acc, reinterpret_cast<const T*>(ptr[0]), n, idx);
    } else {
      for (int64_t i = 0; i < n; ++i) R::step(acc, *reinterpret_cast<const T*>(ptr[0] + i * bs[0]), idx + i);
    }
    idx += n;
  });
}

template <class T, class R>
void run_reduce(const Plan& p, int nouter, char* out, const char* in, double scale) {
  using Out = typename R::Out;
  using Acc = typename R::Acc;
  Plan outer;
  outer.ndim = nouter;
  outer.nops = 2;
  outer.numel = 1;
  outer.offset[0] = p.offset[0];
  outer.offset[1] = p.offset[1];
  for (int d = 0; d < nouter; ++d) {
    outer.shape[d] = p.shape[d];
    outer.strides[0][d] = p.strides[0][d];
    outer.strides[1][d] = p.strides[1][d];
    outer.numel *= p.shape[d];
  }
  Plan inner;
  inner.ndim = p.ndim - nouter;
  inner.nops = 1;
  inner.numel = 1;
  for (int d = nouter; d < p.ndim; ++d) {
    inner.shape[d - nouter] = p.shape[d];
    inner.strides[0][d - nouter] = p.strides[1][d];
    inner.numel *= p.shape[d];
  }
  const int64_t nout = outer.numel, nin = inner.numel;
  if (nout == 0) return;

  // Column schedule: one reduced dim, kept innermost dim contiguous in the input.
  if constexpr (R::kColumn) {
    if (nouter >= 1 && inner.ndim == 1 && p.strides[1][nouter - 1] == 1 && nin > 1 && outer.shape[nouter - 1] >= 8) {
      const int64_t m = outer.shape[nouter - 1];
      const int64_t rs = inner.strides[0][0];
      constexpr int64_t B = 256;
      const int64_t nblk = (m + B - 1) / B;
      Plan rest = outer;  // iterate the kept dims except the last
      rest.ndim = nouter - 1;
      rest.numel = nout / m;
      const int64_t os_last = p.strides[0][nouter - 1];
      parallel_for(rest.numel * nblk, std::max<int64_t>(1, kGrain / (nin * B)), [&](int64_t lo, int64_t hi) {
        Acc acc[B];
        for (int64_t t = lo; t < hi; ++t) {
          const int64_t r = t / nblk, blk = t % nblk;
          int64_t io = rest.offset[1], oo = rest.offset[0], rem = r;
          for (int d = rest.ndim - 1; d >= 0; --d) {
            int64_t c = rem % rest.shape[d];
            rem /= rest.shape[d];
            io += c * rest.strides[1][d];
            oo += c * rest.strides[0][d];
          }
          const int64_t j0 = blk * B, nb = std::min(B, m - j0);
          for (int64_t j = 0; j < nb; ++j) acc[j] = R::init();
          const T* x = reinterpret_cast<const T*>(in) + io + j0;
          for (int64_t i = 0; i < nin; ++i, x += rs)
            for (int64_t j = 0; j < nb; ++j) R::step(acc[j], x[j], i);
          Out* o = reinterpret_cast<Out*>(out) + oo + j0 * os_last;
          for (int64_t j = 0; j < nb; ++j) o[j * os_last] = R::finish(acc[j], scale);
        }
      });
      return;
    }
  }

  auto out_at = [&](int64_t o, int64_t* in_off) {
    int64_t io = outer.offset[1], oo = outer.offset[0], rem = o;
    for (int d = outer.ndim - 1; d >= 0; --d) {
      int64_t c = rem % outer.shape[d];
      rem /= outer.shape[d];
      io += c * outer.strides[1][d];
      oo += c * outer.strides[0][d];
    }
    *in_off = io;
    return oo;
  };

  const int nt = num_threads();
  if (nout >= nt || nin < kGrain) {
    parallel_for(nout, std::max<int64_t>(1, kGrain / std::max<int64_t>(nin, 1)), [&](int64_t lo, int64_t hi) {
      Plan sub = inner;
      for (int64_t o = lo; o < hi; ++o) {
        int64_t io;
        int64_t oo = out_at(o, &io);
        sub.offset[0] = io;
        Acc acc = R::init();
        reduce_inner<T, R>(sub, in, acc, 0, nin);
        reinterpret_cast<Out*>(out)[oo] = R::finish(acc, scale);
      }
    });
    return;
  }
  // Few long reductions: split each across threads, merge partials in order.
  for (int64_t o = 0; o < nout; ++o) {
    int64_t io;
    int64_t oo = out_at(o, &io);
    Plan sub = inner;
    sub.offset[0] = io;
    std::vector<Acc> part(nt, R::init());
    parallel_for(nt, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t c = lo; c < hi; ++c) reduce_inner<T, R>(sub, in, part[c], nin * c / nt, nin * (c + 1) / nt);
    });
    Acc acc = part[0];
    for (int c = 1; c < nt; ++c) R::merge(acc, part[c]);
    reinterpret_cast<Out*>(out)[oo] = R::finish(acc, scale);
  }
}

}  // namespace

int reduce_out_dtype(int op, int dt) {
  switch (op) {
    case R_sum:
    case R_prod: return (dt == F32 || dt == F64) ? dt : int(I64);
    case R_argmax:
    case R_argmin: return I64;
    case R_any:
    case R_all: return BOOL;
    default: return dt;
  }
}

void cpu_reduce(int op, int dt, const Plan& p, int nouter, char* out, const char* in, double scale) {
  KD_DISPATCH_ALL(dt, switch (op) {
    case R_sum: run_reduce<T, SumR<T>>(p, nouter, out, in, scale); return;
    case R_prod: run_reduce<T, ProdR<T>>(p, nouter, out, in, scale); return;
    case R_max: run_reduce<T, ExtR<T, true>>(p, nouter, out, in, scale); return;
    case R_min: run_reduce<T, ExtR<T, false>>(p, nouter, out, in, scale); return;
    case R_argmax: run_reduce<T, ArgR<T, true>>(p, nouter, out, in, scale); return;
    case R_argmin: run_reduce<T, ArgR<T, false>>(p, nouter, out, in, scale); return;
    case R_any: run_reduce<T, BoolR<T, true>>(p, nouter, out, in, scale); return;
    case R_all: run_reduce<T, BoolR<T, false>>(p, nouter, out, in, scale); return;
    default: break;
  });
  throw Error("kindling: unknown reduction");
}

void cpu_scan(int op, int dt, const Plan& p, int64_t len, int64_t s_out, int64_t s_in, char* out, const char* in) {
  KD_DISPATCH_ALL(dt, {
    using Acc = wide_t<T>;
    using Out = std::conditional_t<std::is_floating_point_v<T>, T, int64_t>;
    parallel_for(p.numel, std::max<int64_t>(1, kGrain / std::max<int64_t>(len, 1)), [&](int64_t lo, int64_t hi) {
      for (int64_t o = lo; o < hi; ++o) {
        int64_t io = p.offset[1], oo = p.offset[0], rem = o;
        for (int d = p.ndim - 1; d >= 0; --d) {
          int64_t c = rem % p.shape[d];
          rem /= p.shape[d];
          io += c * p.strides[1][d];
          oo += c * p.strides[0][d];
        }
        const T* x = reinterpret_cast<const T*>(in) + io;
        Out* y = reinterpret_cast<Out*>(out) + oo;
        Acc acc = op == S_cumsum ? Acc(0) : Acc(1);
        for (int64_t i = 0; i < len; ++i) {
          acc = op == S_cumsum ? add_(acc, Acc(x[i * s_in])) : mul_(acc, Acc(x[i * s_in]));
          y[i * s_out] = Out(acc);
        }
      }
    });
  });
}

}  // namespace kd
