// SPDX-License-Identifier: Apache-2.0
// The spans and metric points the OTLP sink exports, and their OTLP/HTTP JSON
// encoding: ids as lowercase hex, 64-bit integers as decimal strings, enums as
// integers, lowerCamelCase keys (the OTLP spec's JSON rules).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/event.h"

namespace agentsight {

// Builds an OTLP KeyValue list: [{"key": k, "value": {"stringValue": v}}, ...].
class otlp_attributes {
  public:
    otlp_attributes& add(std::string_view key, std::string_view v);
    otlp_attributes& add(std::string_view key, const char* v) {
        return add(key, std::string_view(v));
    }
    otlp_attributes& add(std::string_view key, int64_t v);
    otlp_attributes& add(std::string_view key, double v);
    otlp_attributes& add_bool(std::string_view key, bool v);
    otlp_attributes& add_strings(std::string_view key, const std::vector<std::string>& v);
    otlp_attributes& add_ints(std::string_view key, const std::vector<int64_t>& v);
    // Skips empty strings so optional fields need no branches at call sites.
    otlp_attributes& add_nonempty(std::string_view key, std::string_view v) {
        return v.empty() ? *this : add(key, v);
    }

    const json& to_json() const { return list_; }
    bool empty() const { return list_.empty(); }
    // The value stored under `key`, or nullptr (for tests and the metrics key).
    const json* find(std::string_view key) const;

  private:
    json list_ = json::array();
};

enum class span_kind : int { internal = 1, server = 2, client = 3 };
enum class span_status : int { unset = 0, ok = 1, error = 2 };

struct otlp_link {
    std::string trace_id;
    std::string span_id;
    otlp_attributes attributes;
};

struct otlp_span_event {
    uint64_t time_ns = 0;
    std::string name;
    otlp_attributes attributes;
};

struct otlp_span {
    std::string trace_id;        // 32 hex
    std::string span_id;         // 16 hex
    std::string parent_span_id;  // "" for a root
    std::string name;
    span_kind kind = span_kind::internal;
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;
    otlp_attributes attributes;
    span_status status = span_status::unset;
    std::string status_message;
    std::vector<otlp_link> links;
    std::vector<otlp_span_event> events;
};

struct otlp_resource {
    std::string service_name = "agentsight";
    std::string service_version;
    std::string host_name;
};

inline constexpr std::string_view k_otlp_scope = "agentsight";

// ExportTraceServiceRequest with one resource and one scope.
std::string encode_trace_request(const otlp_resource& r, const std::vector<otlp_span>& spans);

// A fixed-bucket histogram series, cumulative since `start_ns`.
struct otlp_histogram_point {
    otlp_attributes attributes;
    uint64_t start_ns = 0;
    uint64_t count = 0;
    double sum = 0;
    double min = 0;
    double max = 0;
    std::vector<uint64_t> bucket_counts;  // bounds.size() + 1
};

struct otlp_histogram {
    std::string name;
    std::string unit;
    std::string description;
    std::vector<double> bounds;
    std::vector<otlp_histogram_point> points;
};

// ExportMetricsServiceRequest: histograms with cumulative temporality at `now_ns`.
std::string encode_metrics_request(const otlp_resource& r,
                                   const std::vector<const otlp_histogram*>& metrics,
                                   uint64_t now_ns);

}  // namespace agentsight
