#include "analyzers/redact.h"

#include "analyzers/http_types.h"

namespace agentsight::analyzers {
namespace {

constexpr std::string_view k_mask = "[REDACTED]";

// A flag naming a credential: the next argv element is its value.
bool secret_flag(std::string_view arg) {
    if (arg.size() < 3 || arg[0] != '-') return false;
    std::string lower = to_lower(arg);
    if (lower.find('=') != std::string::npos) return false;
    for (auto word : {"key", "token", "password", "secret", "auth"})
        if (lower.find(word) != std::string::npos) return true;
    return false;
}

}  // namespace

void redact_stage::on_event(event& e, const emit_fn&) {
    if (!opts_.enabled) return;
    if (auto* t = std::get_if<tls_event>(&e)) {
        redact_tls(*t);
    } else if (auto* p = std::get_if<process_event>(&e)) {
        redact_process(*p);
        if (p->type == process_event_type::exit) {
            // Drop the stream tails of the exited process ("<pid>:..." connections).
            std::string prefix = std::to_string(p->pid) + ":";
            std::erase_if(streams_, [&](const auto& kv) { return kv.first.starts_with(prefix); });
        }
    } else {
        redact_json(std::get<derived_event>(e).body);
    }
}

void redact_stage::mask(std::string& data, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i)
        data[i] = i - begin < k_mask.size() ? k_mask[i - begin] : '*';
    ++counters_.redactions;
}

void redact_stage::redact_tls(tls_event& t) {
    if (t.direction == tls_direction::handshake) return;
    ++counters_.records;
    counters_.bytes += t.data.size();
    key_.assign(t.conn);  // reused: no allocation per record once warm
    key_ += t.direction == tls_direction::write ? "/w" : "/r";
    auto it = streams_.find(key_);
    if (it == streams_.end()) {
        if (streams_.size() >= k_max_streams) streams_.clear();  // bounded; costs only the tail
        it = streams_.emplace(key_, stream_state{}).first;
    }
    stream_state& st = it->second;
    std::string& data = t.data;

    // 1. The previous record ended inside a secret: its rest opens this one.
    if (st.open != secret_tail::none) {
        size_t n = continuation_length(data, st.open);
        if (n > 0) mask(data, 0, n);
        if (n < data.size()) st.open = secret_tail::none;
    }
    // 2. Scan the old tail + this record, so prefixes cut by the boundary are seen whole.
    scratch_.assign(st.tail);
    const size_t tail_len = scratch_.size();
    scratch_.append(data);
    spans_.clear();
    find_secrets(scratch_, true, spans_);
    for (const auto& s : spans_) {
        if (s.end <= tail_len && s.continues == secret_tail::none) continue;
        size_t b = s.begin > tail_len ? s.begin - tail_len : 0;
        size_t e = s.end - tail_len;
        if (e > b) {
            mask(data, b, e);
            for (size_t i = b; i < e; ++i) scratch_[tail_len + i] = data[i];
        }
        if (s.continues != secret_tail::none) st.open = s.continues;
    }
    // 3. Bytes lost after this record break the stream: start fresh.
    if (t.truncated > 0) {
        st.tail.clear();
        st.open = secret_tail::none;
        return;
    }
    size_t keep = std::min(k_tail, scratch_.size());
    st.tail.assign(scratch_, scratch_.size() - keep, keep);
}

bool redact_stage::redact_string(std::string& s) {
    std::string out;
    if (!redact_text(s, out)) return false;
    s = std::move(out);
    ++counters_.redactions;
    return true;
}

void redact_stage::redact_process(process_event& p) {
    redact_string(p.filename);
    redact_string(p.path);
    redact_string(p.new_path);
    bool value_next = false;
    for (auto& arg : p.argv) {
        if (value_next && !arg.empty() && arg[0] != '-') {
            arg = k_mask;
            ++counters_.redactions;
        } else if (size_t eq = arg.find('='); eq != std::string::npos && arg[0] == '-' &&
                                              secret_flag(std::string_view(arg).substr(0, eq))) {
            arg.replace(eq + 1, std::string::npos, k_mask);  // --api-key=VALUE
            ++counters_.redactions;
        } else {
            redact_string(arg);
        }
        value_next = secret_flag(arg);
    }
}

void redact_stage::redact_json(json& j) {
    if (j.is_string()) {
        redact_string(j.get_ref<std::string&>());
    } else if (j.is_array()) {
        for (auto& v : j) redact_json(v);
    } else if (j.is_object()) {
        for (auto& [k, v] : j.items()) {
            if (v.is_string() && is_secret_key(k)) {
                v = k_mask;
                ++counters_.redactions;
            } else {
                redact_json(v);
            }
        }
    }
}

}  // namespace agentsight::analyzers
