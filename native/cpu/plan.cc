#include "../include/plan.h"

#include <cmath>
#include <string>

namespace kd {

static int64_t as_int(double v, const char* what) {
  if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 9.0e15)
    throw Error(std::string("kindling: invalid plan value for ") + what);
  return int64_t(v);
}

Plan decode_plan(const double* p, size_t len, int expect_ops) {
  Plan plan;
  if (len < 2) throw Error("kindling: plan too short");
  int64_t nd = as_int(p[0], "ndim"), no = as_int(p[1], "operand count");
  if (nd < 0 || nd > kMaxDims) throw Error("kindling: plan has more than 16 dimensions");
  if (no != expect_ops) throw Error("kindling: plan has the wrong number of operands");
  plan.ndim = int(nd);
  plan.nops = int(no);
  size_t need = 2 + size_t(nd) + size_t(no) * (1 + size_t(nd));
  if (len < need) throw Error("kindling: plan too short");
  const double* q = p + 2;
  plan.numel = 1;
  for (int d = 0; d < nd; ++d) {
    int64_t s = as_int(*q++, "shape");
    if (s < 0) throw Error("kindling: negative size in plan");
    plan.shape[d] = s;
    if (s != 0 && plan.numel > (int64_t(1) << 50) / s) throw Error("kindling: plan size overflows");
    plan.numel *= s;
  }
  for (int k = 0; k < no; ++k) {
    plan.offset[k] = as_int(*q++, "offset");
    for (int d = 0; d < nd; ++d) plan.strides[k][d] = as_int(*q++, "stride");
  }
  return plan;
}

void check_layout(int ndim, const int64_t* shape, const int64_t* strides, int64_t offset,
                  int64_t capacity, const char* what) {
  int64_t lo = offset, hi = offset, n = 1;
  for (int d = 0; d < ndim; ++d) {
    n *= shape[d];
    if (shape[d] == 0) break;
    int64_t span = (shape[d] - 1) * strides[d];
    if (span < 0) lo += span; else hi += span;
  }
  if (n == 0) return;
  if (lo < 0 || hi >= capacity)
    throw Error(std::string("kindling: ") + what + " layout reaches outside its buffer (elements " +
                std::to_string(lo) + ".." + std::to_string(hi) + " of " + std::to_string(capacity) + ")");
}

void check_operand(const Plan& p, int op, int64_t capacity, const char* what) {
  check_layout(p.ndim, p.shape, p.strides[op], p.offset[op], capacity, what);
}

}  // namespace kd
