// Counter-based random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as
// 1, 2, 3", SC'11). Draw element i from counter (offset + i) and key = seed, so a stream is
// reproducible from (seed, offset) alone, independent of thread count, and the CUDA kernels can
// produce the same numbers.
#include <cmath>

#include "../include/dtype.h"
#include "../include/kernels.h"
#include "../include/parallel.h"

namespace kd {
namespace {

struct U4 {
  uint32_t x[4];
};

inline U4 philox(uint64_t counter, uint64_t seed) {
  uint32_t c0 = uint32_t(counter), c1 = uint32_t(counter >> 32), c2 = 0, c3 = 0;
  uint32_t k0 = uint32_t(seed), k1 = uint32_t(seed >> 32);
  for (int r = 0; r < 10; ++r) {
    uint64_t p0 = uint64_t(0xD2511F53u) * c0;
    uint64_t p1 = uint64_t(0xCD9E8D57u) * c2;
    uint32_t n0 = uint32_t(p1 >> 32) ^ c1 ^ k0;
    uint32_t n2 = uint32_t(p0 >> 32) ^ c3 ^ k1;
    c1 = uint32_t(p1);
    c3 = uint32_t(p0);
    c0 = n0;
    c2 = n2;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return {{c0, c1, c2, c3}};
}

// uniform in [0, 1) with 53 random bits
inline double u01(uint32_t a, uint32_t b) { return double(((uint64_t(a) << 32) | b) >> 11) * 0x1p-53; }

}  // namespace

void cpu_random(int kind, int dt, char* out, int64_t n, uint64_t seed, uint64_t offset, double a, double b) {
  KD_DISPATCH_ALL(dt, {
    T* o = reinterpret_cast<T*>(out);
    parallel_for(n, 4096, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) {
        U4 r = philox(offset + uint64_t(i), seed);
        double v;
        switch (kind) {
          case RAND_UNIFORM: v = a + (b - a) * u01(r.x[0], r.x[1]); break;
          case RAND_NORMAL: {
            // Box-Muller; 1 - u keeps the log argument in (0, 1]
            double u1 = 1.0 - u01(r.x[0], r.x[1]), u2 = u01(r.x[2], r.x[3]);
            v = a + b * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
            break;
          }
          case RAND_INT: {
            // [a, b): multiply-shift on 64 random bits; the bias is below 2^-32 for ranges < 2^32
            uint64_t range = uint64_t(b - a);
            uint64_t bits = (uint64_t(r.x[0]) << 32) | r.x[1];
            v = a + double(uint64_t((static_cast<unsigned __int128>(bits) * range) >> 64));
            break;
          }
          default: v = u01(r.x[0], r.x[1]) < a ? 1.0 : 0.0; break;  // bernoulli(p = a)
        }
        if constexpr (std::is_floating_point_v<T>) {
          // float32 rounding can turn a value just below b into b; keep uniform draws in [a, b)
          T t = T(v);
          if (kind == RAND_UNIFORM && t >= T(b) && b > a) t = std::nextafter(T(b), T(a));
          o[i] = t;
        } else if constexpr (std::is_same_v<T, uint8_t>) {
          o[i] = v != 0 ? 1 : 0;
        } else {
          o[i] = T(v);
        }
      }
    });
  });
}

}  // namespace kd
