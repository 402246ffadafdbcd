// A small fixed thread pool shared by all CPU kernels. Work below a size threshold runs on the
// calling thread; above it, the range is split into one contiguous chunk per thread.
#pragma once
#include <cstdint>
#include <functional>

namespace kd {
int num_threads();
void set_num_threads(int n);
// Runs fn(begin, end) over [0, n) in chunks; grain is the minimum work per chunk.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);
constexpr int64_t kGrain = 32768;
}  // namespace kd
