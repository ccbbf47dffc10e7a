// SPDX-License-Identifier: Apache-2.0
// The TLS attacher's hands for everything that touches a file a traced
// process chose: opening it, reading its maps, searching it. Each job runs on
// a helper thread and the caller waits only until a deadline; a job that
// overruns (a file system that never answers, a search past its budget) or
// that is still running when the recording stops is abandoned together with
// its thread, so neither the attacher nor shutdown ever waits on it.
// A job must therefore own everything it touches (capture by value or
// shared_ptr, never `this`).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace agentsight {

class tls_attacher_worker {
  public:
    tls_attacher_worker() = default;
    tls_attacher_worker(const tls_attacher_worker&) = delete;
    tls_attacher_worker& operator=(const tls_attacher_worker&) = delete;
    ~tls_attacher_worker();  // an idle thread is joined, a busy one left behind

    // True when `job` finished; false when the deadline passed or cancel()
    // was called first (the job then finishes, or not, on its own).
    bool run(std::function<void()> job, std::chrono::steady_clock::time_point deadline);
    // From any thread: the current and every later run() returns false at once.
    void cancel();
    uint64_t abandoned() const { return abandoned_; }

  private:
    struct shared {
        std::mutex mu;
        std::condition_variable cv;
        std::function<void()> job;
        bool has_job = false, running = false, done = false, quit = false;
    };
    static void loop(std::shared_ptr<shared> s);
    void abandon();  // caller holds ptr_mu_

    std::mutex run_mu_;  // one job at a time, whichever thread asks
    std::atomic<bool> cancelled_{false};
    std::atomic<uint64_t> abandoned_{0};
    std::mutex ptr_mu_;  // guards s_ and thread_ against cancel() from another thread
    std::shared_ptr<shared> s_;
    std::thread thread_;
};

}  // namespace agentsight
