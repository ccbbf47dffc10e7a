// SPDX-License-Identifier: Apache-2.0
// secret_to_model: a tool's result carried a secret into the next LLM request (a tool read
// .env, and the request sent its content to the provider). The correlator runs before the
// redaction stage, so live it sees the secret and asks the one secret scanner; a redacted
// trace read back shows the redaction markers instead, which count the same. The alert names
// each secret's kind and hash marker, never its value.
#include <set>

#include "analysis/correlate/correlate.h"
#include "analysis/correlate/threat_patterns.h"
#include "analysis/redact/redact_marker.h"
#include "util/json_get.h"

namespace agentsight::analyzers {

namespace {

constexpr size_t k_max_scanned = 1 << 20;  // per tool result: a secret is near the start
constexpr size_t k_max_kinds = 8;
constexpr std::string_view k_marker = "[redacted:";
constexpr std::string_view k_ellipsis = "\xE2\x80\xA6";  // a kept prefix: "sk-ant-…[redacted:"

// A result's text: a string, or content blocks whose `text` fields are joined by lines.
std::string text_of(const json& content) {
    if (content.is_string()) return content.get<std::string>();
    if (content.is_null()) return {};
    if (!content.is_array()) return content.dump();
    std::string out;
    for (const auto& block : content) {
        auto t = block.is_object() ? block.find("text") : block.end();
        out += (t != block.end() && t->is_string() ? t->get<std::string>() : block.dump()) + "\n";
    }
    return out;
}

struct found_secret {
    std::string kind, tag;  // tag: the hash the redaction marker shows, to tell keys apart
};

void scan(std::string_view text, std::vector<found_secret>& out) {
    std::vector<secret_span> spans;
    find_secrets(text, false, spans);
    for (const auto& s : spans) {
        std::string_view value = text.substr(s.begin, s.end - s.begin);
        out.push_back({secret_kind(text, s), redaction_marker(value, false)});
    }
    // Already redacted (a recorded trace read back): the marker stands for the secret.
    for (size_t at = text.find(k_marker); at != std::string_view::npos;
         at = text.find(k_marker, at + 1)) {
        size_t end = text.find(']', at);
        if (end == std::string_view::npos) break;
        secret_span s{at, end + 1};
        std::string_view before = text.substr(0, at);
        if (before.size() >= k_ellipsis.size() &&
            before.substr(before.size() - k_ellipsis.size()) == k_ellipsis) {
            before.remove_suffix(k_ellipsis.size());
            s.after_prefix = true;
        }
        std::string joined = std::string(before) + std::string(text.substr(at, end + 1 - at));
        s.begin = before.size();
        s.end = joined.size();
        out.push_back({secret_kind(joined, s), std::string(text.substr(at, end + 1 - at))});
    }
}

}  // namespace

void correlator::check_secret_to_model(const json& b, uint64_t ts, const emit_fn& emit) {
    if (!rules_.secret_to_model.enabled) return;
    auto results = b.find("tool_results");
    if (results == b.end() || !results->is_array()) return;
    const int32_t llm_pid = json_get(b, "pid", 0);
    for (const auto& r : *results) {
        const std::string text = text_of(r.contains("content") ? r["content"] : json());
        std::vector<found_secret> found;
        scan(std::string_view(text).substr(0, k_max_scanned), found);
        std::set<std::string> kinds;
        for (const auto& f : found)
            if (alerted_.insert("secret_to_model|" + f.kind + "|" + f.tag).second &&
                kinds.size() < k_max_kinds)
                kinds.insert(f.kind);
        if (kinds.empty()) continue;
        std::string list;
        for (const auto& k : kinds) list += (list.empty() ? "" : ", ") + k;
        const std::string call_id = json_get(r, "tool_call_id", "");
        alert a{ts,
                "secret_to_model",
                rules_.secret_to_model.severity,
                "the result of tool call " + call_id + " sent " + list + " to the model (" +
                    json_get(b, "host", "") + ")",
                {llm_pid},
                {{ts, "llm_call", llm_pid}}};
        a.chain.call_id = call_id;
        a.chain.host = json_get(b, "host", "");
        // The trio goes together: an unknown call still names its id.
        const session::tool_call* call = calls_.recall(call_id);
        a.chain.llm_call_ts_ns = call ? call->llm_ts : 0;
        a.chain.tool_name = call ? call->name : "";
        if (auto t = tools_.find(call_id); t != tools_.end()) {
            if (t->second.top_pid) a.pids.insert(a.pids.begin(), t->second.top_pid);
            if (t->second.target.kind == tool_kind::file) a.chain.file = t->second.target_text;
        }
        for (const auto& read : secret_reads_)  // the secret file this tool call read, if any
            if (a.chain.file.empty() && owner_of(read.pid) == call_id) a.chain.file = read.path;
        a.chain.why = "a secret (" + list + ") left the machine in a prompt to the LLM provider";
        raise(std::move(a), emit);
    }
}

}  // namespace agentsight::analyzers
