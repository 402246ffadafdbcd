// Gather / scatter through int64 index tensors (gather, indexSelect, advanced indexing, index
// assignment and their gradients), and nonzero for boolean masks. Every index is bounds-checked
// as it is read; a bad index stops the kernel and is reported, never dereferenced.
#include <atomic>

#include "../include/dtype.h"
#include "../include/kernels.h"
#include "../include/parallel.h"

namespace kd {
namespace {

inline int64_t coord_offset(const Plan& p, int k, int64_t o) {
  int64_t off = p.offset[k], rem = o;
  for (int d = p.ndim - 1; d >= 0; --d) {
    off += (rem % p.shape[d]) * p.strides[k][d];
    rem /= p.shape[d];
  }
  return off;
}

// Resolves the element offset selected by the index operands at iteration o.
inline bool resolve(const Plan& p, int first_idx, int nidx, const int64_t* strides, const int64_t* sizes,
                    const char* const* idx, int64_t o, int64_t base, int64_t* target, int64_t* bad) {
  int64_t t = base;
  for (int k = 0; k < nidx; ++k) {
    int64_t v = reinterpret_cast<const int64_t*>(idx[k])[coord_offset(p, first_idx + k, o)];
    if (v < -sizes[k] || v >= sizes[k]) { *bad = v; return false; }
    if (v < 0) v += sizes[k];
    t += v * strides[k];
  }
  *target = t;
  return true;
}

template <class T> inline T accumulate_(T a, T b) {
  if constexpr (std::is_same_v<T, uint8_t>) return uint8_t(a | b); else return add_(a, b);
}

}  // namespace

bool cpu_gather(int dt, const Plan& p, int nidx, const int64_t* in_strides, const int64_t* sizes, char* out,
                const char* in, const char* const* idx, int64_t* bad) {
  std::atomic<bool> ok{true};
  std::atomic<int64_t> badv{0};
  KD_DISPATCH_ALL(dt, {
    parallel_for(p.numel, kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t o = lo; o < hi && ok.load(std::memory_order_relaxed); ++o) {
        int64_t t = 0, b = 0;
        if (!resolve(p, 2, nidx, in_strides, sizes, idx, o, coord_offset(p, 1, o), &t, &b)) {
          badv = b;
          ok = false;
          return;
        }
        reinterpret_cast<T*>(out)[coord_offset(p, 0, o)] = reinterpret_cast<const T*>(in)[t];
      }
    });
  });
  *bad = badv;
  return ok;
}

bool cpu_scatter(int dt, const Plan& p, int nidx, const int64_t* out_strides, const int64_t* sizes, const char* src,
                 char* out, const char* const* idx, bool accumulate, int64_t* bad) {
  // Validate every index first so a failed call leaves `out` untouched; then write serially,
  // since two positions may select the same target.
  for (int64_t o = 0; o < p.numel; ++o) {
    int64_t t = 0;
    if (!resolve(p, 2, nidx, out_strides, sizes, idx, o, 0, &t, bad)) return false;
  }
  KD_DISPATCH_ALL(dt, {
    for (int64_t o = 0; o < p.numel; ++o) {
      int64_t t = 0, b = 0;
      resolve(p, 2, nidx, out_strides, sizes, idx, o, coord_offset(p, 1, o), &t, &b);
      const T v = reinterpret_cast<const T*>(src)[coord_offset(p, 0, o)];
      T& dst = reinterpret_cast<T*>(out)[t];
      dst = accumulate ? accumulate_(dst, v) : v;
    }
  });
  return true;
}

int64_t cpu_nonzero(int dt, const Plan& p, const char* in, int64_t* coords) {
  int64_t count = 0;
  KD_DISPATCH_ALL(dt, {
    int64_t c[kMaxDims] = {0};
    for (int64_t o = 0; o < p.numel; ++o) {
      if (reinterpret_cast<const T*>(in)[coord_offset(p, 0, o)] != T(0)) {
        if (coords)
          for (int d = 0; d < p.ndim; ++d) coords[count * p.ndim + d] = c[d];
        ++count;
      }
      for (int d = p.ndim - 1; d >= 0; --d) {
        if (++c[d] < p.shape[d]) break;
        c[d] = 0;
      }
    }
  });
  return count;
}

}  // namespace kd
