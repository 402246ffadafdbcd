// CPU kernel entry points, one per op family. Every pointer has been checked against its plan by
// the binding before these run.
#pragma once
#include <cstdint>

#include "plan.h"

namespace kd {

enum UnaryId {
#define KD_UNARY(name, kind, expr) U_##name,
#include "ops.def"
  U_COUNT
};
enum BinaryId {
#define KD_BINARY(name, kind, expr) B_##name,
#include "ops.def"
  B_COUNT
};
enum ReduceId {
#define KD_REDUCE(name) R_##name,
#include "ops.def"
  R_COUNT
};
enum ScanId { S_cumsum = 0, S_cumprod = 1, S_COUNT };

// Output dtype of a reduction for input dtype dt (PyTorch's: integer sums are int64, arg* int64).
int reduce_out_dtype(int op, int dt);
// Output dtype of a binary op: operand dtype, or bool for comparisons and logical ops.
int binary_out_dtype(int op, int dt);
bool unary_supports(int op, int dt);

void cpu_unary(int op, int dt, const Plan& p, char* out, const char* in);
void cpu_clamp(int dt, const Plan& p, char* out, const char* in, const double* lo, const double* hi);
void cpu_binary(int op, int dt, const Plan& p, char* out, const char* a, const char* b);
void cpu_copy(int dt_in, int dt_out, const Plan& p, char* out, const char* in);
void cpu_where(int dt, const Plan& p, char* out, const char* cond, const char* a, const char* b);
// Plan operands [out, in]; dims [0, nouter) are kept (out strides), the rest reduced (out stride 0).
void cpu_reduce(int op, int dt, const Plan& p, int nouter, char* out, const char* in, double scale);
// Plan operands [out, in] over the non-scanned dims; the scanned dim has length len.
void cpu_scan(int op, int dt, const Plan& p, int64_t len, int64_t s_out, int64_t s_in, char* out, const char* in);

struct MatmulDims {
  int64_t m, n, k;
  int64_t a_rs, a_cs, b_rs, b_cs, c_rs, c_cs;  // element strides of the matrices inside a batch
};
// Plan operands [c, a, b] over the batch dims.
void cpu_matmul(int dt, const Plan& p, const MatmulDims& d, char* c, const char* a, const char* b);
const char* blas_name();
void blas_set_threads(int n);

// out[i] = in[offset_i + sum_k idx_k[i] * stride_k]; plan operands [out, in, idx_0 .. idx_{n-1}].
// sizes[k] bounds idx_k (negative indices wrap once, as PyTorch). Returns false with *bad set to
// the first out-of-range index value.
bool cpu_gather(int dt, const Plan& p, int nidx, const int64_t* in_strides, const int64_t* sizes,
                char* out, const char* in, const char* const* idx, int64_t* bad);
// out[offset_i + sum_k idx_k[i] * stride_k] (+)= src[i]; plan operands [src, out, idx...].
bool cpu_scatter(int dt, const Plan& p, int nidx, const int64_t* out_strides, const int64_t* sizes,
                 const char* src, char* out, const char* const* idx, bool accumulate, int64_t* bad);
// Counts nonzero elements of a plan with one operand, or writes their coordinates (int64, [count, ndim]).
int64_t cpu_nonzero(int dt, const Plan& p, const char* in, int64_t* coords);

// Counter-based random numbers (Philox4x32-10): element i of a draw uses counter (offset + i).
enum RandomKind { RAND_UNIFORM = 0, RAND_NORMAL = 1, RAND_INT = 2, RAND_BERNOULLI = 3 };
void cpu_random(int kind, int dt, char* out, int64_t n, uint64_t seed, uint64_t offset, double a, double b);

}  // namespace kd
