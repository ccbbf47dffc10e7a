// SPDX-License-Identifier: Apache-2.0
#include "sources/tls_attacher_worker.h"

namespace agentsight {

void tls_attacher_worker::loop(std::shared_ptr<shared> s) {
    std::unique_lock lock(s->mu);
    for (;;) {
        s->cv.wait(lock, [&] { return s->quit || s->has_job; });
        if (s->has_job) {
            auto job = std::move(s->job);
            s->has_job = false;
            s->running = true;
            lock.unlock();
            job();
            job = nullptr;  // what it captured goes now, not with the thread
            lock.lock();
            s->running = false;
            s->done = true;
            s->cv.notify_all();
        }
        if (s->quit) return;
    }
}

bool tls_attacher_worker::run(std::function<void()> job,
                              std::chrono::steady_clock::time_point deadline) {
    std::lock_guard one(run_mu_);
    std::shared_ptr<shared> s;
    {
        std::lock_guard p(ptr_mu_);
        if (cancelled_) return false;
        if (!s_) {
            s_ = std::make_shared<shared>();
            thread_ = std::thread(loop, s_);
        }
        s = s_;
    }
    std::unique_lock lock(s->mu);
    s->job = std::move(job);
    s->has_job = true;
    s->done = false;
    s->cv.notify_all();
    bool finished =
        s->cv.wait_until(lock, deadline, [&] { return s->done || cancelled_; }) && s->done;
    lock.unlock();
    if (finished) return true;
    std::lock_guard p(ptr_mu_);
    if (s_ == s) abandon();
    return false;
}

void tls_attacher_worker::abandon() {
    {
        std::lock_guard lock(s_->mu);
        s_->quit = true;
    }
    s_->cv.notify_all();
    thread_.detach();
    s_.reset();
    abandoned_++;
}

void tls_attacher_worker::cancel() {
    std::lock_guard p(ptr_mu_);
    cancelled_ = true;
    if (!s_) return;
    // Under the job's mutex, so a run() about to wait cannot miss the wake-up.
    std::lock_guard lock(s_->mu);
    s_->cv.notify_all();
}

tls_attacher_worker::~tls_attacher_worker() {
    std::lock_guard p(ptr_mu_);
    if (!s_) return;
    bool idle = false;
    {
        std::lock_guard lock(s_->mu);
        idle = !s_->has_job && !s_->running;
        s_->quit = true;
    }
    s_->cv.notify_all();
    if (idle) {
        thread_.join();
        s_.reset();
    } else {
        abandon();
    }
}

}  // namespace agentsight
