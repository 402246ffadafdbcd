// kindling dtypes as seen by kernels. The numbering matches lib/dtype.ts (DTYPE_IDS).
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace kd {

enum DType : int { F32 = 0, F64 = 1, I32 = 2, I64 = 3, BOOL = 4 };
constexpr int kNumDTypes = 5;

inline int dtype_size(int dt) {
  switch (dt) {
    case F32: return 4;
    case F64: return 8;
    case I32: return 4;
    case I64: return 8;
    case BOOL: return 1;
    default: return 0;
  }
}

template <class T> struct is_float : std::is_floating_point<T> {};

// Scalar helpers used by the op table (ops.def). Integer variants follow PyTorch.
// Integer add/sub/mul wrap around (two's complement) as PyTorch's do, without signed-overflow UB.
template <class T> inline T add_(T a, T b) {
  if constexpr (std::is_integral_v<T>) return T(std::make_unsigned_t<T>(a) + std::make_unsigned_t<T>(b));
  else return a + b;
}
template <class T> inline T sub_(T a, T b) {
  if constexpr (std::is_integral_v<T>) return T(std::make_unsigned_t<T>(a) - std::make_unsigned_t<T>(b));
  else return a - b;
}
template <class T> inline T mul_(T a, T b) {
  if constexpr (std::is_integral_v<T>) return T(std::make_unsigned_t<T>(a) * std::make_unsigned_t<T>(b));
  else return a * b;
}
// -x: floats flip the sign bit (so -0. and 0. swap, as in PyTorch); integers wrap
template <class T> inline T neg_(T x) {
  if constexpr (std::is_integral_v<T>) return sub_(T(0), x);
  else return -x;
}
template <class T> inline T abs_(T x) {
  if constexpr (std::is_same_v<T, uint8_t>) return x;
  else if constexpr (std::is_floating_point_v<T>) return std::fabs(x);
  else return x < 0 ? sub_(T(0), x) : x;
}
template <class T> inline T sign_(T x) {
  // NaN compares false both ways and gives 0, as torch.sign
  return T((T(0) < x) - (x < T(0)));
}
template <class T> inline T floor_(T x) { if constexpr (std::is_floating_point_v<T>) return std::floor(x); else return x; }
template <class T> inline T ceil_(T x) { if constexpr (std::is_floating_point_v<T>) return std::ceil(x); else return x; }
// round half to even, as torch.round
template <class T> inline T round_(T x) { if constexpr (std::is_floating_point_v<T>) return std::nearbyint(x); else return x; }
template <class T> inline T trunc_(T x) { if constexpr (std::is_floating_point_v<T>) return std::trunc(x); else return x; }
template <class T> inline T sigmoid_(T x) { return T(1) / (T(1) + std::exp(-x)); }
template <class T> inline T div_(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) return a / b;
  else {
    // integer division only reaches here through floor division planning; division by zero gives 0
    // instead of a trap (TypeScript rejects it before launch for user-facing ops).
    if (b == 0) return T(0);
    if (b == T(-1)) return sub_(T(0), a);
    T q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q -= 1;
    return q;
  }
}
template <class T> inline T pow_(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) return std::pow(a, b);
  else {
    if (b < 0) return a == 1 ? T(1) : (a == -1 ? ((b & 1) ? T(-1) : T(1)) : T(0));
    T r = 1, base = a;
    (void)0;
    auto e = b;
    while (e) { if (e & 1) r = mul_(r, base); base = mul_(base, base); e >>= 1; }
    return r;
  }
}
template <class T> inline T max_(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) { if (a != a) return a; if (b != b) return b; }
  return a > b ? a : b;
}
template <class T> inline T min_(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) { if (a != a) return a; if (b != b) return b; }
  return a < b ? a : b;
}
template <class T> inline T atan2_(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) return std::atan2(a, b); else return T(std::atan2(double(a), double(b)));
}
template <class T> inline T fmod_(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) return std::fmod(a, b); else return (b == 0 || b == T(-1)) ? T(0) : T(a % b);
}

}  // namespace kd

#define KD_CASE(DT, TYPE, ...) case kd::DT: { using T = TYPE; __VA_ARGS__; break; }
#define KD_DISPATCH_ALL(dt, ...)                                                              \
  switch (dt) {                                                                               \
    KD_CASE(F32, float, __VA_ARGS__) KD_CASE(F64, double, __VA_ARGS__)                        \
    KD_CASE(I32, int32_t, __VA_ARGS__) KD_CASE(I64, int64_t, __VA_ARGS__)                     \
    KD_CASE(BOOL, uint8_t, __VA_ARGS__) default: throw kd::Error("unknown dtype id");         \
  }
