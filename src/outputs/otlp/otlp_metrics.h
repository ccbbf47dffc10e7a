// SPDX-License-Identifier: Apache-2.0
// The two GenAI client metrics, aggregated in-process as cumulative histograms:
// gen_ai.client.token.usage ({token}, by gen_ai.token.type) and
// gen_ai.client.operation.duration (s). Single-threaded: the OTLP sink feeds it
// from write() and snapshots it on flush().
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "outputs/otlp/otlp_model.h"

namespace agentsight {

struct genai_metric_labels {
    std::string operation = "chat";
    std::string provider;
    std::string request_model;
    std::string response_model;
    std::string server_address;
    std::string error_type;  // duration only, when the call failed
};

class genai_metrics {
  public:
    genai_metrics();

    void record_tokens(const genai_metric_labels& l, bool input, int64_t tokens, uint64_t ts_ns);
    void record_duration(const genai_metric_labels& l, double seconds, uint64_t ts_ns);

    // True when something was recorded since the last encode().
    bool dirty() const { return dirty_; }
    std::string encode(const otlp_resource& r, uint64_t now_ns);

    const otlp_histogram& token_usage() const { return tokens_; }
    const otlp_histogram& duration() const { return duration_; }

  private:
    void record(otlp_histogram& h, std::map<std::string, size_t>& index, otlp_attributes attrs,
                double value, uint64_t ts_ns);

    otlp_histogram tokens_;
    otlp_histogram duration_;
    std::map<std::string, size_t> token_index_;
    std::map<std::string, size_t> duration_index_;
    bool dirty_ = false;
};

}  // namespace agentsight
