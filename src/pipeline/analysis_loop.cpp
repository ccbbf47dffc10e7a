// SPDX-License-Identifier: Apache-2.0
#include "pipeline/analysis_loop.h"

#include <chrono>

namespace agentsight {

uint64_t wall_clock_ns() {
    using namespace std::chrono;
    return uint64_t(duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count());
}

analysis_loop::analysis_loop(bounded_queue<event>& in, pipeline& p)
    : in_(in), pipeline_(p), thread_([this] { run(); }) {}

analysis_loop::~analysis_loop() {
    finish();
}

void analysis_loop::run() {
    using clock = std::chrono::steady_clock;
    auto last_flush = clock::now(), last_tick = clock::now();
    while (!in_.closed_and_empty()) {
        if (auto e = in_.pop(std::chrono::milliseconds(50))) {
            pipeline_.push(std::move(*e));
        }
        auto now = clock::now();
        if (now - last_tick >= std::chrono::seconds(1)) {
            pipeline_.tick(wall_clock_ns());
            last_tick = now;
        }
        if (now - last_flush >= std::chrono::milliseconds(100)) {
            pipeline_.flush_sinks();
            last_flush = now;
            if (auto f = pipeline_.failure(); !f.empty()) {
                {
                    std::lock_guard lock(mu_);
                    failure_ = std::move(f);
                }
                in_.close();  // wakes a producer waiting for space
                break;
            }
        }
    }
    pipeline_.finish();
}

std::string analysis_loop::failure() const {
    std::lock_guard lock(mu_);
    return failure_;
}

void analysis_loop::finish() {
    in_.close();
    if (thread_.joinable()) thread_.join();
}

}  // namespace agentsight
