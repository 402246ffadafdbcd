// Unary, binary, clamp, cast-copy and where kernels. Each runs the plan row by row; a row whose
// operands are all contiguous (the common case after TypeScript coalesces dims) is one flat loop
// the compiler vectorises, and a scalar operand (stride 0) is hoisted out of the loop.
#include <cmath>
#include <limits>
#include <string>

#include "../include/dtype.h"
#include "../include/kernels.h"
#include "../include/parallel.h"

namespace kd {
namespace {

constexpr int ANY = 0, FLT = 1, BOOLEAN = 2;
constexpr int ARITH = 0, CMP = 1, LOGIC = 2;

template <class T>
constexpr bool kind_ok(int kind) {
  if (kind == FLT) return std::is_floating_point_v<T>;
  if (kind == BOOLEAN) return std::is_same_v<T, uint8_t>;
  return !std::is_same_v<T, uint8_t>;
}

template <class O, class I, class F>
void map1(const Plan& p, char* out, const char* in, F f) {
  char* base[2] = {out, const_cast<char*>(in)};
  int es[2] = {int(sizeof(O)), int(sizeof(I))};
  parallel_for(p.numel, kGrain, [&](int64_t b, int64_t e) {
    for_each_row(p, base, es, b, e, [&](char* const* ptr, const int64_t* bs, int64_t n) {
      O* o = reinterpret_cast<O*>(ptr[0]);
      const I* x = reinterpret_cast<const I*>(ptr[1]);
      if (bs[0] == int64_t(sizeof(O)) && bs[1] == int64_t(sizeof(I))) {
        for (int64_t i = 0; i < n; ++i) o[i] = f(x[i]);
      } else if (bs[0] == int64_t(sizeof(O)) && bs[1] == 0) {
        const O v = f(x[0]);
        for (int64_t i = 0; i < n; ++i) o[i] = v;
      } else {
        for (int64_t i = 0; i < n; ++i)
          *reinterpret_cast<O*>(ptr[0] + i * bs[0]) = f(*reinterpret_cast<const I*>(ptr[1] + i * bs[1]));
      }
    });
  });
}

template <class O, class T, class F>
void map2(const Plan& p, char* out, const char* a, const char* b, F f) {
  char* base[3] = {out, const_cast<char*>(a), const_cast<char*>(b)};
  int es[3] = {int(sizeof(O)), int(sizeof(T)), int(sizeof(T))};
  parallel_for(p.numel, kGrain, [&](int64_t lo, int64_t hi) {
    for_each_row(p, base, es, lo, hi, [&](char* const* ptr, const int64_t* bs, int64_t n) {
      O* o = reinterpret_cast<O*>(ptr[0]);
      const T* x = reinterpret_cast<const T*>(ptr[1]);
      const T* y = reinterpret_cast<const T*>(ptr[2]);
      const int64_t so = sizeof(O), st = sizeof(T);
      if (bs[0] == so && bs[1] == st && bs[2] == st) {
        for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
      } else if (bs[0] == so && bs[1] == st && bs[2] == 0) {
        const T yv = *y;
        for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], yv);
      } else if (bs[0] == so && bs[1] == 0 && bs[2] == st) {
        const T xv = *x;
        for (int64_t i = 0; i < n; ++i) o[i] = f(xv, y[i]);
      } else {
        for (int64_t i = 0; i < n; ++i)
          *reinterpret_cast<O*>(ptr[0] + i * bs[0]) =
              f(*reinterpret_cast<const T*>(ptr[1] + i * bs[1]), *reinterpret_cast<const T*>(ptr[2] + i * bs[2]));
      }
    });
  });
}

// float -> integer conversion without undefined behaviour: out-of-range and NaN give the type's
// minimum, as x86 hardware conversion does (PyTorch's result on this platform).
template <class O, class I>
inline O convert(I x) {
  if constexpr (std::is_same_v<O, uint8_t>) return x != I(0) ? 1 : 0;
  else if constexpr (std::is_floating_point_v<I> && std::is_integral_v<O>) {
    constexpr double lo = double(std::numeric_limits<O>::min());
    constexpr double hi = -lo;  // 2^31 or 2^63, exclusive
    double d = double(x);
    return (d >= lo && d < hi) ? O(d) : std::numeric_limits<O>::min();
  } else {
    return O(x);
  }
}

}  // namespace

template <class T>
bool unary_ok(int op) {
  switch (op) {
#define KD_UNARY(name, kind, expr) \
  case U_##name: return kind_ok<T>(kind);
#include "../include/ops.def"
    default: return false;
  }
}

