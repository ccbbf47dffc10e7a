// SPDX-License-Identifier: Apache-2.0
#include "outputs/trace/store_row.h"

#include "util/json_writer.h"

namespace agentsight {
namespace {

llm_facts llm_facts_of(const events::llm_call& c) {
    llm_facts f;
    f.provider = c.provider;
    f.model = c.response_model.empty() ? c.model : c.response_model;
    f.status = c.status;
    f.input_tokens = c.usage.input_tokens;
    f.output_tokens = c.usage.output_tokens;
    f.cache_read_tokens = c.usage.cache_read_tokens;
    f.cache_creation_tokens = c.usage.cache_creation_tokens;
    f.duration_ms = c.duration_ms;
    f.error = c.error.value_or("");
    return f;
}

session_facts session_facts_of(const events::session_start& s) {
    session_facts f;
    f.start = true;
    f.session_id = s.session_id;
    f.command = s.command;
    f.hostname = s.hostname;
    f.agentsight_version = s.agentsight_version;
    return f;
}

session_facts session_facts_of(const events::session_end& s) {
    session_facts f;
    f.start = false;
    f.session_id = s.session_id;
    if (!s.stats.is_null()) f.stats_json = s.stats.dump();
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
        r.pid = events::pid_of(d.payload);
        if (const auto* c = std::get_if<events::llm_call>(&d.payload))
            r.facts = llm_facts_of(*c);
        else if (const auto* ss = std::get_if<events::session_start>(&d.payload))
            r.facts = session_facts_of(*ss);
        else if (const auto* se = std::get_if<events::session_end>(&d.payload))
            r.facts = session_facts_of(*se);
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
