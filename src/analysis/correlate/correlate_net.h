// SPDX-License-Identifier: Apache-2.0
// Outgoing connections of the traced tree, paired with the TLS sessions that followed them.
// The kernel gives connect(addr, port) and the TLS probes give (pid, conn) with plaintext, but
// nothing ties the two: the first new TLS conn of a pid after its connect is taken as that
// connect's, which is what a client does (connect, handshake, write).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "pipeline/event.h"

namespace agentsight::analyzers {

struct tracked_connect {
    process_event ev;
    std::string conn;       // the TLS session paired with it, "" if none
    bool tls_seen = false;  // the pid used TLS within the wait after this connect
    std::string host;       // Host / :authority of an exchange on `conn`
    // The paired session's first plaintext was a read: the request went out before the
    // probes were in place, so what was captured cannot be decoded.
    bool began_mid_stream = false;
    bool opaque_decided = false;
    bool host_decided = false;
};

class connect_tracker {
  public:
    explicit connect_tracker(uint64_t tls_wait_ns) : wait_ns_(tls_wait_ns) {}

    void on_connect(const process_event& e);
    void on_tls(const tls_event& t);
    // An exchange on `conn` named `host`; returns its connect, if paired.
    tracked_connect* on_host(const std::string& conn, const std::string& host);
    const tracked_connect* by_conn(const std::string& conn) const;
    std::map<uint64_t, tracked_connect>& records() { return records_; }
    // Drops records whose verdicts are both made.
    void drop_decided();
    // Why no plaintext was captured for `r` (its alert's reason), or "" when it was.
    std::string opaque_reason(const tracked_connect& r) const;

  private:
    uint64_t wait_ns_;
    uint64_t next_id_ = 1;
    std::map<uint64_t, tracked_connect> records_;
    std::unordered_map<std::string, uint64_t> by_conn_;
    std::unordered_set<std::string> seen_conns_;
    std::unordered_set<int32_t> tls_pids_;        // pids with any TLS record
    std::unordered_set<std::string> data_conns_;  // sessions with a plaintext record
    void note_first_data(const tls_event& t);
};

// connect(2) results that mean "a connection was attempted and may carry data".
bool connect_counts(const process_event& e);

}  // namespace agentsight::analyzers
