// SPDX-License-Identifier: Apache-2.0
#include "outputs/otlp/otlp_metrics.h"

#include <algorithm>

namespace agentsight {
namespace {

// The bucket boundaries the GenAI semantic conventions advise for these two
// instruments, so dashboards built for other instrumentations line up.
const std::vector<double> k_token_bounds = {
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864};
const std::vector<double> k_duration_bounds = {0.01, 0.02, 0.04, 0.08,  0.16,  0.32,  0.64,
                                               1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92};

otlp_attributes common(const genai_metric_labels& l) {
    otlp_attributes a;
    a.add("gen_ai.operation.name", l.operation);
    a.add_nonempty("gen_ai.provider.name", l.provider);
    a.add_nonempty("gen_ai.request.model", l.request_model);
    a.add_nonempty("gen_ai.response.model", l.response_model);
    a.add_nonempty("server.address", l.server_address);
    return a;
}

}  // namespace

genai_metrics::genai_metrics() {
    tokens_.name = "gen_ai.client.token.usage";
    tokens_.unit = "{token}";
    tokens_.description = "Number of input and output tokens used";
    tokens_.bounds = k_token_bounds;
    duration_.name = "gen_ai.client.operation.duration";
    duration_.unit = "s";
    duration_.description = "GenAI operation duration";
    duration_.bounds = k_duration_bounds;
}

void genai_metrics::record_tokens(const genai_metric_labels& l, bool input, int64_t tokens,
                                  uint64_t ts_ns) {
    auto a = common(l);
    a.add("gen_ai.token.type", input ? "input" : "output");
    record(tokens_, token_index_, std::move(a), static_cast<double>(tokens), ts_ns);
}

void genai_metrics::record_duration(const genai_metric_labels& l, double seconds, uint64_t ts_ns) {
    auto a = common(l);
    a.add_nonempty("error.type", l.error_type);
    record(duration_, duration_index_, std::move(a), seconds, ts_ns);
}

void genai_metrics::record(otlp_histogram& h, std::map<std::string, size_t>& index,
                           otlp_attributes attrs, double value, uint64_t ts_ns) {
    // The series key: attribute values in their fixed order (cheaper than a dump).
    std::string key;
    for (const auto& kv : attrs.to_json()) {
        const json& v = kv["value"];
        key += v.contains("stringValue") ? v["stringValue"].get_ref<const std::string&>() : "";
        key += '\x1f';
    }
    auto [it, fresh] = index.try_emplace(std::move(key), h.points.size());
    if (fresh) {
        otlp_histogram_point p;
        p.attributes = std::move(attrs);
        p.start_ns = ts_ns;
        p.min = p.max = value;
        p.bucket_counts.assign(h.bounds.size() + 1, 0);
        h.points.push_back(std::move(p));
    }
    auto& p = h.points[it->second];
    // Buckets are (prev, bound]: upper_bound of a value equal to a bound would
    // put it one bucket too high.
    size_t b = std::lower_bound(h.bounds.begin(), h.bounds.end(), value) - h.bounds.begin();
    ++p.bucket_counts[b];
    ++p.count;
    p.sum += value;
    p.min = std::min(p.min, value);
    p.max = std::max(p.max, value);
    dirty_ = true;
}

std::string genai_metrics::encode(const otlp_resource& r, uint64_t now_ns) {
    dirty_ = false;
    std::vector<const otlp_histogram*> list;
    if (!tokens_.points.empty()) list.push_back(&tokens_);
    if (!duration_.points.empty()) list.push_back(&duration_);
    return encode_metrics_request(r, list, now_ns);
}

}  // namespace agentsight
