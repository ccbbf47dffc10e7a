// SPDX-License-Identifier: Apache-2.0
// The redaction stage: runs after the analyzers and before every sink, so no credential
// reaches a file, the UI or an exporter; readers of a trace (report, serve, export) run it
// again on what they read. It rewrites in place
//  - tls_event.data (raw capture is a sink too), keeping its length: secrets become
//    "[redacted:3f9a]" cut or padded with '*' to the same size, so replaying a redacted
//    capture still frames HTTP/1.1 bodies and HTTP/2 frames, and tls_event.len stays true;
//    HTTP/2 header blocks are decoded and their secret values rewritten (redact_http2.h);
//  - process_event argv / filename / paths;
//  - every derived_event body (credential-named keys and secret-shaped strings).
// A secret split across two TLS records of one stream is caught: each (connection,
// direction) keeps the last 64 bytes and whether the previous record ended inside a
// secret. Limit: a secret split across more than the record boundary's 64-byte window is
// caught only when its prefix ("sk-", "Bearer ", the header name) is within that window.
// docs/llm_call.md lists the rules.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/redact/redact_http2.h"
#include "analysis/redact/secret_scanner.h"
#include "pipeline/stage.h"

namespace agentsight::analyzers {

struct redact_options {
    bool enabled = true;  // --no-redact turns it off
};

struct redact_counters {
    uint64_t records = 0;  // tls data events scanned
    uint64_t bytes = 0;
    uint64_t redactions = 0;  // spans masked, all event kinds
};

class redact_stage final : public stage {
  public:
    static constexpr size_t k_tail = 64;
    static constexpr size_t k_max_streams = 65536;
    static constexpr size_t k_max_http2 = 1024;  // connections with HPACK state (~10 KB each)

    explicit redact_stage(redact_options opts = {}) : opts_(opts) {}

    std::string_view name() const override { return "redact"; }
    void on_event(event& e, const emit_fn& emit) override;

    const redact_counters& counters() const { return counters_; }

    // Exposed for tests and the other stages' own use.
    void redact_tls(tls_event& t);
    void redact_process(process_event& p);
    void redact_json(json& j);
    // Every string of a derived event, walked by its kind's declared fields.
    void redact_derived(derived_event& d);

  private:
    struct stream_state {
        std::string tail;  // last bytes of the stream, already masked
        secret_tail open = secret_tail::none;
        size_t preface_matched = 0;  // bytes of the HTTP/2 preface this stream opened with
        bool preface_possible = true;
    };
    struct http2_state {
        http2_redactor redactor;
        tls_direction client = tls_direction::write;  // the side that sent the preface
    };
    void mask(std::string& data, size_t begin, size_t end);
    bool redact_string(std::string& s);
    void redact_secret_value(json& v);
    void forget_process(int32_t pid);
    void follow_http2(tls_event& t, stream_state& st);

    redact_options opts_;
    std::unordered_map<std::string, stream_state> streams_;                // conn + direction
    std::unordered_map<std::string, std::unique_ptr<http2_state>> http2_;  // conn
    std::vector<uint8_t> framing_;  // per byte of the current record: HTTP/2 framing/HPACK
    std::string key_;
    std::string scratch_;
    std::vector<secret_span> spans_;
    redact_counters counters_;
};

}  // namespace agentsight::analyzers
