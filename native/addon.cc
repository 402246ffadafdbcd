// kindling's N-API addon: registration only. Kernels live in native/cpu, argument checking in
// native/binding.
#include <napi.h>

#include "binding/dispatch.h"
#include "binding/storage.h"
#include "include/kernels.h"
#include "include/parallel.h"

namespace {

// Wraps a binding so a kindling error becomes a JS Error carrying the caller's stack.
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const kd::Error& e) {
    throw Napi::Error::New(info.Env(), e.what());
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(info.Env(), "kindling: out of memory");
  }
}

#define KD_EXPORT(name, fn) exports.Set(name, Napi::Function::New(env, guarded<kd::fn>, name))

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // OpenBLAS and kindling's pool never run at once; give both the same thread count
  kd::blas_set_threads(kd::num_threads());
  KD_EXPORT("alloc", Alloc);
  KD_EXPORT("free", Free);
  KD_EXPORT("emptyCache", EmptyCacheJs);
  KD_EXPORT("opTable", OpTable);
  KD_EXPORT("info", Info);
  KD_EXPORT("setNumThreads", SetNumThreads);
  KD_EXPORT("unary", Unary);
  KD_EXPORT("clamp", Clamp);
  KD_EXPORT("binary", Binary);
  KD_EXPORT("copy", Copy);
  KD_EXPORT("where", Where);
  KD_EXPORT("reduce", Reduce);
  KD_EXPORT("scan", Scan);
  KD_EXPORT("matmul", Matmul);
  KD_EXPORT("gather", Gather);
  KD_EXPORT("scatter", Scatter);
  KD_EXPORT("nonzero", Nonzero);
  KD_EXPORT("random", Random);
  return exports;
}

}  // namespace

NODE_API_MODULE(kindling, Init)
