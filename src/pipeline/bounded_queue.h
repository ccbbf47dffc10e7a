// SPDX-License-Identifier: Apache-2.0
// Multi-producer, single-consumer queue with a hard capacity. Producers on the
// capture side never block: a full queue refuses the item and counts it, so the
// ring-buffer consumer keeps draining the kernel even if analysis falls behind.
// The analysis process's socket reader uses push_wait: there, waiting pushes
// the back-pressure to the capture process's queue, where drops are counted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace agentsight {

template <typename T>
class bounded_queue {
  public:
    explicit bounded_queue(size_t capacity) : capacity_(capacity) {}

    bool try_push(T item) {
        {
            std::lock_guard lock(mu_);
            if (closed_ || items_.size() >= capacity_) {
                dropped_.fetch_add(1, std::memory_order_relaxed);
                return false;
            }
            items_.push_back(std::move(item));
        }
        cv_.notify_one();
        return true;
    }

    // Waits for space; false (item discarded, not counted) once closed.
    bool push_wait(T item) {
        {
            std::unique_lock lock(mu_);
            space_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
            if (closed_) return false;
            items_.push_back(std::move(item));
        }
        cv_.notify_one();
        return true;
    }

    // Waits up to `timeout`; nullopt on timeout or when closed and drained.
    std::optional<T> pop(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, timeout, [&] { return !items_.empty() || closed_; });
        if (items_.empty()) return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        lock.unlock();
        space_.notify_one();
        return item;
    }

    void close() {
        {
            std::lock_guard lock(mu_);
            closed_ = true;
        }
        cv_.notify_all();
        space_.notify_all();
    }

    bool closed_and_empty() const {
        std::lock_guard lock(mu_);
        return closed_ && items_.empty();
    }

    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  private:
    const size_t capacity_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::condition_variable space_;
    std::deque<T> items_;
    bool closed_ = false;
    std::atomic<uint64_t> dropped_{0};
};

}  // namespace agentsight
