// SPDX-License-Identifier: Apache-2.0
// The UI server's front door: one thread that accepts connections and holds
// each until a complete request header has arrived, and a pool of workers
// that only ever see connections with a request ready to answer.
//
// Why: a worker that waits for bytes can be held by anyone who connects and
// sends nothing. With httplib's own loop, 200 idle connections (no token
// needed) stalled 16 workers for 60 s. Here waiting costs a descriptor and a
// poll slot, not a thread, and is bounded three ways:
//  - a header deadline: a new connection has `header_timeout` to send a whole
//    request header, an idle keep-alive one `keep_alive_timeout`;
//  - a header size cap;
//  - a connection cap derived from RLIMIT_NOFILE: when it is reached, the
//    waiting connection closest to its deadline is closed to admit the new
//    one, so the newest client (the user's browser) is always let in.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "util/result.h"

namespace agentsight::server {

struct gate_limits {
    std::chrono::milliseconds header_timeout{2000};
    std::chrono::milliseconds keep_alive_timeout{5000};
    size_t max_header_bytes = 16 * 1024;
    // Open connections, waiting or being served. 0: derived from RLIMIT_NOFILE.
    size_t max_connections = 0;
    size_t workers = 16;
};

// A connection between the gate and a worker.
struct gate_connection {
    int fd = -1;
    // Bytes received and not yet answered. When a worker gets the connection,
    // it starts with one complete request header, `header_size` bytes long
    // (its blank line included); anything after it was pipelined.
    std::string received;
    size_t header_size = 0;
    unsigned requests_served = 0;
    std::chrono::steady_clock::time_point deadline;
};

class connection_gate {
  public:
    // Runs on a worker for each complete request header. Returns true to keep
    // the connection for another request; the gate then waits for that one.
    using serve_fn = std::function<bool(gate_connection&)>;

    // Takes ownership of `listen_fd`, a bound, listening socket.
    connection_gate(int listen_fd, gate_limits limits, serve_fn serve);
    ~connection_gate();
    connection_gate(const connection_gate&) = delete;
    connection_gate& operator=(const connection_gate&) = delete;

    status start();
    // Closes the listener and every connection (a worker in the middle of a
    // response sees its socket shut down), then joins. Idempotent.
    void stop();

    // The connection cap in force (after RLIMIT_NOFILE was consulted).
    size_t max_connections() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Where a request header ends in `bytes`: the offset just past its blank line
// ("\r\n\r\n"), or 0 while it is incomplete. `from` is how much of `bytes` was
// already searched.
size_t request_header_end(const std::string& bytes, size_t from = 0);

}  // namespace agentsight::server
