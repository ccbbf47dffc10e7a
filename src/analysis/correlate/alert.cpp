// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/alert.h"

namespace agentsight::analyzers {

alert_ref ref_of(const process_event& e) {
    return {e.ts_ns, to_string(e.type), e.pid};
}

derived_event to_event(const alert& a) {
    events::alert e;
    e.ts_ns = a.ts_ns;
    e.rule = a.rule;
    e.severity = a.severity;
    e.message = a.message;
    e.pids = a.pids;
    for (const auto& r : a.refs) e.refs.push_back({r.ts_ns, r.type, r.pid});
    const alert_chain& c = a.chain;
    if (!c.call_id.empty()) {
        e.chain.llm_call_ts_ns = c.llm_call_ts;
        e.chain.call_id = c.call_id;
        e.chain.tool_name = c.tool_name;
    }
    for (const auto& s : c.processes) e.chain.processes.push_back({s.pid, s.comm});
    e.chain.file = c.file;
    e.chain.host = c.host;
    e.chain.why = c.why;
    return derived_event(std::move(e));
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
