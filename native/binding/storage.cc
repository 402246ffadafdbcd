// Native storage: 64-byte aligned blocks exposed to JS as external ArrayBuffers (no copy).
// The size is reported to V8 so the collector feels native memory pressure. free() releases at
// once and detaches the ArrayBuffer, so every JS view of it becomes empty instead of dangling.
#include "storage.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>

namespace kd {
namespace {

constexpr size_t kAlign = 64;

struct Record {
  void* block;
  size_t bytes;
  bool freed;
};

// Live blocks by data address, so free() accepts only storage kindling allocated. Shared by all
// worker threads' instances of the addon, hence the lock.
std::mutex g_mu;
std::unordered_map<const void*, Record*> g_live;

void release(Napi::Env env, Record* r) {
  std::free(r->block);
  r->freed = true;
  Napi::MemoryManagement::AdjustExternalMemory(env, -int64_t(r->bytes));
}

void finalize(Napi::Env env, void* /*data*/, Record* r) {
  {
    std::lock_guard<std::mutex> lk(g_mu);
    if (!r->freed) g_live.erase(r->block);
  }
  if (!r->freed) release(env, r);
  delete r;
}

}  // namespace

Napi::Value Alloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double n = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(n >= 0) || n > double(int64_t(1) << 46) || double(int64_t(n)) != n)
    throw Error("kindling: alloc expects a non-negative integer byte count below 2^46");
  size_t bytes = size_t(n);
  size_t padded = (bytes + kAlign - 1) / kAlign * kAlign;
  void* block = std::aligned_alloc(kAlign, padded ? padded : kAlign);
  if (!block) throw Error("kindling: out of memory allocating " + std::to_string(bytes) + " bytes");
  std::memset(block, 0, bytes);
  auto* r = new Record{block, bytes, false};
  {
    std::lock_guard<std::mutex> lk(g_mu);
    g_live[block] = r;
  }
  Napi::MemoryManagement::AdjustExternalMemory(env, int64_t(bytes));
  return Napi::ArrayBuffer::New(env, block, bytes, finalize, r);
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArrayBuffer()) throw Error("kindling: free expects an ArrayBuffer");
  auto ab = info[0].As<Napi::ArrayBuffer>();
  void* data = ab.Data();
  if (!data) return env.Undefined();  // already freed (detached)
  Record* r = nullptr;
  {
    std::lock_guard<std::mutex> lk(g_mu);
    auto it = g_live.find(data);
    if (it == g_live.end()) throw Error("kindling: free expects storage allocated by kindling");
    r = it->second;
    g_live.erase(it);
  }
  release(env, r);
  ab.Detach();
  return env.Undefined();
}

}  // namespace kd
