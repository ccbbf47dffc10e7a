// SPDX-License-Identifier: Apache-2.0
#include "outputs/otlp/otlp_span_builder.h"

#include <algorithm>
#include <set>

#include "outputs/otlp/otlp_json.h"
#include "pipeline/session_events.h"
#include "util/argv_text.h"

namespace agentsight {

using namespace otlp_json;

namespace {

constexpr size_t k_max_alerts = 256;
constexpr size_t k_max_listed = 64;  // files/connections listed on a tool span

std::string agent_name_of(const std::string& command) {
    std::string first = command.substr(0, command.find(' '));
    size_t slash = first.rfind('/');
    return slash == std::string::npos ? first : first.substr(slash + 1);
}

std::vector<std::string> string_list(const json& arr) {
    std::vector<std::string> out;
    if (!arr.is_array()) return out;
    for (const auto& v : arr) {
        if (out.size() == k_max_listed) break;
        out.push_back(v.is_string() ? v.get<std::string>() : dump(v));
    }
    return out;
}

}  // namespace

otlp_span_builder::otlp_span_builder(otlp_builder_options options, uint64_t seed)
    : options_(std::move(options)), rng_(seed) {}

std::string otlp_span_builder::new_id(int bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    for (;;) {
        s.clear();
        for (int i = 0; i < bytes; i += 8) {
            uint64_t v = rng_();
            for (int b = 0; b < 8 && i + b < bytes; ++b, v >>= 8) {
                s += hex[(v >> 4) & 0xf];
                s += hex[v & 0xf];
            }
        }
        if (s.find_first_not_of('0') != std::string::npos) return s;  // all-zero ids are invalid
    }
}

otlp_span otlp_span_builder::make_span(std::string name, span_kind kind, std::string parent,
                                       uint64_t start, uint64_t end) {
    otlp_span s;
    s.trace_id = session_.trace_id;
    s.span_id = new_id(8);
    s.parent_span_id = std::move(parent);
    s.name = std::move(name);
    s.kind = kind;
    s.start_ns = start;
    s.end_ns = std::max(start, end);
    s.attributes.add("gen_ai.conversation.id", session_.id);
    return s;
}

void otlp_span_builder::begin_session(std::string id, uint64_t ts_ns, std::string command) {
    session_ = session_state{};
    session_.active = true;
    session_.id = id.empty() ? new_session_id() : std::move(id);
    session_.trace_id = new_id(16);
    session_.span_id = new_id(8);
    session_.start_ns = session_.last_ns = ts_ns;
    session_.command = std::move(command);
    session_.agent_name = agent_name_of(session_.command);
}

// Events before any session_start (a live run without `record`, an old trace)
// still get a trace: an implicit session that starts with the first event.
void otlp_span_builder::ensure_session(uint64_t ts_ns) {
    if (!session_.active) begin_session(options_.session_id, ts_ns, {});
    if (ts_ns) {
        session_.last_ns = std::max(session_.last_ns, ts_ns);
        if (ts_ns < session_.start_ns) session_.start_ns = ts_ns;
    }
}

void otlp_span_builder::on_event(const event& e, std::vector<otlp_span>& out) {
    if (auto* p = std::get_if<process_event>(&e)) {
        ensure_session(p->ts_ns);
        on_process(*p, out);
        return;
    }
    if (auto* t = std::get_if<tls_event>(&e)) {
        ensure_session(t->ts_ns);
        return;
    }
    const auto& d = std::get<derived_event>(e);
    if (d.type == "session_start") {
        if (session_.active) end_session(session_.last_ns, nullptr, out);
        begin_session(str_at(d.body, "session_id"), d.ts_ns, str_at(d.body, "command"));
        return;
    }
    ensure_session(d.ts_ns);
    if (d.type == "session_end") {
        end_session(d.ts_ns, &field(d.body, "stats"), out);
    } else if (const auto* c = std::get_if<events::llm_call>(&d.payload)) {
        on_llm_call(*c, d.body, out);
    } else if (d.type == "tool_exec") {
        on_tool_exec(d.body, d.ts_ns, out);
    } else if (d.type == "alert") {
        on_alert(d.body, d.ts_ns);
    }
}

void otlp_span_builder::on_process(const process_event& p, std::vector<otlp_span>& out) {
    const session::process_life& life = procs_.observe(p);
    if (p.type != process_event_type::exit) return;
    if (auto it = process_spans_.find(life.id); it != process_spans_.end() && !it->second.emitted)
        emit_process(life, it->second, p.ts_ns, out);
    evict_processes();
}

void otlp_span_builder::evict_processes() {
    if (procs_.size() <= options_.max_tracked_processes) return;
    procs_.bound(options_.max_tracked_processes);
    std::erase_if(process_spans_, [&](const auto& kv) { return !procs_.life(kv.first); });
}

// This call's tool results close the tools the previous calls asked for; the calls it asks
// for open tool spans linked to its chat span.
void otlp_span_builder::on_tool_turn(const json& b, uint64_t ts_ns, uint64_t start, uint64_t end,
                                     const std::string& chat_span_id, std::vector<otlp_span>& out) {
    const session::tool_turn turn = calls_.on_llm_call(b, ts_ns, end);
    for (const auto& r : turn.results) {
        auto it = r.call ? tools_.find(r.call_id) : tools_.end();
        if (it == tools_.end()) continue;
        pending_tool& t = it->second;
        t.end_ns = std::max(t.start_ns, start);
        if (options_.capture_content) {
            static const json none;
            const json& c = r.content ? *r.content : none;
            t.result = c.is_string() ? c.get<std::string>() : dump(c);
        }
        if (!t.exec.is_null()) {
            close_tool(it, out);
        } else {
            t.ticks_left = options_.tool_grace_ticks;
        }
    }
    for (const auto& c : turn.requests) {
        pending_tool t;
        t.call = c.call;
        t.span_id = new_id(8);
        t.chat_span_id = chat_span_id;
        t.start_ns = end;
        if (options_.capture_content && c.input) t.arguments = dump(*c.input);
        if (c.call) tools_[c.call_id] = std::move(t);
        ++session_.tool_calls;
    }
}

void otlp_span_builder::on_tool_exec(const json& b, uint64_t ts_ns, std::vector<otlp_span>& out) {
    const std::string call_id = str_at(b, "call_id");
    const auto duration_ms = num_at<double>(b, "duration_ms").value_or(0);
    const bool requested = calls_.find(call_id) != nullptr;
    const session::tool_call& call = calls_.on_tool_exec(call_id, str_at(b, "tool_name"));
    auto it = tools_.find(call_id);
    if (!requested || it == tools_.end()) {  // its llm_call was not decoded: no result will come
        pending_tool t;
        t.call = &call;
        t.span_id = new_id(8);
        t.start_ns = ts_ns - std::min<uint64_t>(ts_ns, static_cast<uint64_t>(duration_ms * k_ms));
        t.end_ns = ts_ns;
        it = tools_.insert_or_assign(call_id, std::move(t)).first;
    }
    pending_tool& t = it->second;
    t.exec = b;
    t.exec_end_ns = std::max(ts_ns, t.start_ns);
    claim_processes(b, t, out);
    // The span waits for the tool's result (it arrives with the next llm_call)
    // so it can end when the agent got it back, but not forever.
    if (call.result_seen || !call.requested) {
        close_tool(it, out);
    } else {
        t.ticks_left = options_.result_wait_ticks;
    }
}

void otlp_span_builder::claim_processes(const json& b, const pending_tool& t,
                                        std::vector<otlp_span>& out) {
    std::set<int32_t> pids;
    if (const json& list = field(b, "pids"); list.is_array())
        for (const auto& p : list)
            if (p.is_number_integer()) pids.insert(p.get<int32_t>());
    for (int32_t pid : pids) {
        process_span& span = process_spans_[procs_.named(pid, t.start_ns).id];
        if (span.span_id.empty()) span.span_id = new_id(8);
    }
    for (int32_t pid : pids) {
        const session::process_life& life = *procs_.find(pid);
        process_span& span = process_spans_[life.id];
        // Nest by ppid inside the tool, so `bash -c cat` shows cat under bash.
        const session::process_life* parent = procs_.find(life.ppid);
        span.parent_span_id = pids.count(life.ppid) && life.ppid != pid && parent
                                  ? process_spans_[parent->id].span_id
                                  : t.span_id;
        if (!span.start_ns) span.start_ns = session::process_table::start_of(life);
        if (!span.start_ns) span.start_ns = t.start_ns;
        if (life.exited && !span.emitted) emit_process(life, span, life.exit_ts, out);
    }
}

void otlp_span_builder::close_tool(std::map<std::string, pending_tool>::iterator it,
                                   std::vector<otlp_span>& out) {
    emit_tool(it->second, out);
    const std::string call_id = it->first;
    tools_.erase(it);
    calls_.close(call_id);
}

void otlp_span_builder::emit_tool(pending_tool& t, std::vector<otlp_span>& out) {
    const session::tool_call& call = *t.call;
    const bool answered = call.result_seen || !call.requested;
    const uint64_t end = answered ? t.end_ns : t.exec_end_ns ? t.exec_end_ns : t.end_ns;
    otlp_span s = make_span("execute_tool " + call.name, span_kind::internal, session_.span_id,
                            t.start_ns, end);
    s.span_id = t.span_id;
    auto& a = s.attributes;
    a.add("gen_ai.operation.name", "execute_tool");
    a.add_nonempty("gen_ai.tool.name", call.name);
    a.add_nonempty("gen_ai.tool.call.id", call.call_id);
    a.add("gen_ai.tool.type", "function");
    if (!t.chat_span_id.empty()) {
        otlp_link l;
        l.trace_id = session_.trace_id;
        l.span_id = t.chat_span_id;
        l.attributes.add("agentsight.link", "requested_by");
        s.links.push_back(std::move(l));
    }
    if (const json& exec = t.exec; exec.is_object()) {
        if (auto code = num_at<int64_t>(exec, "exit_code"))
            a.add("agentsight.tool.exit_code", *code);
        std::vector<int64_t> pids;
        if (const json& list = field(exec, "pids"); list.is_array())
            for (const auto& p : list)
                if (p.is_number_integer() && pids.size() < k_max_listed)
                    pids.push_back(p.get<int64_t>());
        if (!pids.empty()) a.add_ints("agentsight.tool.pids", pids);
        auto files = string_list(field(exec, "files"));
        if (!files.empty()) a.add_strings("agentsight.tool.files", files);
        auto conns = string_list(field(exec, "connections"));
        if (!conns.empty()) a.add_strings("agentsight.tool.connections", conns);
    }
    if (options_.capture_content) {
        if (!t.arguments.empty()) a.add("gen_ai.tool.call.arguments", t.arguments);
        if (!t.result.empty()) a.add("gen_ai.tool.call.result", t.result);
    }
    if (call.is_error) {
        s.status = span_status::error;
        a.add("error.type", "tool_error");
    }
    out.push_back(std::move(s));
}

void otlp_span_builder::emit_process(const session::process_life& p, process_span& span,
                                     uint64_t end_ns, std::vector<otlp_span>& out) {
    const std::string& comm = p.shown_comm();
    const session::process_image& image = p.running();
    otlp_span s = make_span("process " + comm, span_kind::internal, span.parent_span_id,
                            span.start_ns, end_ns);
    s.span_id = span.span_id;
    auto& a = s.attributes;
    a.add("process.pid", static_cast<int64_t>(p.pid));
    if (p.ppid) a.add("process.parent_pid", static_cast<int64_t>(p.ppid));
    a.add_nonempty("process.executable.name", comm);
    a.add_nonempty("process.executable.path", image.filename);
    if (!image.argv.empty()) {
        a.add("process.command_line", join_argv(image.argv));
        a.add_strings("process.command_args", image.argv);
    }
    if (p.exited) {
        a.add("process.exit.code", static_cast<int64_t>(p.exit_code));
        if (p.signal) a.add("agentsight.process.signal", static_cast<int64_t>(p.signal));
        if (p.exit_code != 0 || p.signal != 0) s.status = span_status::error;
    } else {
        a.add_bool("agentsight.process.running", true);
    }
    span.emitted = true;
    out.push_back(std::move(s));
}

void otlp_span_builder::on_alert(const json& b, uint64_t ts_ns) {
    if (session_.alerts.size() >= k_max_alerts) return;
    otlp_span_event ev;
    ev.time_ns = ts_ns;
    ev.name = "agentsight.alert";
    ev.attributes.add_nonempty("agentsight.alert.rule", str_at(b, "rule"));
    ev.attributes.add_nonempty("agentsight.alert.severity", str_at(b, "severity"));
    ev.attributes.add_nonempty("agentsight.alert.message", str_at(b, "message"));
    session_.alerts.push_back(std::move(ev));
}

void otlp_span_builder::on_tick(std::vector<otlp_span>& out) {
    for (auto it = tools_.begin(); it != tools_.end();) {
        if (it->second.ticks_left > 0) --it->second.ticks_left;
        if (it->second.ticks_left == 0) {
            auto due = it++;
            close_tool(due, out);
        } else {
            ++it;
        }
    }
}

void otlp_span_builder::end_session(uint64_t end_ns, const json* stats,
                                    std::vector<otlp_span>& out) {
    for (auto& [id, t] : tools_) {
        if (!t.call->result_seen && !t.exec_end_ns) t.exec_end_ns = std::max(t.start_ns, end_ns);
        emit_tool(t, out);
    }
    tools_.clear();
    calls_.clear();
    for (auto& [id, span] : process_spans_)
        if (const session::process_life* p = procs_.life(id); p && !span.emitted)
            emit_process(*p, span, p->exited ? p->exit_ts : end_ns, out);

    std::string name =
        session_.agent_name.empty() ? "invoke_agent" : "invoke_agent " + session_.agent_name;
    otlp_span root = make_span(std::move(name), span_kind::internal, "", session_.start_ns,
                               std::max(end_ns, session_.last_ns));
    root.span_id = session_.span_id;
    auto& a = root.attributes;
    a.add("gen_ai.operation.name", "invoke_agent");
    a.add_nonempty("gen_ai.agent.name", session_.agent_name);
    a.add_nonempty("process.command_line", session_.command);
    a.add("agentsight.llm_calls", session_.llm_calls);
    a.add("agentsight.tool_calls", session_.tool_calls);
    if (stats && stats->is_object())
        for (const auto& [k, v] : stats->items())
            if (v.is_number_integer()) a.add("agentsight.stats." + k, v.get<int64_t>());
    root.events = std::move(session_.alerts);
    out.push_back(std::move(root));
    session_ = session_state{};
    procs_.clear();
    process_spans_.clear();
}

void otlp_span_builder::finish(uint64_t now_ns, std::vector<otlp_span>& out) {
    // The last event, not the wall clock: a replayed trace from last month must
    // not produce a month-long session span.
    if (session_.active) end_session(session_.last_ns ? session_.last_ns : now_ns, nullptr, out);
}

}  // namespace agentsight
