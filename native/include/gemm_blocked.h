// kindling's own cache-blocked GEMM: C = A * B with arbitrary element strides. Used for integer
// dtypes and, when the build has no OpenBLAS, for floats. Panels of A and B are packed into
// contiguous blocks that fit the L2/L1 caches, then a register-blocked micro-kernel (MR x NR
// accumulators the compiler keeps in vector registers) runs over them. Row blocks are spread over
// kindling's thread pool.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "dtype.h"
#include "parallel.h"

namespace kd {

template <class T>
void gemm_blocked(int64_t M, int64_t N, int64_t K, const T* A, int64_t ars, int64_t acs, const T* B, int64_t brs,
                  int64_t bcs, T* C, int64_t crs, int64_t ccs) {
  constexpr int64_t MR = 4, NR = 16;
  constexpr int64_t MC = 64, KC = 256, NC = 1024;
  if (M == 0 || N == 0) return;
  if (K == 0) {
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) C[i * crs + j * ccs] = T(0);
    return;
  }
  const int64_t mblocks = (M + MC - 1) / MC;
  parallel_for(mblocks, (M * N * K > (int64_t(1) << 20)) ? 1 : mblocks, [&](int64_t blo, int64_t bhi) {
    std::vector<T> bp(size_t(KC * NC));
    std::vector<T> ap(size_t(MC * KC));
    for (int64_t jc = 0; jc < N; jc += NC) {
      const int64_t nc = std::min(NC, N - jc);
      for (int64_t pc = 0; pc < K; pc += KC) {
        const int64_t kc = std::min(KC, K - pc);
        // pack B[pc:pc+kc, jc:jc+nc] into NR-wide column panels, zero padded
        for (int64_t jr = 0; jr < nc; jr += NR) {
          T* dst = bp.data() + jr * kc;
          const int64_t nr = std::min(NR, nc - jr);
          for (int64_t p = 0; p < kc; ++p)
            for (int64_t j = 0; j < NR; ++j)
              dst[p * NR + j] = j < nr ? B[(pc + p) * brs + (jc + jr + j) * bcs] : T(0);
        }
        for (int64_t ib = blo; ib < bhi; ++ib) {
          const int64_t ic = ib * MC, mc = std::min(MC, M - ic);
          // pack A[ic:ic+mc, pc:pc+kc] into MR-tall row panels
          for (int64_t ir = 0; ir < mc; ir += MR) {
            T* dst = ap.data() + ir * kc;
            const int64_t mr = std::min(MR, mc - ir);
            for (int64_t p = 0; p < kc; ++p)
              for (int64_t i = 0; i < MR; ++i)
                dst[p * MR + i] = i < mr ? A[(ic + ir + i) * ars + (pc + p) * acs] : T(0);
          }
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t mr = std::min(MR, mc - ir);
            for (int64_t jr = 0; jr < nc; jr += NR) {
              const int64_t nr = std::min(NR, nc - jr);
              T acc[MR][NR] = {};
              const T* a = ap.data() + ir * kc;
              const T* b = bp.data() + jr * kc;
              for (int64_t p = 0; p < kc; ++p)
                for (int64_t i = 0; i < MR; ++i)
                  for (int64_t j = 0; j < NR; ++j) acc[i][j] = add_(acc[i][j], mul_(a[p * MR + i], b[p * NR + j]));
              for (int64_t i = 0; i < mr; ++i)
                for (int64_t j = 0; j < nr; ++j) {
                  T& dst = C[(ic + ir + i) * crs + (jc + jr + j) * ccs];
                  dst = pc == 0 ? acc[i][j] : add_(dst, acc[i][j]);
                }
            }
          }
        }
      }
    }
  });
}

}  // namespace kd
