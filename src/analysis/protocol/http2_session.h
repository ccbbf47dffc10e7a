// SPDX-License-Identifier: Apache-2.0
// HTTP/2 over TLS for one connection: frame parser per direction, HPACK state per direction,
// streams paired into exchanges. Input may be split at any byte.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/protocol/exchange.h"
#include "analysis/protocol/hpack_decoder.h"

namespace agentsight::analyzers {

inline constexpr std::string_view k_http2_preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

class http2_session {
  public:
    static constexpr size_t k_max_streams = 1024;
    static constexpr size_t k_max_header_block = 1024 * 1024;

    http2_session(conn_meta meta, uint64_t& parse_errors)
        : meta_(std::move(meta)), parse_errors_(parse_errors) {}

    // `client` is the side that sent the preface (requests), otherwise the server side.
    // Finished exchanges are appended to `out`.
    void feed(bool client, std::string_view data, uint64_t ts, int32_t tid,
              std::vector<derived_event>& out);
    // The capture lost `n` bytes of this side: a DATA payload survives, anything else
    // loses the HPACK state, and the session stops (open streams end incomplete).
    void skip(bool client, uint64_t n, std::vector<derived_event>& out);
    // Flushes every open stream as incomplete.
    void close(std::vector<derived_event>& out);

    bool broken() const { return broken_; }
    bool has_open_streams() const { return !streams_.empty(); }
    uint64_t last_ts() const;

  private:
    struct side {
        bool client = false;
        bool preface_pending = false;
        std::string buf;  // frame header, then payload; reused
        uint32_t length = 0;
        uint8_t type = 0, flags = 0;
        uint32_t stream_id = 0;
        bool have_header = false;
        uint64_t frame_ts = 0;  // record holding the frame's first byte
        bool frame_gap = false;
        uint64_t gap_left = 0;
        // A header block in progress (HEADERS/PUSH_PROMISE + CONTINUATION).
        std::string block;
        uint32_t block_stream = 0;
        bool block_end_stream = false, block_discard = false, in_block = false;
        uint64_t block_ts = 0;
        hpack_decoder hpack;
        std::vector<http_header> headers;  // reused
    };

    size_t consume(side& s, std::string_view data, uint64_t ts, std::vector<derived_event>& out);
    void frame(side& s, uint64_t ts, std::vector<derived_event>& out);
    void headers_frame(side& s, std::string_view payload, uint8_t flags, uint32_t id, uint64_t ts,
                       std::vector<derived_event>& out);
    void header_block_fragment(side& s, std::string_view frag, bool end_headers, uint64_t ts,
                               std::vector<derived_event>& out);
    void header_block(side& s, std::vector<derived_event>& out);
    void data(side& s, std::string_view payload, uint64_t ts, std::vector<derived_event>& out);
    void settings(side& s, std::string_view payload);
    void end_side(side& s, uint32_t id, uint64_t ts, std::vector<derived_event>& out);
    void maybe_finish(uint32_t id, std::vector<derived_event>& out);
    void fail(std::vector<derived_event>& out);
    side& other(side& s) { return s.client ? server_ : client_; }

    conn_meta meta_;
    side client_{.client = true, .preface_pending = true};
    side server_{};
    int32_t tid_ = 0;
    std::map<uint32_t, std::unique_ptr<exchange>> streams_;
    bool broken_ = false;
    uint64_t& parse_errors_;  // the analyzer's counter
};

}  // namespace agentsight::analyzers
