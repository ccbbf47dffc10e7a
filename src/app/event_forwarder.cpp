// SPDX-License-Identifier: Apache-2.0
#include "app/event_forwarder.h"

#include <type_traits>

#include <sys/socket.h>

namespace agentsight::cli {
namespace {

// Both ends are the same binary: the counters cross as raw bytes.
static_assert(std::is_trivially_copyable_v<capture_stats>);

}  // namespace

event_forwarder::event_forwarder(bounded_queue<event>& in, int fd)
    : in_(in), fd_(fd), writer_(fd), thread_([this] { run(); }) {}

event_forwarder::~event_forwarder() {
    in_.close();
    if (thread_.joinable()) thread_.join();
}

void event_forwarder::publish(const capture_stats& s, std::vector<std::string> notes) {
    std::lock_guard lock(mu_);
    stats_ = s;
    stats_fresh_ = true;
    for (auto& n : notes) notes_.push_back(std::move(n));
}

void event_forwarder::send_status() {
    capture_stats s;
    std::vector<std::string> notes;
    {
        std::lock_guard lock(mu_);
        if (!stats_fresh_ && notes_.empty()) return;
        s = stats_;
        stats_fresh_ = false;
        notes.swap(notes_);
    }
    for (const auto& n : notes) writer_.add(frame_kind::note, n);
    writer_.add(frame_kind::stats, std::string_view(reinterpret_cast<const char*>(&s), sizeof s));
}

void event_forwarder::run() {
    frame_writer& w = writer_;
    while (!in_.closed_and_empty() && !w.broken()) {
        if (auto e = in_.pop(std::chrono::milliseconds(50))) {
            w.add_event(*e);
            // Take what is already queued without waiting, then write it in one go.
            while (!w.broken())
                if (auto more = in_.pop(std::chrono::milliseconds(0)))
                    w.add_event(*more);
                else
                    break;
        }
        send_status();
        w.flush();
    }
    if (w.broken()) {
        gone_ = true;
        return;
    }
    // finish() published the final counters before closing the queue.
    send_status();
    if (!w.flush()) gone_ = true;
    ::shutdown(fd_, SHUT_WR);
}

void event_forwarder::finish(const capture_stats& final_stats) {
    publish(final_stats, {});
    in_.close();
    if (thread_.joinable()) thread_.join();
}

}  // namespace agentsight::cli
