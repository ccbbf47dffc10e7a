// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/correlate.h"
#include "util/json_get.h"

namespace agentsight::analyzers {

namespace {

constexpr size_t k_max_recent = 4096;
constexpr uint64_t k_recent_window_ns = 10'000'000'000ULL;
constexpr uint64_t k_linked_timeout_factor = 20;  // a linked call without a result: 10 min
constexpr int32_t k_o_wronly = 01, k_o_rdwr = 02, k_o_creat = 0100;

std::string string_or(const json& b, const char* key) {
    auto it = b.find(key);
    return it != b.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool is_write(const process_event& e) {
    using t = process_event_type;
    switch (e.type) {
        case t::file_open:
            return (e.flags & (k_o_wronly | k_o_rdwr | k_o_creat)) != 0;
        case t::file_unlink:
        case t::file_rename:
        case t::mkdir:
            return true;
        default:
            return false;
    }
}

std::string file_op(const process_event& e) {
    using t = process_event_type;
    switch (e.type) {
        case t::file_open:
            return is_write(e) ? "write" : "read";
        case t::file_unlink:
            return "unlink";
        case t::file_rename:
            return "rename";
        case t::mkdir:
            return "mkdir";
        default:
            return "";
    }
}

correlator::correlator(rule_set rules, std::string working_dir)
    : rules_(std::move(rules)), working_dir_(std::move(working_dir)), net_(rules_.opaque_wait_ns) {}

result<std::unique_ptr<correlator>> make_correlator(const correlator_options& opts) {
    auto rules = load_rules(opts.rules_path);
    if (!rules) return error{rules.message()};
    return std::make_unique<correlator>(std::move(rules.value()), opts.working_dir);
}

void correlator::on_event(event& e, const emit_fn& emit) {
    if (auto* p = std::get_if<process_event>(&e)) {
        on_process(*p, emit);
    } else if (auto* t = std::get_if<tls_event>(&e)) {
        net_.on_tls(*t);
    } else if (auto* d = std::get_if<derived_event>(&e)) {
        if (d->type == "llm_call") {
            on_llm_call(d->body, d->ts_ns, emit);
        } else if (d->type == "http_exchange") {
            talks_http_.insert(json_get(d->body, "pid", 0));
            link_http(d->body);
            // Judged when the connection's record is due or at the end: an LLM call that names
            // this host may come later (Claude's `HEAD /` check precedes its first call).
            net_.on_host(string_or(d->body, "conn"), strip_port(string_or(d->body, "host")));
        } else if (d->type == "session_start") {
            on_session_start(d->body);
        }
    }
}

void correlator::on_session_start(const json& b) {
    if (auto it = b.find("pid"); it != b.end() && it->is_number_integer())
        mark_agent(it->get<int32_t>());
    if (working_dir_.empty()) working_dir_ = string_or(b, "cwd");
}

void correlator::mark_agent(int32_t pid) {
    // The pid that talks to the model is the agent, and so is every process it runs under
    // (a wrapper script, `npx`), up to the traced root.
    for (int hops = 0; pid > 0 && hops < 64; ++hops) {
        agents_.insert(pid);
        pid = procs_.parent(pid);
        if (!procs_.find(pid)) break;
    }
}

bool correlator::in_agent_tree(int32_t pid) const {
    for (int hops = 0; pid > 0 && hops < 256; ++hops) {
        if (is_agent(pid)) return true;
        pid = procs_.parent(pid);
    }
    return false;
}

void correlator::on_process(const process_event& e, const emit_fn& emit) {
    saw_process_ = true;
    const bool seen = procs_.find(e.pid) != nullptr;
    const int32_t known_parent = procs_.find(e.ppid) ? e.ppid : 0;
    procs_.observe(e);
    if (!seen && known_parent == 0 && e.ppid > 0) {
        roots_.insert(e.pid);  // the traced root: its parent is outside the tree
        agents_.insert(e.pid);
    }
    check_tamper(e, emit);
    check_paths(e, emit);
    net_.on_connect(e);
    if (!link_process_event(e)) maybe_candidate(e);
    check_threats(e, emit);
    if (e.type == process_event_type::exec || e.type == process_event_type::connect ||
        e.type == process_event_type::file_open || is_write(e)) {
        recent_.push_back(e);
        while (recent_.size() > k_max_recent ||
               (!recent_.empty() && recent_.front().ts_ns + k_recent_window_ns < e.ts_ns))
            recent_.pop_front();
    }
}

void correlator::on_llm_call(const json& b, uint64_t ts, const emit_fn& emit) {
    const int32_t pid = json_get(b, "pid", 0);
    mark_agent(pid);
    talks_http_.insert(pid);
    std::string host = strip_port(string_or(b, "host"));
    if (!host.empty()) named_hosts_.insert(host);
    net_.on_host(string_or(b, "conn"), host);
    if (!first_answer_ts_) first_answer_ts_ = session::llm_call_end(b, ts);
    check_llm_call(b, ts, emit);
    check_secret_to_model(b, ts, emit);

    // Results first: they close calls of earlier turns, never this one's.
    const session::tool_turn turn = calls_.on_llm_call(b, ts, session::llm_call_end(b, ts));
    for (const auto& r : turn.results)
        if (r.call) close_tool(r.call_id, emit);
    static const json no_input;
    for (const auto& c : turn.requests) {
        const json& input = c.input ? *c.input : no_input;
        if (c.call) add_tool_call(*c.call, input);
        check_tool_loop(c.name, input, b, ts, emit);
    }
}

void correlator::add_tool_call(const session::tool_call& call, const json& input) {
    pending_tool t;
    t.call = &call;
    t.target = classify_tool(call.name, input);
    for (const auto& h : t.target.hosts) named_hosts_.insert(h);
    t.target_text = t.target.kind == tool_kind::shell  ? t.target.command
                    : t.target.kind == tool_kind::file ? t.target.path
                    : t.target.hosts.empty()           ? std::string()
                                                       : t.target.hosts.front();
    relink_recent(tools_[call.call_id] = std::move(t));
}

void correlator::close_tool(const std::string& call_id, const emit_fn& emit) {
    auto it = tools_.find(call_id);
    if (it == tools_.end()) return;
    emit_tool(it->second, emit);
    tools_.erase(it);
    calls_.close(call_id);
}

void correlator::emit_tool(pending_tool& t, const emit_fn& emit) {
    // A TLS-only capture says nothing about activity: "no_activity" would be a false claim.
    if (!saw_process_) return;
    const bool linked = !t.pids.empty() || !t.files.empty() || !t.connections.empty();
    // Helper shells before the root are context: the tool starts with its root.
    uint64_t start = t.root_exact           ? t.root_ts
                     : linked && t.first_ts ? t.first_ts
                                            : t.call->llm_end_ts;
    uint64_t end = std::max(start, t.last_ts);
    events::tool_exec x;
    if (const session::process_life* p = procs_.find(t.top_pid); p && p->exited) {
        x.exit_code = p->exit_code;
        end = std::max(end, p->exit_ts);
    }
    x.ts_ns = start;
    x.call_id = t.call->call_id;
    x.tool_name = t.call->name;
    x.target = t.target_text;
    x.llm_call_ts_ns = t.call->llm_ts;
    x.conn = t.call->conn;
    x.pid = t.call->agent_pid;
    x.pids = t.pids;
    x.processes = t.processes;
    x.files = t.files;
    x.connections = t.connections;
    x.duration_ms = static_cast<double>(end - start) / 1e6;
    x.status = linked ? "linked" : "no_activity";
    x.result_linked = t.call->result_seen;
    if (t.call->result_seen) x.is_error = t.call->is_error;
    emit(event(derived_event(std::move(x))));
}

void correlator::on_tick(uint64_t now_ns, const emit_fn& emit) {
    now_ns_ = std::max(now_ns_, now_ns);
    judge_candidates(now_ns_, false, emit);
    judge_connects(now_ns_, false, emit);
    release_held(now_ns_, false, emit);
    std::vector<std::string> due;
    for (const auto& [id, t] : tools_) {
        const bool active = !t.pids.empty() || !t.files.empty() || !t.connections.empty();
        uint64_t limit = rules_.tool_timeout_ns * (active ? k_linked_timeout_factor : 1);
        if (now_ns_ >= t.call->llm_end_ts + limit) due.push_back(id);
    }
    for (const auto& id : due) close_tool(id, emit);
    procs_.prune(now_ns_ > 3'600'000'000'000ULL ? now_ns_ - 3'600'000'000'000ULL : 0);
    std::erase_if(owner_, [&](const auto& kv) { return !procs_.find(kv.first); });
}

void correlator::finish(const emit_fn& emit) {
    judge_candidates(UINT64_MAX, true, emit);
    judge_connects(UINT64_MAX, true, emit);
    emit_upkeep(emit);
    release_held(UINT64_MAX, true, emit);  // last: what finish raised may be held too
    // A copy: closing changes the list, and a call without a pending tool stays open.
    const std::vector<std::string> open(calls_.open().begin(), calls_.open().end());
    for (const auto& call_id : open) close_tool(call_id, emit);
}

}  // namespace agentsight::analyzers
