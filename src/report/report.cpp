// SPDX-License-Identifier: Apache-2.0
#include "report/report.h"
#include "util/json_get.h"

#include <algorithm>
#include <cmath>

#include "analysis/correlate/correlate.h"

namespace agentsight::analyzers {

namespace {

constexpr size_t k_max_rows = 1000;  // per list: the JSON stays loadable, the text readable

std::string str(const json& b, const char* key) {
    auto it = b.find(key);
    return it != b.end() && it->is_string() ? it->get<std::string>() : std::string();
}

uint64_t count_at(const json& usage, const char* key) {
    auto it = usage.find(key);
    return it != usage.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

json stats_of(const std::vector<double>& v) {
    if (v.empty()) return {{"n", 0}, {"p50", nullptr}, {"p90", nullptr}, {"max", nullptr}};
    return {{"n", v.size()},
            {"p50", percentile(v, 50)},
            {"p90", percentile(v, 90)},
            {"max", *std::max_element(v.begin(), v.end())}};
}

json counted(const std::map<std::string, uint64_t>& m) {
    json out = json::array();
    for (const auto& [k, n] : m) {
        if (out.size() >= k_max_rows) break;
        out.push_back({{"path", k}, {"count", n}});
    }
    return out;
}

}  // namespace

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

void report_builder::add(const event& e) {
    uint64_t ts = std::visit([](const auto& v) { return v.ts_ns; }, e);
    ++events_;
    if (ts) {
        first_ts_ = first_ts_ ? std::min(first_ts_, ts) : ts;
        last_ts_ = std::max(last_ts_, ts);
    }
    if (auto* p = std::get_if<process_event>(&e)) return add_process(*p);
    auto* d = std::get_if<derived_event>(&e);
    if (!d) return;
    const json& b = d->body;
    if (d->type == "llm_call") {
        add_llm_call(b, d->ts_ns);
    } else if (d->type == "tool_exec" && tools_.size() < k_max_rows) {
        tools_.push_back(b);
    } else if (d->type == "alert" && alerts_.size() < k_max_rows) {
        alerts_.push_back({{"ts", d->ts_ns},
                           {"rule", str(b, "rule")},
                           {"severity", str(b, "severity")},
                           {"message", str(b, "message")},
                           {"pids", json_get(b, "pids", json::array())},
                           {"chain", json_get(b, "chain", json::object())}});
    } else if (d->type == "session_start") {
        session_ = {{"session_id", str(b, "session_id")},
                    {"command", b.contains("command") ? b["command"] : json("")},
                    {"hostname", str(b, "hostname")}};
    } else if (d->type == "session_end") {
        const json stats = json_get(b, "stats", json::object());
        drops_ = {{"ring_full", json_get(stats, "ringbuf_drops", uint64_t{0})},
                  {"reserve", json_get(stats, "ring_reserve_refused", uint64_t{0})},
                  {"rate_limited", json_get(stats, "rate_limited", uint64_t{0})},
                  {"by_pid", json_get(stats, "drops_by_pid", json::array())},
                  {"by_tree", json_get(stats, "drops_by_tree", json::array())}};
    } else if (d->type == "http_exchange") {
        std::string host = str(b, "host");
        if (!host.empty()) network_[host + " (https)"]++;
    }
}

void report_builder::add_process(const process_event& e) {
    using t = process_event_type;
    if (e.type == t::exec) {
        if (auto it = process_index_.find(e.pid);
            it != process_index_.end() && processes_[it->second]["exit_code"].is_null()) {
            // An exec chain (bash -> env -> ls) is one process with a history: one row
            // showing the last image, the earlier ones under `history`.
            json& row = processes_[it->second];
            json& history = row["history"];
            if (!history.is_array()) history = json::array();
            if (history.size() < k_max_rows)
                history.push_back({{"ts", row["exec_ts"]},
                                   {"comm", row["comm"]},
                                   {"filename", row["filename"]},
                                   {"argv", row["argv"]}});
            row["exec_ts"] = e.ts_ns;
            row["comm"] = e.comm;
            row["filename"] = e.filename;
            row["argv"] = e.argv;
            return;
        }
        if (processes_.size() >= k_max_rows) return;
        process_index_[e.pid] = processes_.size();
        processes_.push_back({{"ts", e.ts_ns},
                              {"pid", e.pid},
                              {"ppid", e.ppid},
                              {"comm", e.comm},
                              {"filename", e.filename},
                              {"argv", e.argv},
                              {"exec_ts", e.ts_ns},
                              {"exit_code", nullptr}});
    } else if (e.type == t::exit) {
        if (auto it = process_index_.find(e.pid); it != process_index_.end())
            processes_[it->second]["exit_code"] = e.exit_code;
    } else if (e.type == t::connect && connect_counts(e)) {
        network_[e.addr + ":" + std::to_string(e.port)] += 1;
    } else if (!file_op(e).empty()) {
        auto& m = is_write(e) ? files_written_ : files_read_;
        if (m.size() < 10 * k_max_rows) m[e.path] += e.count ? e.count : 1;
        if (e.type == t::file_rename && m.size() < 10 * k_max_rows) m[e.new_path] += 1;
    }
}

void report_builder::add_llm_call(const json& b, uint64_t ts) {
    agent_pids_.insert(json_get(b, "pid", 0));
    std::string model = str(b, "response_model");
    if (model.empty()) model = str(b, "model");
    if (model.empty()) model = "(unknown)";
    model_stats& m = models_[model];
    m.provider = str(b, "provider");
    m.calls++;
    auto err = b.find("error");
    if (json_get(b, "status", 0) >= 400 || (err != b.end() && !err->is_null() &&
                                            !(err->is_string() && err->get<std::string>().empty())))
        m.errors++;
    token_counts t;
    if (auto u = b.find("usage"); u != b.end() && u->is_object()) {
        t = {count_at(*u, "input_tokens"), count_at(*u, "output_tokens"),
             count_at(*u, "cache_read_tokens"), count_at(*u, "cache_creation_tokens")};
    }
    m.tokens.input += t.input;
    m.tokens.output += t.output;
    m.tokens.cache_read += t.cache_read;
    m.tokens.cache_write += t.cache_write;
    if (const model_price* p = prices_.find(model))
        m.cost += estimate_cost(*p, t, m.provider != "anthropic");
    else
        m.priced = false;
    if (auto it = b.find("ttft_ms"); it != b.end() && it->is_number()) ttft_ms_.push_back(*it);
    if (auto it = b.find("duration_ms"); it != b.end() && it->is_number())
        duration_ms_.push_back(*it);

    // A turn opens with a user prompt and closes with an answer that asks for no tool.
    std::string prompt = str(b, "user_prompt");
    if (!prompt.empty() && (turns_.empty() || turns_.back()["prompt"] != prompt) &&
        turns_.size() < k_max_rows)
        turns_.push_back({{"ts", ts}, {"prompt", prompt}, {"answer", nullptr}});
    const json* resp = b.contains("response") ? &b["response"] : nullptr;
    if (!resp || !resp->is_object()) return;
    const json calls = json_get(*resp, "tool_calls", json::array());
    for (const auto& c : calls)
        if (c.is_object()) tool_calls_[str(c, "id")] = c;
    std::string text = str(*resp, "text");
    if (calls.empty() && !text.empty() && !turns_.empty()) turns_.back()["answer"] = text;
}

// The tool runs, each with the input its llm_call asked for.
json report_builder::tool_rows() const {
    json tools = json::array();
    for (const auto& t : tools_) {
        json row = t;
        if (auto it = tool_calls_.find(str(t, "call_id")); it != tool_calls_.end())
            row["input"] = json_get(it->second, "input", json());
        tools.push_back(std::move(row));
    }
    return tools;
}

json report_builder::build(const std::string& source) const {
    json models = json::array();
    token_counts total;
    double cost = 0;
    bool priced = true;
    uint64_t calls = 0, errors = 0;
    for (const auto& [name, m] : models_) {
        models.push_back({{"model", name},
                          {"provider", m.provider},
                          {"calls", m.calls},
                          {"errors", m.errors},
                          {"input_tokens", m.tokens.input},
                          {"output_tokens", m.tokens.output},
                          {"cache_read_tokens", m.tokens.cache_read},
                          {"cache_creation_tokens", m.tokens.cache_write},
                          {"cost_usd", m.priced ? json(m.cost) : json(nullptr)}});
        total.input += m.tokens.input;
        total.output += m.tokens.output;
        total.cache_read += m.tokens.cache_read;
        total.cache_write += m.tokens.cache_write;
        cost += m.cost;
        priced = priced && m.priced;
        calls += m.calls;
        errors += m.errors;
    }
    json network = json::array();
    for (const auto& [peer, n] : network_) network.push_back({{"peer", peer}, {"count", n}});
    json session = session_;
    session["start"] = first_ts_;
    session["end"] = last_ts_;
    session["duration_s"] = static_cast<double>(last_ts_ - first_ts_) / 1e9;
    session["events"] = events_;
    return {{"type", "report"},
            {"trace", source},
            {"session", session},
            {"turns", turns_},
            {"llm",
             {{"calls", calls},
              {"errors", errors},
              {"input_tokens", total.input},
              {"output_tokens", total.output},
              {"cache_read_tokens", total.cache_read},
              {"cache_creation_tokens", total.cache_write},
              {"cost_usd", cost},
              {"cost_complete", priced},
              {"models", models},
              {"ttft_ms", stats_of(ttft_ms_)},
              {"duration_ms", stats_of(duration_ms_)}}},
            {"tools", tool_rows()},
            {"processes", processes_},
            {"files", {{"read", counted(files_read_)}, {"written", counted(files_written_)}}},
            {"network", network},
            {"alerts", alerts_},
            {"alert_groups", group_alerts(alerts_)},
            {"drops", drops_}};
}

namespace {

std::string drop_counts(const json& d) {
    return "reserve " + std::to_string(json_get(d, "reserve", uint64_t{0})) + ", ring full " +
           std::to_string(json_get(d, "ring_full", uint64_t{0})) + ", rate-limited " +
           std::to_string(json_get(d, "rate_limited", uint64_t{0}));
}

}  // namespace

std::vector<std::string> drop_lines(const json& report) {
    const json drops = json_get(report, "drops", json::object());
    const json by_pid = json_get(drops, "by_pid", json::array());
    const json by_tree = json_get(drops, "by_tree", json::array());
    const uint64_t total = json_get(drops, "ring_full", uint64_t{0}) +
                           json_get(drops, "reserve", uint64_t{0}) +
                           json_get(drops, "rate_limited", uint64_t{0});
    if (total == 0 && by_pid.empty()) return {};
    std::vector<std::string> out{"", "Drops (" + std::to_string(total) + " kernel records lost)"};
    out.push_back("  all: " + drop_counts(drops));
    for (const auto& p : by_pid)
        out.push_back("  pid " + std::to_string(json_get(p, "pid", 0)) + " (" + str(p, "comm") +
                      ", tree " + std::to_string(json_get(p, "root", 0)) + "): " + drop_counts(p));
    if (by_tree.size() > 1 || by_pid.size() > 1)
        for (const auto& t : by_tree)
            out.push_back("  tree " + std::to_string(json_get(t, "root", 0)) + ": " +
                          drop_counts(t));
    return out;
}

}  // namespace agentsight::analyzers
