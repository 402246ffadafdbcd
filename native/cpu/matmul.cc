// Matrix products. float32/float64 go to OpenBLAS (cblas_?gemm) when the build found it; otherwise,
// and for integer dtypes, to kindling's own cache-blocked kernel (gemm_blocked.h). Batches come
// from the plan over the (broadcast) batch dims.
#include <algorithm>
#include <string>

#include "../include/dtype.h"
#include "../include/gemm_blocked.h"
#include "../include/kernels.h"
#include "../include/parallel.h"

#ifdef KINDLING_HAVE_OPENBLAS
#include <cblas.h>
extern "C" void openblas_set_num_threads(int);
#endif

namespace kd {

const char* blas_name() {
#ifdef KINDLING_HAVE_OPENBLAS
  return "openblas";
#else
  return "builtin";
#endif
}

void blas_set_threads(int n) {
#ifdef KINDLING_HAVE_OPENBLAS
  openblas_set_num_threads(n);
#else
  (void)n;
#endif
}

namespace {

template <class T>
void batch_offsets(const Plan& p, int64_t b, int64_t* oc, int64_t* oa, int64_t* ob) {
  int64_t c = p.offset[0], a = p.offset[1], bb = p.offset[2], rem = b;
  for (int d = p.ndim - 1; d >= 0; --d) {
    int64_t i = rem % p.shape[d];
    rem /= p.shape[d];
    c += i * p.strides[0][d];
    a += i * p.strides[1][d];
    bb += i * p.strides[2][d];
  }
  *oc = c;
  *oa = a;
  *ob = bb;
}

#ifdef KINDLING_HAVE_OPENBLAS
// A BLAS operand needs unit stride along one of its two dims; returns false if it has none.
bool blas_layout(int64_t rs, int64_t cs, int64_t rows, int64_t cols, CBLAS_TRANSPOSE* tr, int64_t* ld) {
  if (cs == 1 && (rs >= std::max<int64_t>(cols, 1) || rows == 1)) { *tr = CblasNoTrans; *ld = std::max<int64_t>({rs, cols, 1}); return true; }
  if (rs == 1 && (cs >= std::max<int64_t>(rows, 1) || cols == 1)) { *tr = CblasTrans; *ld = std::max<int64_t>({cs, rows, 1}); return true; }
  return false;
}

template <class T>
bool blas_gemm(const MatmulDims& d, T* c, const T* a, const T* b) {
  CBLAS_TRANSPOSE ta, tb;
  int64_t lda, ldb;
  if (!blas_layout(d.a_rs, d.a_cs, d.m, d.k, &ta, &lda) || !blas_layout(d.b_rs, d.b_cs, d.k, d.n, &tb, &ldb)) return false;
  if (d.c_cs != 1 || d.c_rs < std::max<int64_t>(d.n, 1)) return false;
  const int64_t lim = 2147483647;
  if (d.m > lim || d.n > lim || d.k > lim || lda > lim || ldb > lim || d.c_rs > lim) return false;
  if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, ta, tb, int(d.m), int(d.n), int(d.k), 1.0f, a, int(lda), b, int(ldb), 0.0f, c, int(d.c_rs));
  else
    cblas_dgemm(CblasRowMajor, ta, tb, int(d.m), int(d.n), int(d.k), 1.0, a, int(lda), b, int(ldb), 0.0, c, int(d.c_rs));
  return true;
}
#endif

}  // namespace

void cpu_matmul(int dt, const Plan& p, const MatmulDims& d, char* c, const char* a, const char* b) {
  const int64_t nb = p.numel;
  KD_DISPATCH_ALL(dt, {
    if constexpr (std::is_same_v<T, uint8_t>) {
      throw Error("kindling: matmul is not defined for bool tensors");
    } else {
      auto one = [&](int64_t i) {
        int64_t oc, oa, ob;
        batch_offsets<T>(p, i, &oc, &oa, &ob);
        T* C = reinterpret_cast<T*>(c) + oc;
        const T* A = reinterpret_cast<const T*>(a) + oa;
        const T* B = reinterpret_cast<const T*>(b) + ob;
#ifdef KINDLING_HAVE_OPENBLAS
        if constexpr (std::is_floating_point_v<T>) {
          if (blas_gemm<T>(d, C, A, B)) return;
        }
#endif
        gemm_blocked<T>(d.m, d.n, d.k, A, d.a_rs, d.a_cs, B, d.b_rs, d.b_cs, C, d.c_rs, d.c_cs);
      };
      const int64_t flops = d.m * d.n * std::max<int64_t>(d.k, 1);
      const bool blas_path = std::is_floating_point_v<T> && std::string(blas_name()) == "openblas";
      if (nb > 1 && flops < (int64_t(1) << 18)) {
        // many small products: spread the batch over kindling's threads, BLAS single-threaded
        blas_set_threads(1);
        parallel_for(nb, std::max<int64_t>(1, (int64_t(1) << 16) / flops), [&](int64_t lo, int64_t hi) {
          for (int64_t i = lo; i < hi; ++i) one(i);
        });
        blas_set_threads(num_threads());
      } else if (!blas_path && nb == 1) {
        // the built-in kernel parallelises over row blocks itself
        one(0);
      } else {
        for (int64_t i = 0; i < nb; ++i) one(i);
      }
    }
  });
}

}  // namespace kd
