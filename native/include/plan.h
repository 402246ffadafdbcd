// Plans handed from TypeScript: an iteration shape plus, per operand, an element offset and
// element strides. The binding checks every operand's reachable range against its buffer before a
// kernel runs, so no plan can make a kernel read or write outside a buffer.
#pragma once
#include <cstdint>
#include "error.h"

namespace kd {

constexpr int kMaxDims = 16;
constexpr int kMaxOps = 6;

struct Plan {
  int ndim = 0;
  int nops = 0;
  int64_t shape[kMaxDims];
  int64_t offset[kMaxOps];
  int64_t strides[kMaxOps][kMaxDims];  // in elements
  int64_t numel = 1;
};

// Decodes [ndim, nops, shape..., (offset, strides...) * nops] from a Float64Array.
Plan decode_plan(const double* p, size_t len, int expect_ops);
// Throws unless every element the operand can reach lies in [0, capacity_elems).
void check_operand(const Plan& p, int op, int64_t capacity_elems, const char* what);
// Same check for an arbitrary (shape, strides, offset) layout.
void check_layout(int ndim, const int64_t* shape, const int64_t* strides, int64_t offset,
                  int64_t capacity_elems, const char* what);

// Walks the plan's index space [begin, end) row by row: fn(ptrs, byte_strides_of_inner_dim, n)
// with ptrs pointing at the row's first element of each operand.
template <class F>
void for_each_row(const Plan& p, char* const* base, const int* elem_size, int64_t begin, int64_t end, F&& fn) {
  if (begin >= end) return;
  const int nd = p.ndim;
  const int no = p.nops;
  if (nd == 0) {
    char* ptrs[kMaxOps];
    int64_t bs[kMaxOps];
    for (int k = 0; k < no; ++k) { ptrs[k] = base[k] + p.offset[k] * elem_size[k]; bs[k] = 0; }
    fn(ptrs, bs, int64_t(1));
    return;
  }
  const int64_t inner = p.shape[nd - 1];
  int64_t bs[kMaxOps];
  for (int k = 0; k < no; ++k) bs[k] = p.strides[k][nd - 1] * elem_size[k];
  // coordinates of `begin`
  int64_t idx[kMaxDims];
  int64_t rem = begin;
  for (int d = nd - 1; d >= 0; --d) { idx[d] = rem % p.shape[d]; rem /= p.shape[d]; }
  int64_t pos = begin;
  char* ptrs[kMaxOps];
  while (pos < end) {
    for (int k = 0; k < no; ++k) {
      int64_t e = p.offset[k];
      for (int d = 0; d < nd; ++d) e += idx[d] * p.strides[k][d];
      ptrs[k] = base[k] + e * elem_size[k];
    }
    int64_t n = inner - idx[nd - 1];
    if (n > end - pos) n = end - pos;
    fn(ptrs, bs, n);
    pos += n;
    idx[nd - 1] += n;
    for (int d = nd - 1; d > 0 && idx[d] >= p.shape[d]; --d) { idx[d] = 0; ++idx[d - 1]; }
  }
}

}  // namespace kd
