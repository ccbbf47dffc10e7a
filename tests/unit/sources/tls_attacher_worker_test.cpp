// SPDX-License-Identifier: Apache-2.0
// The attacher's worker must never make its caller wait past a deadline, nor
// shutdown wait at all, whatever a job is stuck in (issue 16: a FIFO named
// libssl.so.3 blocked the attacher, and Ctrl-C with it, for good).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "sources/tls_attacher_worker.h"

namespace agentsight {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// A job stuck in a blocking read for good: a FIFO whose only writer is us.
struct stuck_fifo {
    stuck_fifo() {
        path = std::filesystem::path(::testing::TempDir()) /
               ("agentsight-worker-" + std::to_string(::getpid()));
        std::filesystem::remove(path);
        ::mkfifo(path.c_str(), 0600);
        writer = ::open(path.c_str(), O_RDWR);  // a writer that never writes
        reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
        ::fcntl(reader, F_SETFL, 0);  // from now on a read waits for data that never comes
    }
    // The descriptors stay open: an abandoned job stays stuck until the test exits.
    ~stuck_fifo() { std::filesystem::remove(path); }
    std::function<void()> job() const {
        return [fd = reader] {
            char c;
            while (::read(fd, &c, 1) > 0) {
            }
        };
    }
    std::filesystem::path path;
    int writer = -1, reader = -1;
};

TEST(tls_attacher_worker, runs_jobs_to_completion) {
    tls_attacher_worker w;
    int n = 0;
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(w.run([&n] { ++n; }, clock_type::now() + 5s));
    EXPECT_EQ(n, 3);
    EXPECT_EQ(w.abandoned(), 0u);
}

TEST(tls_attacher_worker, a_stuck_job_is_abandoned_at_its_deadline) {
    stuck_fifo fifo;
    ASSERT_GE(fifo.reader, 0);
    tls_attacher_worker w;
    auto start = clock_type::now();
    EXPECT_FALSE(w.run(fifo.job(), start + 300ms));
    EXPECT_LT(clock_type::now() - start, 2s);
    EXPECT_EQ(w.abandoned(), 1u);
    // The next job gets a fresh thread.
    bool ran = false;
    EXPECT_TRUE(w.run([&ran] { ran = true; }, clock_type::now() + 5s));
    EXPECT_TRUE(ran);
}

TEST(tls_attacher_worker, cancel_releases_a_waiting_caller_and_shutdown_does_not_wait) {
    stuck_fifo fifo;
    ASSERT_GE(fifo.reader, 0);
    auto w = std::make_unique<tls_attacher_worker>();
    std::thread canceller([&] {
        std::this_thread::sleep_for(200ms);
        w->cancel();
    });
    auto start = clock_type::now();
    EXPECT_FALSE(w->run(fifo.job(), start + 60s));
    canceller.join();
    EXPECT_LT(clock_type::now() - start, 2s) << "cancel() did not release run()";
    EXPECT_FALSE(w->run([] {}, clock_type::now() + 5s)) << "runs after cancel()";
    start = clock_type::now();
    w.reset();
    EXPECT_LT(clock_type::now() - start, 1s);
}

}  // namespace
}  // namespace agentsight
