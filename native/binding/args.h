// Argument helpers for the binding: every value from JS is checked here before a kernel sees it.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

#include "../include/dtype.h"
#include "../include/error.h"
#include "../include/plan.h"

namespace kd {

struct Buf {
  char* data = nullptr;
  int64_t bytes = 0;
};

inline int arg_int(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) throw Error(std::string("kindling: expected a number for ") + what);
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (v != v || v < -2147483648.0 || v > 2147483647.0 || double(int64_t(v)) != v)
    throw Error(std::string("kindling: expected an integer for ") + what);
  return int(v);
}

inline double arg_double(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) throw Error(std::string("kindling: expected a number for ") + what);
  return info[i].As<Napi::Number>().DoubleValue();
}

inline int arg_dtype(const Napi::CallbackInfo& info, size_t i) {
  int dt = arg_int(info, i, "dtype");
  if (dt < 0 || dt >= kNumDTypes) throw Error("kindling: unknown dtype id");
  return dt;
}

inline Buf arg_buf(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsArrayBuffer())
    throw Error(std::string("kindling: expected an ArrayBuffer for ") + what);
  auto ab = info[i].As<Napi::ArrayBuffer>();
  Buf b;
  b.data = static_cast<char*>(ab.Data());
  b.bytes = int64_t(ab.ByteLength());
  if (!b.data) b.bytes = 0;  // detached (disposed) storage
  return b;
}

inline Plan arg_plan(const Napi::CallbackInfo& info, size_t i, int nops) {
  if (i >= info.Length() || !info[i].IsTypedArray()) throw Error("kindling: expected a Float64Array plan");
  auto ta = info[i].As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_float64_array) throw Error("kindling: expected a Float64Array plan");
  auto f = ta.As<Napi::Float64Array>();
  return decode_plan(f.Data(), f.ElementLength(), nops);
}

// An operand that is either a buffer of dtype dt, or a JS number/boolean broadcast as a scalar
// (then its strides must all be 0 and it reads from `scratch`).
struct Operand {
  char* data;
  int64_t capacity;  // elements
};

inline void store_scalar(int dt, double v, void* dst) {
  switch (dt) {
    case F32: *static_cast<float*>(dst) = float(v); break;
    case F64: *static_cast<double*>(dst) = v; break;
    case I32: *static_cast<int32_t*>(dst) = (v == v && v >= -2147483648.0 && v <= 2147483647.0) ? int32_t(v) : 0; break;
    case I64: *static_cast<int64_t*>(dst) = (v == v && v >= -9.2e18 && v <= 9.2e18) ? int64_t(v) : 0; break;
    case BOOL: *static_cast<uint8_t*>(dst) = v != 0 ? 1 : 0; break;
  }
}

inline Operand arg_operand(const Napi::CallbackInfo& info, size_t i, int dt, void* scratch, const char* what) {
  if (i < info.Length() && (info[i].IsNumber() || info[i].IsBoolean())) {
    double v = info[i].IsBoolean() ? (info[i].As<Napi::Boolean>().Value() ? 1.0 : 0.0)
                                   : info[i].As<Napi::Number>().DoubleValue();
    store_scalar(dt, v, scratch);
    return {static_cast<char*>(scratch), 1};
  }
  Buf b = arg_buf(info, i, what);
  return {b.data, b.bytes / dtype_size(dt)};
}

}  // namespace kd