template <class T>
bool unary_run(int op, const Plan& p, char* out, const char* in) {
  switch (op) {
#define KD_UNARY(name, kind, expr)                                              \
  case U_##name:                                                                \
    if constexpr (kind_ok<T>(kind)) {                                           \
      map1<T, T>(p, out, in, [](T x) { return T(expr); });                      \
      return true;                                                              \
    }                                                                           \
    return false;
#include "../include/ops.def"
    default: return false;
  }
}

bool unary_supports(int op, int dt) {
  bool ok = false;
  KD_DISPATCH_ALL(dt, ok = unary_ok<T>(op));
  return ok;
}

void cpu_unary(int op, int dt, const Plan& p, char* out, const char* in) {
  bool ok = false;
  KD_DISPATCH_ALL(dt, ok = unary_run<T>(op, p, out, in));
  if (!ok) throw Error("kindling: unary op " + std::to_string(op) + " is not defined for this dtype");
}

void cpu_clamp(int dt, const Plan& p, char* out, const char* in, const double* lo, const double* hi) {
  if (dt == BOOL) throw Error("kindling: clamp is not defined for bool");
  KD_DISPATCH_ALL(dt, {
    if constexpr (std::is_same_v<T, uint8_t>) return;
    else {
      const bool hl = lo != nullptr, hh = hi != nullptr;
      const T l = hl ? T(*lo) : T(0), h = hh ? T(*hi) : T(0);
      map1<T, T>(p, out, in, [=](T x) {
        if constexpr (std::is_floating_point_v<T>) if (x != x) return x;
        if (hl && x < l) x = l;
        if (hh && x > h) x = h;
        return x;
      });
    }
  });
}

int binary_out_dtype(int op, int dt) {
  switch (op) {
#define KD_BINARY(name, kind, expr) \
  case B_##name: return kind == ARITH ? dt : int(BOOL);
#include "../include/ops.def"
    default: return -1;
  }
}

template <class T>
bool binary_run(int op, const Plan& p, char* out, const char* a, const char* b) {
  switch (op) {
#define KD_BINARY(name, kind, expr)                                                        \
  case B_##name:                                                                           \
    if constexpr (kind == ARITH) {                                                         \
      if constexpr (std::is_same_v<T, uint8_t>) return false;                              \
      else { map2<T, T>(p, out, a, b, [](T a, T b) { return T(expr); }); return true; }     \
    } else {                                                                               \
      map2<uint8_t, T>(p, out, a, b, [](T a, T b) { return uint8_t((expr) ? 1 : 0); });    \
      return true;                                                                         \
    }
#include "../include/ops.def"
    default: return false;
  }
}

void cpu_binary(int op, int dt, const Plan& p, char* out, const char* a, const char* b) {
  bool ok = false;
  KD_DISPATCH_ALL(dt, ok = binary_run<T>(op, p, out, a, b));
  if (!ok) throw Error("kindling: binary op " + std::to_string(op) + " is not defined for this dtype");
}

void cpu_copy(int dt_in, int dt_out, const Plan& p, char* out, const char* in) {
  KD_DISPATCH_ALL(dt_in, {
    using I = T;
    KD_DISPATCH_ALL(dt_out, { map1<T, I>(p, out, in, [](I x) { return convert<T, I>(x); }); });
  });
}

void cpu_where(int dt, const Plan& p, char* out, const char* cond, const char* a, const char* b) {
  KD_DISPATCH_ALL(dt, {
    char* base[4] = {out, const_cast<char*>(cond), const_cast<char*>(a), const_cast<char*>(b)};
    int es[4] = {int(sizeof(T)), 1, int(sizeof(T)), int(sizeof(T))};
    parallel_for(p.numel, kGrain, [&](int64_t lo, int64_t hi) {
      for_each_row(p, base, es, lo, hi, [&](char* const* ptr, const int64_t* bs, int64_t n) {
        for (int64_t i = 0; i < n; ++i) {
          const uint8_t c = *reinterpret_cast<const uint8_t*>(ptr[1] + i * bs[1]);
          *reinterpret_cast<T*>(ptr[0] + i * bs[0]) =
              c ? *reinterpret_cast<const T*>(ptr[2] + i * bs[2]) : *reinterpret_cast<const T*>(ptr[3] + i * bs[3]);
        }
      });
    });
  });
}

}  // namespace kd
