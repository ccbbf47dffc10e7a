// SPDX-License-Identifier: Apache-2.0
// One owner per libbpf handle: movable, not copyable, destroyed exactly once.
// Declare links before the skeleton they belong to so they die first.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include <bpf/libbpf.h>
#include <unistd.h>

namespace agentsight::bpf {

struct link_deleter {
    void operator()(bpf_link* l) const { bpf_link__destroy(l); }
};
using link_ptr = std::unique_ptr<bpf_link, link_deleter>;

struct ring_buffer_deleter {
    void operator()(ring_buffer* r) const { ring_buffer__free(r); }
};
using ring_buffer_ptr = std::unique_ptr<ring_buffer, ring_buffer_deleter>;

// A generated skeleton: `Destroy` is its <name>__destroy function.
template <typename Skel, void (*Destroy)(Skel*)>
struct skeleton_deleter {
    void operator()(Skel* s) const { Destroy(s); }
};
template <typename Skel, void (*Destroy)(Skel*)>
using skeleton_ptr = std::unique_ptr<Skel, skeleton_deleter<Skel, Destroy>>;

class unique_fd {
  public:
    unique_fd() = default;
    explicit unique_fd(int fd) : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(o.release()) {}
    unique_fd& operator=(unique_fd&& o) noexcept {
        reset(o.release());
        return *this;
    }
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() { reset(); }

    int get() const { return fd_; }
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

// Detaching a tracepoint or uprobe waits for an RCU grace period (~90 ms on
// our VMs). Detaching from many threads at once shares the grace periods, so
// stopping takes one wait instead of one per probe.
inline void destroy_links_in_parallel(std::vector<bpf_link*> links) {
    std::vector<std::thread> workers;
    workers.reserve(links.size());
    for (bpf_link* l : links)
        if (l) workers.emplace_back([l] { bpf_link__destroy(l); });
    for (auto& w : workers) w.join();
}

inline void destroy_links_in_parallel(std::vector<link_ptr>& links) {
    std::vector<bpf_link*> raw;
    for (auto& l : links) raw.push_back(l.release());
    links.clear();
    destroy_links_in_parallel(std::move(raw));
}

}  // namespace agentsight::bpf
