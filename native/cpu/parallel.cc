// Fixed-size thread pool: workers sleep on a condition variable and take one chunk each per job.
#include "../include/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace kd {
namespace {

class Pool {
 public:
  explicit Pool(int n) { resize(n); }
  ~Pool() { stop(); }

  int size() const { return nthreads_; }

  void resize(int n) {
    stop();
    nthreads_ = std::max(1, n);
    quit_ = false;
    // new workers wait for the next job: a stale generation would make them run the last job again
    const uint64_t current = generation_;
    for (int i = 1; i < nthreads_; ++i) workers_.emplace_back([this, i, current] { loop(i, current); });
  }

  void run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
    int64_t chunks = std::min<int64_t>(nthreads_, (n + grain - 1) / grain);
    if (chunks <= 1 || busy_.exchange(true)) {  // nested or concurrent callers run inline
      fn(0, n);
      return;
    }
    {
      std::unique_lock<std::mutex> lk(mu_);
      job_ = &fn;
      n_ = n;
      chunks_ = chunks;
      pending_ = int(chunks - 1);
      ++generation_;
    }
    cv_.notify_all();
    fn(0, n / chunks);  // the caller takes chunk 0
    std::unique_lock<std::mutex> lk(mu_);
    done_cv_.wait(lk, [this] { return pending_ == 0; });
    job_ = nullptr;
    busy_ = false;
  }

 private:
  void loop(int id, uint64_t seen) {
    for (;;) {
      const std::function<void(int64_t, int64_t)>* job;
      int64_t n, chunks;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
        job = job_;
        n = n_;
        chunks = chunks_;
      }
      if (job && id < chunks) {
        (*job)(n * id / chunks, n * (id + 1) / chunks);
        std::lock_guard<std::mutex> lk(mu_);
        if (--pending_ == 0) done_cv_.notify_one();
      }
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  int nthreads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t n_ = 0, chunks_ = 0;
  int pending_ = 0;
  uint64_t generation_ = 0;
  bool quit_ = false;
  std::atomic<bool> busy_{false};
};

int default_threads() {
  if (const char* e = std::getenv("KINDLING_NUM_THREADS")) {
    int v = std::atoi(e);
    if (v > 0) return v;
  }
  unsigned hc = std::thread::hardware_concurrency();
  return hc ? int(hc) : 1;
}

Pool& pool() {
  static Pool p(default_threads());
  return p;
}

}  // namespace

int num_threads() { return pool().size(); }
void set_num_threads(int n) { pool().resize(n); }

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (n <= grain) {
    fn(0, n);
    return;
  }
  pool().run(n, grain, fn);
}

}  // namespace kd
