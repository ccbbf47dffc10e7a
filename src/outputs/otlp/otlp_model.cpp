// SPDX-License-Identifier: Apache-2.0
#include "outputs/otlp/otlp_model.h"

namespace agentsight {
namespace {

constexpr int k_cumulative = 2;  // AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE

json key_value(std::string_view key, json value) {
    json kv = json::object();
    kv["key"] = key;
    kv["value"] = std::move(value);
    return kv;
}

json resource_json(const otlp_resource& r) {
    otlp_attributes a;
    a.add("service.name", r.service_name);
    a.add_nonempty("service.version", r.service_version);
    a.add_nonempty("host.name", r.host_name);
    json res = json::object();
    res["attributes"] = a.to_json();
    return res;
}

json scope_json(const otlp_resource& r) {
    json s = json::object();
    s["name"] = k_otlp_scope;
    if (!r.service_version.empty()) s["version"] = r.service_version;
    return s;
}

json span_json(const otlp_span& s) {
    json j = json::object();
    j["traceId"] = s.trace_id;
    j["spanId"] = s.span_id;
    if (!s.parent_span_id.empty()) j["parentSpanId"] = s.parent_span_id;
    j["name"] = s.name;
    j["kind"] = static_cast<int>(s.kind);
    j["startTimeUnixNano"] = std::to_string(s.start_ns);
    j["endTimeUnixNano"] = std::to_string(std::max(s.end_ns, s.start_ns));
    j["attributes"] = s.attributes.to_json();
    if (!s.events.empty()) {
        json evs = json::array();
        for (const auto& e : s.events) {
            json ev = json::object();
            ev["timeUnixNano"] = std::to_string(e.time_ns);
            ev["name"] = e.name;
            ev["attributes"] = e.attributes.to_json();
            evs.push_back(std::move(ev));
        }
        j["events"] = std::move(evs);
    }
    if (!s.links.empty()) {
        json links = json::array();
        for (const auto& l : s.links) {
            json lj = json::object();
            lj["traceId"] = l.trace_id;
            lj["spanId"] = l.span_id;
            lj["attributes"] = l.attributes.to_json();
            links.push_back(std::move(lj));
        }
        j["links"] = std::move(links);
    }
    if (s.status != span_status::unset) {
        json st = json::object();
        if (!s.status_message.empty()) st["message"] = s.status_message;
        st["code"] = static_cast<int>(s.status);
        j["status"] = std::move(st);
    }
    return j;
}

std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

otlp_attributes& otlp_attributes::add(std::string_view key, std::string_view v) {
    list_.push_back(key_value(key, json{{"stringValue", v}}));
    return *this;
}

otlp_attributes& otlp_attributes::add(std::string_view key, int64_t v) {
    list_.push_back(key_value(key, json{{"intValue", std::to_string(v)}}));
    return *this;
}

otlp_attributes& otlp_attributes::add(std::string_view key, double v) {
    list_.push_back(key_value(key, json{{"doubleValue", v}}));
    return *this;
}

otlp_attributes& otlp_attributes::add_bool(std::string_view key, bool v) {
    list_.push_back(key_value(key, json{{"boolValue", v}}));
    return *this;
}

otlp_attributes& otlp_attributes::add_strings(std::string_view key,
                                              const std::vector<std::string>& v) {
    json values = json::array();
    for (const auto& s : v) values.push_back(json{{"stringValue", s}});
    list_.push_back(key_value(key, json{{"arrayValue", json{{"values", std::move(values)}}}}));
    return *this;
}

otlp_attributes& otlp_attributes::add_ints(std::string_view key, const std::vector<int64_t>& v) {
    json values = json::array();
    for (auto i : v) values.push_back(json{{"intValue", std::to_string(i)}});
    list_.push_back(key_value(key, json{{"arrayValue", json{{"values", std::move(values)}}}}));
    return *this;
}

const json* otlp_attributes::find(std::string_view key) const {
    for (const auto& kv : list_)
        if (kv["key"].get_ref<const std::string&>() == key) return &kv["value"];
    return nullptr;
}

std::string encode_trace_request(const otlp_resource& r, const std::vector<otlp_span>& spans) {
    json list = json::array();
    for (const auto& s : spans) list.push_back(span_json(s));
    json scope_spans = json::object();
    scope_spans["scope"] = scope_json(r);
    scope_spans["spans"] = std::move(list);
    json rs = json::object();
    rs["resource"] = resource_json(r);
    rs["scopeSpans"] = json::array({std::move(scope_spans)});
    json req = json::object();
    req["resourceSpans"] = json::array({std::move(rs)});
    return dump(req);
}

std::string encode_metrics_request(const otlp_resource& r,
                                   const std::vector<const otlp_histogram*>& metrics,
                                   uint64_t now_ns) {
    json list = json::array();
    for (const auto* h : metrics) {
        json points = json::array();
        for (const auto& p : h->points) {
            json pj = json::object();
            pj["attributes"] = p.attributes.to_json();
            pj["startTimeUnixNano"] = std::to_string(p.start_ns);
            pj["timeUnixNano"] = std::to_string(now_ns);
            pj["count"] = std::to_string(p.count);
            pj["sum"] = p.sum;
            json buckets = json::array();
            for (auto c : p.bucket_counts) buckets.push_back(std::to_string(c));
            pj["bucketCounts"] = std::move(buckets);
            pj["explicitBounds"] = h->bounds;
            pj["min"] = p.min;
            pj["max"] = p.max;
            points.push_back(std::move(pj));
        }
        json m = json::object();
        m["name"] = h->name;
        m["description"] = h->description;
        m["unit"] = h->unit;
        m["histogram"] =
            json{{"dataPoints", std::move(points)}, {"aggregationTemporality", k_cumulative}};
        list.push_back(std::move(m));
    }
    json scope_metrics = json::object();
    scope_metrics["scope"] = scope_json(r);
    scope_metrics["metrics"] = std::move(list);
    json rm = json::object();
    rm["resource"] = resource_json(r);
    rm["scopeMetrics"] = json::array({std::move(scope_metrics)});
    json req = json::object();
    req["resourceMetrics"] = json::array({std::move(rm)});
    return dump(req);
}

}  // namespace agentsight
