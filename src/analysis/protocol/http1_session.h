// SPDX-License-Identifier: Apache-2.0
// HTTP/1.1 for one connection: a request parser, a response parser and the FIFO that pairs
// them (keep-alive and pipelining answer requests in order).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>
#include <vector>

#include "analysis/protocol/exchange.h"
#include "analysis/protocol/http1_parser.h"

namespace agentsight::analyzers {

class http1_session {
  public:
    static constexpr size_t k_max_pending = 256;

    http1_session(conn_meta meta, uint64_t& parse_errors);

    // `client` is the side that sends requests. Finished exchanges are appended to `out`.
    void feed(bool client, std::string_view data, uint64_t ts, int32_t tid,
              std::vector<derived_event>& out);
    void skip(bool client, uint64_t n, std::vector<derived_event>& out);
    // Connection closed: read-until-close bodies end, everything else ends incomplete.
    void close(uint64_t ts, std::vector<derived_event>& out);
    // Idle timeout: what is open ends incomplete; the parsers resync on the next message.
    void expire(std::vector<derived_event>& out);

    bool has_open_exchanges() const { return !pending_.empty(); }
    uint64_t last_ts() const;

  private:
    struct request_side : http1_handler {
        explicit request_side(http1_session& s) : s(s) {}
        void on_head(http_head& head, uint64_t start_ts, uint64_t ts) override;
        void on_body(std::string_view data, uint64_t ts) override;
        void on_body_gap(uint64_t lost) override;
        void on_end(uint64_t ts) override;
        void on_abort() override;
        bool next_response_is_head() override { return false; }
        http1_session& s;
    };
    struct response_side : http1_handler {
        explicit response_side(http1_session& s) : s(s) {}
        void on_head(http_head& head, uint64_t start_ts, uint64_t ts) override;
        void on_body(std::string_view data, uint64_t ts) override;
        void on_body_gap(uint64_t lost) override;
        void on_end(uint64_t ts) override;
        void on_abort() override;
        bool next_response_is_head() override;
        http1_session& s;
    };

    exchange* awaiting_response();
    void emit_ready(std::vector<derived_event>& out);
    void flush_all(std::vector<derived_event>& out);

    conn_meta meta_;
    int32_t tid_ = 0;
    request_side request_handler_{*this};
    response_side response_handler_{*this};
    http1_parser request_parser_;
    http1_parser response_parser_;
    std::deque<std::unique_ptr<exchange>> pending_;
    exchange* request_ = nullptr;                // whose request is being parsed
    exchange* response_ = nullptr;               // whose response is being parsed
    std::vector<derived_event>* out_ = nullptr;  // during feed
    uint64_t& parse_errors_;
};

}  // namespace agentsight::analyzers
