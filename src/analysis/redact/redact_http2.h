// SPDX-License-Identifier: Apache-2.0
// Redaction of one HTTP/2 connection's raw bytes, record by record: follows the frames of
// each side, decodes every header block with that side's HPACK state (on the original bytes)
// and rewrites the secret values in place (redact_hpack.h), so the raw `tls` events never hold
// a header block that decodes to a secret. Also tells the text scan which bytes are framing
// or HPACK, so it only masks DATA payloads and never breaks a frame.
//
// A block whose bytes are already out (it began in an earlier record and is unfinished when a
// record ends, or its rewrite would touch such bytes) cannot be fixed later. Its bytes still
// in hand are overwritten with "<header block redacted>" and that side is *masked*: every
// later header block is overwritten whole, because a decoder of the redacted capture has lost
// the dynamic table from there on. Lengths never change.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/protocol/hpack_decoder.h"

namespace agentsight::analyzers {

class http2_redactor {
  public:
    static constexpr size_t k_max_control_payload = 1024 * 1024;

    struct counters {
        uint64_t blocks = 0;     // header blocks decoded
        uint64_t rewritten = 0;  // blocks with a secret value rewritten in place
        uint64_t masked = 0;     // blocks overwritten whole
    };

    // `client`: the side that sent the preface. `framing` gets data.size() flags, 1 for bytes
    // that are frame headers or non-DATA payload (the text scan must leave them alone).
    void feed(bool client, std::string& data, std::vector<uint8_t>& framing);
    // The first `n` bytes of the client preface went by in earlier records.
    void preface_seen(size_t n) { client_.preface_left -= std::min(n, client_.preface_left); }
    // The capture lost bytes of this side: its frames cannot be followed any more.
    void lost(bool client);

    const counters& stats() const { return counters_; }

  private:
    struct side {
        bool client = false;
        size_t preface_left = 0;
        std::string head;  // frame header being read
        uint32_t length = 0, got = 0;
        uint8_t type = 0, flags = 0;
        bool in_payload = false;
        std::string payload;              // non-DATA payload (original bytes)
        std::vector<int64_t> payload_at;  // where each byte is in the current record, or -1
        std::string block;                // header block being assembled
        std::vector<int64_t> block_at;
        bool in_block = false;
        bool masked = false;  // header blocks are overwritten whole from here on
        bool lost = false;    // framing unknown
        hpack_decoder hpack;
        std::vector<http_header> headers;
    };

    void frame_done(side& s, std::string& data);
    void block_done(side& s, std::string& data);
    void mask_pending(side& s, std::string& data);
    void end_record(side& s, std::string& data);
    side& other(const side& s) { return s.client ? server_ : client_; }

    side client_{.client = true, .preface_left = 24};
    side server_{};
    counters counters_;
};

}  // namespace agentsight::analyzers
