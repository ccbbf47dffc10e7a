// SPDX-License-Identifier: Apache-2.0
// Incremental HTTP/1.1 message parser for one direction of a connection: start line,
// headers, Content-Length / chunked / read-until-close bodies. Input may be split at any
// byte; bytes lost by the capture are skipped without losing framing when the body size
// is known, otherwise the parser waits for the next record that starts a message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "analysis/protocol/http_types.h"

namespace agentsight::analyzers {

class http1_handler {
  public:
    virtual ~http1_handler() = default;
    // A head is complete; `start_ts` is the time of the record holding its first byte.
    virtual void on_head(http_head& head, uint64_t start_ts, uint64_t ts) = 0;
    virtual void on_body(std::string_view data, uint64_t ts) = 0;
    virtual void on_body_gap(uint64_t lost) = 0;
    virtual void on_end(uint64_t ts) = 0;
    // The message in flight will never complete (framing lost, connection closed).
    virtual void on_abort() = 0;
    // Response side: does the next response answer a HEAD request (and so carry no body)?
    virtual bool next_response_is_head() = 0;
};

enum class http1_role { request, response };

// True when `data` starts like a request line ("POST /...") or, for responses, "HTTP/1.".
bool looks_like_http1_start(std::string_view data, http1_role role);
// True while `data` is still a prefix of some start line, so the detector waits for more
// bytes instead of guessing.
bool could_be_http1_start(std::string_view data, http1_role role);

class http1_parser {
  public:
    http1_parser(http1_role role, http1_handler& handler, uint64_t& parse_errors)
        : role_(role), handler_(handler), parse_errors_(parse_errors) {}

    void feed(std::string_view data, uint64_t ts);
    void skip(uint64_t lost);
    // The connection closed: a read-until-close body ends, anything else in flight aborts.
    void close(uint64_t ts);
    // At the start of each record while desynced: a record that starts a message resyncs.
    void try_resync(std::string_view data);

    bool desynced() const { return state_ == state::desync; }
    bool upgraded() const { return state_ == state::upgraded; }

  private:
    enum class state {
        start,
        head,
        body_fixed,
        chunk_size,
        chunk_data,
        chunk_data_end,
        trailers,
        until_close,
        desync,
        upgraded,
    };
    static constexpr size_t k_max_head = 256 * 1024;
    static constexpr size_t k_max_line = 4096;

    size_t feed_head(std::string_view data, uint64_t ts);
    size_t feed_line(std::string_view data, uint64_t ts);
    void head_complete(uint64_t ts);
    bool parse_head(http_head& head);
    void line_complete(uint64_t ts);
    void end_message(uint64_t ts);
    void lose_sync(bool parse_error = true);

    http1_role role_;
    http1_handler& handler_;
    state state_ = state::start;
    std::string buf_;  // head or the current chunk-size/trailer line; reused
    size_t line_start_ = 0;
    uint64_t remaining_ = 0;
    uint64_t start_ts_ = 0;
    uint64_t last_ts_ = 0;
    uint64_t& parse_errors_;  // the analyzer's counter
    http_head head_;
};

}  // namespace agentsight::analyzers
