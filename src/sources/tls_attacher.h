// SPDX-License-Identifier: Apache-2.0
// Decides where TLS uprobes go and keeps them attached to exactly the traced
// processes: on exec (new image), on the open of a TLS library (ld.so or dlopen), on fork
// (inherited mappings). Runs on its own thread because
// discovery can be slow (a stripped 245 MB binary) and the ring-buffer
// consumer must never wait for it. The files are chosen by the traced
// processes, so everything that touches them runs on an abandonable worker
// under a deadline, and a file refused for safety is reported, not ignored.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <condition_variable>
#include <deque>
#include <functional>
#include "bpf/probes.h"
#include "sources/tls_attacher_worker.h"
#include "tls/target_file.h"
#include "tls/tls_discovery.h"

namespace agentsight {

struct tls_attacher_stats {
    uint64_t files_scanned = 0;
    uint64_t files_with_tls = 0;
    uint64_t probes_attached = 0;
    uint64_t attach_failures = 0;
    uint64_t requests_dropped = 0;  // attach requests refused: the request queue was full
    uint64_t files_skipped = 0;     // files refused for safety: each one a tls_skipped event
};

// A traced process's file not searched for TLS functions, and why (tls::skip).
using tls_skipped_fn =
    std::function<void(int32_t pid, const std::string& path, const std::string& reason)>;

class tls_attacher {
  public:
    tls_attacher(bpf::tls_probe& probe, tls::discovery_options opts, tls_skipped_fn on_skipped);
    ~tls_attacher();

    void on_exec(int32_t pid) { request({kind::scan, pid, 0, {}}); }
    void on_fork(int32_t parent, int32_t child) { request({kind::scan, child, parent, {}}); }
    // A traced process opened a TLS library (ld.so or dlopen): attach to it
    // now, before the library's first call, rather than after it is mapped.
    void on_library_open(int32_t pid, std::string path) {
        request({kind::library, pid, 0, std::move(path)});
    }
    static bool is_tls_library(const std::string& path);
    static bool has_unidentified_boringssl(const tls::tls_discovery_result& found);
    // Attaches synchronously (used before a launched command is released).
    void attach_now(int32_t pid);
    // Attaches a file the held command PID is about to exec (sources/command_program.h),
    // synchronously.
    void attach_program_now(int32_t pid, const std::string& file) {
        handle({kind::library, pid, 0, file});
    }

    tls_attacher_stats stats() const;
    // Human-readable notes (e.g. "no TLS found in X") not yet shown to the user.
    std::vector<std::string> take_notes();

  private:
    enum class kind { scan, library };
    struct request_t {
        kind k;
        int32_t pid;
        int32_t parent;
        std::string path;
    };
    struct file_key {
        uint64_t dev, ino;
        auto operator<=>(const file_key&) const = default;
    };
    struct attachment {
        file_key file;
        std::vector<bpf::link_ptr> links;   // perf-event uprobes: one per function and kind
        std::vector<bpf::unique_fd> multi;  // uprobe_multi: entry and return for the file
    };

    void request(request_t r);
    void run();
    void handle(const request_t& r);
    void scan(int32_t pid);
    void attach_path(int32_t pid, const std::string& file, bool opened_by_name);
    static void detach(std::vector<attachment>& gone);
    bool attached(const file_key& key) const;  // mu_ held
    bool stopping() const;
    // nullptr once the recording stops.
    const tls::tls_discovery_result* discover(const file_key& key,
                                              std::shared_ptr<tls::target_file> file,
                                              const std::string& path);
    void skipped(int32_t pid, const std::string& file, const std::string& reason,
                 std::optional<file_key> key);
    void attach_file(int32_t pid, const file_key& key, const std::string& attach_path,
                     const std::string& shown_path, const tls::tls_discovery_result& found);

    bpf::tls_probe& probe_;
    tls::discovery_options opts_;
    tls_skipped_fn on_skipped_;
    tls_attacher_worker worker_;
    // Requests in two lanes: library opens first (they race the process's
    // first TLS call), then scans, forks and exits in arrival order.
    static constexpr size_t k_max_requests = 65536;
    mutable std::mutex queue_mu_;
    std::condition_variable queue_cv_;
    std::deque<request_t> urgent_, normal_;
    std::set<int32_t> pending_scans_;
    uint64_t dropped_requests_ = 0;
    bool stop_ = false;  // guarded by queue_mu_

    mutable std::mutex mu_;  // guards everything below
    std::map<file_key, tls::tls_discovery_result> discovered_;
    std::set<file_key> skipped_files_;  // reported once each
    std::set<file_key> global_;         // attached files: each for all processes (see attach_file)
    std::vector<attachment> global_attachments_;
    tls_attacher_stats stats_;
    std::vector<std::string> notes_;

    std::thread thread_;
};

}  // namespace agentsight
