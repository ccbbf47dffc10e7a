// SPDX-License-Identifier: Apache-2.0
// One request/response pair on a connection, whatever the framing (HTTP/1.1 or HTTP/2).
// It decodes bodies, feeds LLM exchanges to their provider parser as bytes arrive (SSE is
// parsed incrementally, so the first event in the header read counts and nothing waits for
// the end) and builds the llm_call or http_exchange event when done.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "analysis/llm/provider.h"
#include "analysis/protocol/content_decoder.h"
#include "analysis/protocol/http_types.h"
#include "analysis/protocol/ndjson.h"
#include "analysis/protocol/sse.h"
#include "pipeline/event.h"

namespace agentsight::analyzers {

struct conn_meta {
    std::string conn;
    int32_t pid = 0;
    int32_t tid = 0;  // of the record that started the request
    std::string comm;
};

class exchange {
  public:
    static constexpr size_t k_max_body = 64 * 1024 * 1024;

    exchange(conn_meta meta, uint64_t start_ts);

    void request_head(http_head& head, uint64_t ts);
    void request_body(std::string_view wire, uint64_t ts);
    void request_end(uint64_t ts);
    void response_head(http_head& head, uint64_t ts);
    void response_body(std::string_view wire, uint64_t ts);
    void response_end(uint64_t ts);
    // Bytes the capture lost in a body: the exchange can no longer be complete.
    void gap();
    // The exchange will not finish normally (connection closed, stream reset, desync).
    void abort() { aborted_ = true; }

    bool request_done() const { return request_done_; }
    bool response_started() const { return response_started_; }
    bool response_done() const { return response_done_; }
    bool done() const { return request_done_ && response_done_; }
    bool is_llm() const { return provider_ != nullptr; }
    bool head_request() const { return method_ == "HEAD"; }
    uint64_t last_ts() const { return last_ts_; }

    // The llm_call or http_exchange event. `incomplete` forces the flag (flush on close,
    // idle timeout, end of input).
    derived_event finish(bool incomplete);

  private:
    void feed_sse(std::string_view decoded);
    void parse_request_body();
    derived_event llm_event(bool incomplete);
    derived_event http_event(bool incomplete);

    conn_meta meta_;
    uint64_t start_ts_;
    uint64_t request_end_ts_ = 0, response_start_ts_ = 0, response_end_ts_ = 0;
    uint64_t first_content_ts_ = 0, last_ts_ = 0, current_ts_ = 0;
    std::string method_, target_, host_, content_type_;
    int status_ = 0;
    uint64_t request_bytes_ = 0, response_bytes_ = 0;
    bool request_done_ = false, response_started_ = false, response_done_ = false;
    bool aborted_ = false, gap_ = false, body_truncated_ = false, decode_error_ = false;
    bool request_parsed_ = false, is_sse_ = false;

    const llm::provider* provider_ = nullptr;
    llm::llm_request request_;
    llm::llm_response response_;
    std::unique_ptr<llm::response_parser> parser_;
    content_decoder request_decoder_, response_decoder_;
    std::string request_body_, response_body_;  // decoded; response only when not SSE
    std::string decoded_;                       // SSE: decoded bytes of the current record
    uint64_t sse_decoded_total_ = 0;
    sse_parser sse_;
    // Ollama streams NDJSON: each line goes where an SSE event would (is_sse_ is set too).
    bool is_ndjson_ = false;
    ndjson_lines ndjson_;
    void on_stream_event(std::string_view event, std::string_view data);
};

}  // namespace agentsight::analyzers
