// SPDX-License-Identifier: Apache-2.0
#include "ui/event_digest.h"

#include <algorithm>

#include "util/argv_text.h"

namespace agentsight::server {
namespace {

// Bounds what one event contributes to the search text. TLS payloads and tool
// outputs can be megabytes; past this the log search simply stops looking.
constexpr size_t k_max_search_bytes = 64 * 1024;
constexpr size_t k_max_label_bytes = 160;

void append_text(std::string& out, std::string_view s) {
    if (s.empty() || out.size() >= k_max_search_bytes) return;
    if (!out.empty()) out += '\n';
    out.append(s.substr(0, k_max_search_bytes - std::min(out.size(), k_max_search_bytes)));
}

// Every string value under `j`, recursively; numbers and keys are left out so
// that searching "pid" or "type" does not match every event.
void append_json_strings(std::string& out, const json& j) {
    if (out.size() >= k_max_search_bytes) return;
    if (j.is_string()) {
        append_text(out, j.get_ref<const std::string&>());
    } else if (j.is_structured()) {
        for (const auto& v : j) append_json_strings(out, v);
    }
}

std::string clip(std::string s) {
    if (s.size() > k_max_label_bytes) {
        size_t cut = k_max_label_bytes;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        s.resize(cut);
        s += "…";
    }
    return s;
}

std::string str_at(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void digest_process(const process_event& e, event_digest& d) {
    using t = process_event_type;
    d.type = to_string(e.type);
    d.pid = e.pid;
    switch (e.type) {
        case t::exec:
            d.label = join_argv(e.argv);
            if (d.label.empty()) d.label = e.filename;
            break;
        case t::fork:
            d.label = "fork " + std::to_string(e.child_pid);
            break;
        case t::exit:
            d.label = e.signal ? "killed by signal " + std::to_string(e.signal)
                               : "exit " + std::to_string(e.exit_code);
            break;
        case t::file_rename:
            d.label = e.path + " → " + e.new_path;
            break;
        case t::connect:
        case t::bind:
        case t::listen:
        case t::accept:
            d.label = e.family == 10 ? "[" + e.addr + "]:" + std::to_string(e.port)
                      : e.port       ? e.addr + ":" + std::to_string(e.port)
                                     : e.addr;
            break;
        case t::suppressed:
            d.label = e.suppressed_type + " ×" + std::to_string(e.count);
            break;
        default:
            d.label = e.path;
            break;
    }
    append_text(d.search_text, e.comm);
    append_text(d.search_text, d.label);
    if (e.type == t::exec) append_text(d.search_text, e.filename);
}

void digest_tls(const tls_event& e, event_digest& d) {
    const bool handshake = e.direction == tls_direction::handshake;
    d.type = handshake ? "tls_handshake" : "tls";
    d.pid = e.pid;
    d.label = handshake ? "handshake " + e.conn
                        : std::string(to_string(e.direction)) + " " + std::to_string(e.len) + " B";
    append_text(d.search_text, e.comm);
    append_text(d.search_text, e.conn);
    append_text(d.search_text, e.data);
}

void digest_llm_call(const events::llm_call& c, event_digest& d) {
    d.label = c.model.empty() ? c.provider : c.model;
    for (const std::string* t : {&c.provider, &c.model, &c.user_prompt})
        append_text(d.search_text, *t);
    append_text(d.search_text, c.error.value_or(""));
    // request.messages repeats the whole conversation on every call, so it is
    // left out: the new parts of each turn are user_prompt and tool_results.
    append_json_strings(d.search_text, c.tool_results);
    const events::llm_response& r = c.response;
    append_text(d.search_text, r.text);
    append_text(d.search_text, r.thinking);
    for (const auto& call : r.tool_calls) {
        append_text(d.search_text, call.id);
        append_text(d.search_text, call.name);
        append_json_strings(d.search_text, call.input);
    }
    append_text(d.search_text, r.stop_reason);
}

void digest_derived(const derived_event& e, event_digest& d) {
    const json& b = e.body;
    d.type = e.type;
    if (auto it = b.find("pid"); it != b.end() && it->is_number_integer())
        d.pid = it->get<int32_t>();
    if (auto it = b.find("pids"); it != b.end() && it->is_array()) {
        for (const auto& p : *it) {
            if (!p.is_number_integer()) continue;
            int32_t pid = p.get<int32_t>();
            if (d.pid == 0) d.pid = pid;
            if (pid != d.pid &&
                std::find(d.extra_pids.begin(), d.extra_pids.end(), pid) == d.extra_pids.end())
                d.extra_pids.push_back(pid);
        }
    }
    if (const auto* c = std::get_if<events::llm_call>(&e.payload)) {
        digest_llm_call(*c, d);
    } else if (e.type == "tool_exec") {
        d.label = str_at(b, "tool_name");
        append_json_strings(d.search_text, b);
    } else if (e.type == "alert") {
        d.label = str_at(b, "rule") + ": " + str_at(b, "message");
        append_json_strings(d.search_text, b);
    } else {
        d.label = e.type;
        append_json_strings(d.search_text, b);
    }
}

}  // namespace

void ascii_lower(std::string& s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}

event_digest digest_event(const event& e) {
    event_digest d;
    if (auto* p = std::get_if<process_event>(&e)) {
        d.ts_ns = p->ts_ns;
        digest_process(*p, d);
    } else if (auto* t = std::get_if<tls_event>(&e)) {
        d.ts_ns = t->ts_ns;
        digest_tls(*t, d);
    } else {
        const auto& de = std::get<derived_event>(e);
        d.ts_ns = de.ts_ns;
        digest_derived(de, d);
    }
    d.label = clip(std::move(d.label));
    ascii_lower(d.search_text);
    return d;
}

}  // namespace agentsight::server
