// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/alert.h"

namespace agentsight::analyzers {

alert_ref ref_of(const process_event& e) {
    return {e.ts_ns, to_string(e.type), e.pid};
}

namespace {

json chain_json(const alert_chain& c) {
    json out = json::object();
    if (!c.call_id.empty()) {
        out["llm_call_ts"] = c.llm_call_ts;
        out["call_id"] = c.call_id;
        out["tool_name"] = c.tool_name;
    }
    json procs = json::array();
    for (const auto& s : c.processes) procs.push_back({{"pid", s.pid}, {"comm", s.comm}});
    out["processes"] = std::move(procs);
    if (!c.file.empty()) out["file"] = c.file;
    if (!c.host.empty()) out["host"] = c.host;
    out["why"] = c.why;
    return out;
}

}  // namespace

derived_event to_event(const alert& a) {
    json refs = json::array();
    for (const auto& r : a.refs)
        refs.push_back({{"ts", r.ts_ns}, {"type", r.type}, {"pid", r.pid}});
    json body = {{"type", "alert"},         {"ts", a.ts_ns},
                 {"rule", a.rule},          {"severity", a.severity},
                 {"message", a.message},    {"pids", a.pids},
                 {"refs", std::move(refs)}, {"chain", chain_json(a.chain)}};
    return derived_event{"alert", a.ts_ns, std::move(body)};
}

std::string clip(std::string_view s, size_t max_chars) {
    if (s.size() <= max_chars) return std::string(s);
    size_t cut = max_chars > 3 ? max_chars - 3 : 0;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 safe
    return std::string(s.substr(0, cut)) + "...";
}

std::string describe_argv(const std::vector<std::string>& argv, size_t max_chars) {
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty()) out += ' ';
        out += a;
        if (out.size() > max_chars) break;
    }
    return clip(out, max_chars);
}

}  // namespace agentsight::analyzers
