// SPDX-License-Identifier: Apache-2.0
#include "analysis/redact/redact.h"

#include "analysis/protocol/http2_session.h"
#include "analysis/protocol/http_types.h"
#include "analysis/redact/redact_marker.h"

namespace agentsight::analyzers {
namespace {

// A flag naming a credential: the next argv element is its value.
bool secret_flag(std::string_view arg) {
    if (arg.size() < 3 || arg[0] != '-') return false;
    std::string lower = to_lower(arg);
    if (lower.find('=') != std::string::npos) return false;
    for (auto word :
         {"key", "token", "password", "passwd", "secret", "auth", "credential", "cookie"})
        if (lower.find(word) != std::string::npos) return true;
    return false;
}

// Whether `data` is a run of plausible HTTP/2 frames from its first byte: known types,
// stream 0 exactly for the connection-level ones, lengths within the default maximum.
bool http2_frames(std::string_view data) {
    size_t at = 0, frames = 0;
    while (at + 9 <= data.size()) {
        const auto u8 = [&](size_t i) { return static_cast<uint8_t>(data[at + i]); };
        const size_t len = (size_t{u8(0)} << 16) | (size_t{u8(1)} << 8) | u8(2);
        const uint8_t type = u8(3);
        const uint32_t stream =
            (uint32_t{u8(5)} << 24 | uint32_t{u8(6)} << 16 | uint32_t{u8(7)} << 8 | u8(8));
        if (type > 9 || len > 16384 || (stream & 0x80000000u)) return false;
        const bool connection_level = type == 4 || type == 6 || type == 7;
        if (connection_level != (stream == 0) && type != 8) return false;
        if (type == 4 && len % 6 != 0) return false;
        at += 9 + len;
        ++frames;
    }
    return frames > 0;
}

}  // namespace

void redact_stage::on_event(event& e, const emit_fn&) {
    if (!opts_.enabled) return;
    if (auto* t = std::get_if<tls_event>(&e)) {
        redact_tls(*t);
    } else if (auto* p = std::get_if<process_event>(&e)) {
        redact_process(*p);
        if (p->type == process_event_type::exit) forget_process(p->pid);
    } else {
        redact_derived(std::get<derived_event>(e));
    }
}

void redact_stage::forget_process(int32_t pid) {
    // Drop the stream tails of the exited process's connections ("<pid>:..." names). The
    // HTTP/2 state stays (bounded by k_max_http2): an `exit` has been seen for a process whose
    // connection went on, and a connection followed again from the middle has lost its HPACK
    // table, so its header blocks would all be masked whole.
    std::string prefix = std::to_string(pid) + ":";
    std::erase_if(streams_, [&](const auto& kv) { return kv.first.starts_with(prefix); });
}

void redact_stage::mask(std::string& data, size_t begin, size_t end) {
    // On HTTP/2 only DATA payload bytes are text; framing and HPACK bytes stay.
    size_t b = begin;
    while (b < end) {
        while (b < end && !framing_.empty() && framing_[b]) ++b;
        size_t e = b;
        while (e < end && (framing_.empty() || !framing_[e])) ++e;
        if (e > b) mask_in_place(data.data() + b, e - b);
        b = e;
    }
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

    // 0. HTTP/2: header blocks first (on the original bytes), then only DATA is text.
    framing_.clear();
    follow_http2(t, st);

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
    framing_.clear();
    // 3. Bytes lost after this record break the stream: start fresh.
    if (t.truncated > 0) {
        st.tail.clear();
        st.open = secret_tail::none;
        return;
    }
    size_t keep = std::min(k_tail, scratch_.size());
    st.tail.assign(scratch_, scratch_.size() - keep, keep);
}

void redact_stage::follow_http2(tls_event& t, stream_state& st) {
    auto h2 = http2_.find(t.conn);
    if (h2 == http2_.end() && st.preface_possible && st.preface_matched == 0 &&
        http2_frames(t.data)) {
        // The capture began after the preface (probes attached late): a stream that opens
        // with HTTP/2 frames is followed from here. Blocks that index entries we never saw do
        // not decode, and are then masked whole.
        st.preface_possible = false;
        if (http2_.size() >= k_max_http2) http2_.clear();
        auto state = std::make_unique<http2_state>();
        state->client = t.direction;
        state->redactor.preface_seen(k_http2_preface.size());
        h2 = http2_.emplace(t.conn, std::move(state)).first;
    }
    if (h2 == http2_.end() && st.preface_possible) {
        // The client preface, possibly cut across the stream's first records.
        const size_t before = st.preface_matched;
        const size_t n = std::min(k_http2_preface.size() - before, t.data.size());
        if (t.data.compare(0, n, k_http2_preface.substr(before, n)) != 0) {
            st.preface_possible = false;
        } else if ((st.preface_matched += n) == k_http2_preface.size()) {
            st.preface_possible = false;
            if (http2_.size() >= k_max_http2) http2_.clear();
            auto state = std::make_unique<http2_state>();
            state->client = t.direction;
            state->redactor.preface_seen(before);
            h2 = http2_.emplace(t.conn, std::move(state)).first;
        }
    }
    if (h2 == http2_.end()) return;
    bool client = t.direction == h2->second->client;
    h2->second->redactor.feed(client, t.data, framing_);
    if (t.truncated > 0) h2->second->redactor.lost(client);
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
            arg = redaction_marker(arg, false);
            ++counters_.redactions;
        } else if (size_t eq = arg.find('='); eq != std::string::npos && arg[0] == '-' &&
                                              secret_flag(std::string_view(arg).substr(0, eq))) {
            arg.replace(eq + 1, std::string::npos, redaction_marker(arg.substr(eq + 1), false));
            ++counters_.redactions;  // --api-key=VALUE
        } else {
            redact_string(arg);
        }
        value_next = secret_flag(arg);
    }
}

// Everything under a credential-named key: strings become markers, numbers and booleans
// stay (usage counts such as "input_tokens" are numbers).
void redact_stage::redact_secret_value(json& v) {
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s.empty()) return;
        v = redaction_marker(s, false);
        ++counters_.redactions;
    } else if (v.is_structured()) {
        for (auto& x : v) redact_secret_value(x);
    }
}

void redact_stage::redact_json(json& j) {
    if (j.is_string()) {
        redact_string(j.get_ref<std::string&>());
    } else if (j.is_array()) {
        for (auto& v : j) redact_json(v);
    } else if (j.is_object()) {
        for (auto& [k, v] : j.items()) {
            if (is_secret_key(k))
                redact_secret_value(v);
            else
                redact_json(v);
        }
    }
}

}  // namespace agentsight::analyzers
