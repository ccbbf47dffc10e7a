// SPDX-License-Identifier: Apache-2.0
// Matching kernel events to the tool calls that caused them.
#include <algorithm>

#include "analysis/correlate/correlate.h"
#include "util/json_get.h"

namespace agentsight::analyzers {

namespace {

constexpr size_t k_max_items = 256;  // per list in one tool_exec: a `find /` stays readable

bool under(const std::string& path, const std::string& dir) {
    if (path == dir) return true;
    return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
           (dir.back() == '/' || path[dir.size()] == '/');
}

}  // namespace

std::string correlator::owner_of(int32_t pid) const {
    // Ownership is inherited: the cat that `bash -c` forks belongs to the bash's tool call.
    for (int hops = 0; pid > 0 && hops < 256 && !is_agent(pid); ++hops) {
        if (auto it = owner_.find(pid); it != owner_.end()) return it->second;
        pid = procs_.parent(pid);
    }
    return {};
}

void correlator::attach_process(pending_tool& t, int32_t pid) {
    owner_[pid] = t.call->call_id;
    if (!t.top_pid) t.top_pid = pid;
    const session::process_life* p = procs_.find(pid);
    json entry = {{"pid", pid},
                  {"ppid", p ? p->ppid : 0},
                  {"comm", p ? p->comm : ""},
                  {"argv", p ? p->argv() : std::vector<std::string>{}}};
    if (p && !p->filename().empty()) entry["filename"] = p->filename();
    for (auto& existing : t.processes)
        if (existing["pid"] == pid) {
            existing = std::move(entry);  // an exec after the fork: now with its argv
            return;
        }
    if (t.processes.size() >= k_max_items) return;
    t.pids.push_back(pid);
    t.processes.push_back(std::move(entry));
}

void correlator::make_root(pending_tool& t, const process_event& exec) {
    // The process whose argv carries the command is the tool's root whatever came first:
    // pids[0], exit_code and duration_ms are its own.
    t.top_pid = exec.pid;
    t.root_exact = true;
    t.root_ts = exec.ts_ns;
    auto at = std::find(t.pids.begin(), t.pids.end(), exec.pid);
    if (at == t.pids.end()) return;
    const auto i = at - t.pids.begin();
    std::rotate(t.pids.begin(), at, at + 1);
    std::rotate(t.processes.begin(), t.processes.begin() + i, t.processes.begin() + i + 1);
}

bool correlator::context_shell(const pending_tool& t, const process_event& e) const {
    // Agents start helper shells around a shell tool call (Claude Code: an env probe, the
    // shell snapshot `bash -c -l SNAPSHOT_FILE=...`). While exactly one shell call waits for
    // its command, a shell the agent starts is that call's context (or its root, when the
    // command's quoting could not be undone), not an unexplained action.
    if (t.target.kind != tool_kind::shell || t.root_exact || e.ts_ns < t.call->llm_ts) return false;
    if (!is_agent(procs_.parent(e.pid))) return false;
    if (!is_shell_binary(e.filename) && !is_shell_binary(e.comm)) return false;
    for (const auto& [id, other] : tools_)
        if (&other != &t && other.target.kind == tool_kind::shell && !other.root_exact &&
            e.ts_ns >= other.call->llm_ts)
            return false;
    return true;
}

void correlator::note_time(pending_tool& t, uint64_t ts) {
    t.first_ts = t.first_ts ? std::min(t.first_ts, ts) : ts;
    t.last_ts = std::max(t.last_ts, ts);
}

void correlator::note_file(pending_tool& t, const process_event& e) {
    std::string op = file_op(e);
    if (t.files.size() >= k_max_items || !t.file_keys.insert(op + '\0' + e.path).second) return;
    json f = {{"path", e.path}, {"op", op}, {"ret", e.ret}, {"pid", e.pid}};
    if (e.type == process_event_type::file_rename) f["new_path"] = e.new_path;
    t.files.push_back(std::move(f));
}

void correlator::attach(pending_tool& t, const process_event& e) {
    using k = process_event_type;
    note_time(t, e.ts_ns);
    if (e.type == k::fork) {
        attach_process(t, e.child_pid);
    } else if (e.type == k::exec || (e.pid != t.call->agent_pid && !owner_.count(e.pid))) {
        attach_process(t, e.pid);
    }
    if (!file_op(e).empty()) note_file(t, e);
    if (connect_counts(e) && t.connections.size() < k_max_items) {
        std::string key = e.addr + ':' + std::to_string(e.port);
        if (t.conn_keys.insert(key).second)
            t.connections.push_back({{"addr", e.addr}, {"port", e.port}, {"pid", e.pid}});
    }
}

bool correlator::link_process_event(const process_event& e) {
    std::string owner = owner_of(e.pid);
    if (!owner.empty()) {
        if (auto it = tools_.find(owner); it != tools_.end()) {
            pending_tool& t = it->second;
            attach(t, e);
            // A helper shell may run the command itself in a child.
            if (e.type == process_event_type::exec && t.target.kind == tool_kind::shell &&
                !t.root_exact && argv_carries(e.argv, t.target.command))
                make_root(t, e);
        }
        if (e.type == process_event_type::fork) owner_[e.child_pid] = owner;
        return true;  // a finished tool's late activity is still explained
    }
    using k = process_event_type;
    if (e.type == k::exec) return try_link_exec(e);
    if (e.type == k::connect) return try_link_connect(e);
    if (!file_op(e).empty()) return try_link_file(e);
    return false;
}

bool correlator::try_link_exec(const process_event& e) {
    for (const auto& id : calls_.open()) {
        pending_tool& t = tools_[id];
        if (t.target.kind != tool_kind::shell || e.ts_ns < t.call->llm_ts) continue;
        if (t.call->agent_pid && !procs_.descends_from(e.pid, t.call->agent_pid)) continue;
        if (!t.root_exact && argv_carries(e.argv, t.target.command)) {
            attach(t, e);
            make_root(t, e);
            return true;
        }
    }
    for (const auto& id : calls_.open()) {
        pending_tool& t = tools_[id];
        if (context_shell(t, e)) {
            attach(t, e);
            return true;
        }
    }
    return false;
}

bool correlator::file_matches(const pending_tool& t, const process_event& e) const {
    if (t.target.kind != tool_kind::file || e.ts_ns < t.call->llm_ts) return false;
    if (t.call->agent_pid && !procs_.descends_from(e.pid, t.call->agent_pid)) return false;
    const std::string& want = t.target.path;
    std::string want_abs = want.empty() || want[0] == '/' ? want : resolve(want, e.pid);
    for (const std::string* p : {&e.path, &e.new_path}) {
        if (p->empty()) continue;
        if (under(*p, want) || under(resolve(*p, e.pid), want_abs)) return true;
    }
    return false;
}

bool correlator::try_link_file(const process_event& e) {
    for (const auto& id : calls_.open()) {
        pending_tool& t = tools_[id];
        if (file_matches(t, e)) {
            note_time(t, e.ts_ns);
            note_file(t, e);
            return true;
        }
    }
    return false;
}

bool correlator::try_link_connect(const process_event& e) {
    if (!connect_counts(e)) return false;
    for (const auto& id : calls_.open()) {
        pending_tool& t = tools_[id];
        if (t.target.kind != tool_kind::fetch || e.ts_ns < t.call->llm_ts) continue;
        if (std::find(t.target.hosts.begin(), t.target.hosts.end(), e.addr) == t.target.hosts.end())
            continue;
        note_time(t, e.ts_ns);
        if (t.conn_keys.insert(e.addr + ':' + std::to_string(e.port)).second)
            t.connections.push_back({{"addr", e.addr}, {"port", e.port}, {"pid", e.pid}});
        return true;
    }
    return false;
}

void correlator::link_http(const json& b) {
    const std::string conn = json_get(b, "conn", "");
    const std::string host = strip_port(json_get(b, "host", ""));
    const uint64_t ts = json_get(b, "ts", uint64_t{0});
    const int32_t pid = json_get(b, "pid", 0);
    const tracked_connect* c = net_.on_host(conn, host);
    for (const auto& id : calls_.open()) {
        pending_tool& t = tools_[id];
        if (t.target.kind == tool_kind::shell || ts < t.call->llm_ts) continue;
        if (std::find(t.target.hosts.begin(), t.target.hosts.end(), host) == t.target.hosts.end())
            continue;
        if (t.call->agent_pid && !procs_.descends_from(pid, t.call->agent_pid) &&
            owner_of(pid) != id)
            continue;
        std::string addr = c ? c->ev.addr : host;
        uint16_t port = c ? c->ev.port : 443;
        note_time(t, ts);
        if (t.conn_keys.insert(addr + ':' + std::to_string(port)).second)
            t.connections.push_back({{"addr", addr}, {"port", port}, {"pid", pid}, {"host", host}});
        return;
    }
}

void correlator::relink_recent(pending_tool& t) {
    // The llm_call is emitted when its response ends, and ring buffers are not ordered with
    // each other: the activity it caused may already have passed by.
    for (const auto& e : recent_) {
        if (e.ts_ns < t.call->llm_ts) continue;
        std::string owner = owner_of(e.pid);
        if (!owner.empty()) {
            if (owner == t.call->call_id) attach(t, e);
            continue;
        }
        if (e.type == process_event_type::exec) {
            if (t.target.kind == tool_kind::shell && !t.root_exact &&
                argv_carries(e.argv, t.target.command) &&
                (!t.call->agent_pid || procs_.descends_from(e.pid, t.call->agent_pid))) {
                attach(t, e);
                make_root(t, e);
            } else if (context_shell(t, e)) {
                attach(t, e);
            }
        } else if (file_matches(t, e)) {
            note_time(t, e.ts_ns);
            note_file(t, e);
        }
    }
}

}  // namespace agentsight::analyzers
