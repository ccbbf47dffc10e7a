// SPDX-License-Identifier: Apache-2.0
#include "outputs/trace/store_row.h"

#include "util/json_writer.h"

namespace agentsight {
namespace {

template <typename T>
std::optional<T> opt_num(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return std::nullopt;
    return it->get<T>();
}

std::string str_at(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json& obj_at(const json& j, const char* key) {
    static const json empty = json::object();
    auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : empty;
}

llm_facts llm_facts_of(const json& b) {
    llm_facts f;
    f.provider = str_at(b, "provider");
    f.model = str_at(b, "response_model");
    if (f.model.empty()) f.model = str_at(b, "model");
    f.status = opt_num<int64_t>(b, "status");
    const json& usage = obj_at(b, "usage");
    f.input_tokens = opt_num<int64_t>(usage, "input_tokens");
    f.output_tokens = opt_num<int64_t>(usage, "output_tokens");
    f.cache_read_tokens = opt_num<int64_t>(usage, "cache_read_tokens");
    f.cache_creation_tokens = opt_num<int64_t>(usage, "cache_creation_tokens");
    f.duration_ms = opt_num<double>(b, "duration_ms");
    auto err = b.find("error");
    if (err != b.end() && !err->is_null())
        f.error = err->is_string() ? err->get<std::string>() : err->dump();
    return f;
}

session_facts session_facts_of(const json& b, bool start) {
    session_facts f;
    f.start = start;
    f.session_id = str_at(b, "session_id");
    f.command = str_at(b, "command");
    f.hostname = str_at(b, "hostname");
    f.agentsight_version = str_at(b, "agentsight_version");
    if (auto it = b.find("stats"); it != b.end()) f.stats_json = it->dump();
    return f;
}

}  // namespace

store_row make_store_row(const event& e, std::string json_text) {
    store_row r;
    r.json = std::move(json_text);
    if (auto* p = std::get_if<process_event>(&e)) {
        r.type = to_string(p->type);
        r.ts_ns = p->ts_ns;
        r.pid = p->pid;
    } else if (auto* t = std::get_if<tls_event>(&e)) {
        r.type = t->direction == tls_direction::handshake ? "tls_handshake" : "tls";
        r.ts_ns = t->ts_ns;
        r.pid = t->pid;
        r.facts = tls_facts{t->conn, t->comm, to_string(t->lib), t->direction, t->len};
    } else {
        const auto& d = std::get<derived_event>(e);
        r.type = d.type;
        r.ts_ns = d.ts_ns;
        r.pid = opt_num<int32_t>(d.body, "pid");
        if (d.type == "llm_call") {
            r.facts = llm_facts_of(d.body);
        } else if (d.type == "session_start" || d.type == "session_end") {
            r.facts = session_facts_of(d.body, d.type == "session_start");
        }
    }
    return r;
}

process_facts process_row(const session::process_life& p) {
    process_facts f;
    f.pid = p.pid;
    f.comm = p.shown_comm();
    const uint64_t start = p.fork_ts ? p.fork_ts : p.images.empty() ? 0 : p.images.front()->ts_ns;
    if (start) f.start_ts = static_cast<int64_t>(start);
    f.ppid = p.first_ppid;
    if (const session::process_image* image = p.image()) {
        f.ppid = image->ppid;
        f.uid = image->uid;
        f.filename = image->filename;
        std::string argv = "[";
        for (size_t i = 0; i < image->argv.size(); ++i) {
            if (i) argv += ',';
            append_json_string(argv, image->argv[i]);
        }
        f.argv_json = argv + ']';
        f.exec_ts = static_cast<int64_t>(image->ts_ns);
    }
    if (p.exited) {
        f.exit_ts = static_cast<int64_t>(p.exit_ts);
        f.exit_code = p.exit_code;
        f.signal = p.signal;
    }
    return f;
}

}  // namespace agentsight
