// Native storage: 64-byte aligned blocks exposed to JS as external ArrayBuffers (no copy).
// The size is reported to V8 so the collector feels native memory pressure. free() releases at
// once and detaches the ArrayBuffer, so every JS view of it becomes empty instead of dangling.
#include "storage.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

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

// Freed blocks are kept by exact (64-byte padded) size and handed out again: training loops
// allocate the same shapes every step, and going back to the system allocator each time costs
// page faults (glibc trims and regrows the heap). The cache is bounded; emptyCache() drops it.
constexpr size_t kCacheLimit = size_t(256) << 20;
std::unordered_map<size_t, std::vector<void*>> g_cache;
size_t g_cached = 0;

size_t padded_size(size_t bytes) { return bytes ? (bytes + kAlign - 1) / kAlign * kAlign : kAlign; }

void* take_block(size_t padded) {
  {
    std::lock_guard<std::mutex> lk(g_mu);
    auto it = g_cache.find(padded);
    if (it != g_cache.end() && !it->second.empty()) {
      void* b = it->second.back();
      it->second.pop_back();
      g_cached -= padded;
      return b;
    }
  }
  return std::aligned_alloc(kAlign, padded);
}

void give_block(void* block, size_t padded) {
  {
    std::lock_guard<std::mutex> lk(g_mu);
    if (g_cached + padded <= kCacheLimit) {
      g_cache[padded].push_back(block);
      g_cached += padded;
      return;
    }
  }
  std::free(block);
}

void release(Napi::Env env, Record* r) {
  give_block(r->block, padded_size(r->bytes));
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
  // Node hands external memory to JS as a Buffer, whose limit is 2^32 bytes (Node 18 to 20); above
  // it creating the ArrayBuffer fails after its finalizer has already run
  if (bytes > (size_t(1) << 32))
    throw Error("kindling: one tensor's storage is limited to 4 GiB (2^32 bytes, Node's external buffer limit); asked for " + std::to_string(bytes) + " bytes");
  // outputs that a kernel overwrites entirely skip the zero fill (alloc(n, false))
  bool zero = !(info.Length() > 1 && info[1].IsBoolean() && !info[1].As<Napi::Boolean>().Value());
  void* block = take_block(padded_size(bytes));
  if (!block) {
    EmptyCache();
    block = std::aligned_alloc(kAlign, padded_size(bytes));
  }
  if (!block) throw Error("kindling: out of memory allocating " + std::to_string(bytes) + " bytes");
  if (zero) std::memset(block, 0, bytes);
  auto* r = new Record{block, bytes, false};
  {
    std::lock_guard<std::mutex> lk(g_mu);
    g_live[block] = r;
  }
  Napi::MemoryManagement::AdjustExternalMemory(env, int64_t(bytes));
  return Napi::ArrayBuffer::New(env, block, bytes, finalize, r);
}

void EmptyCache() {
  std::lock_guard<std::mutex> lk(g_mu);
  for (auto& kv : g_cache)
    for (void* b : kv.second) std::free(b);
  g_cache.clear();
  g_cached = 0;
}

Napi::Value EmptyCacheJs(const Napi::CallbackInfo& info) {
  EmptyCache();
  return info.Env().Undefined();
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
