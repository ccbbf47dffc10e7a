// SPDX-License-Identifier: Apache-2.0
// The alert rules of data/rules.json, applied as events pass.
#include <algorithm>

#include "analysis/correlate/correlate.h"
#include "util/json_get.h"

namespace agentsight::analyzers {

namespace {

constexpr size_t k_max_candidates = 8192;
constexpr size_t k_max_command = 512;  // housekeeping patterns see this much of an argv
constexpr size_t k_max_upkeep_kinds = 32;
constexpr size_t k_max_upkeep_refs = 64;

bool under(const std::string& path, const std::string& dir) {
    if (dir.empty()) return false;
    if (path == dir || dir == "/") return true;
    return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
           path[dir.size()] == '/';
}

// "/a/./b/../c" -> "/a/c", lexically: the paths are from another time and maybe another root.
std::string normalize(const std::string& path) {
    std::vector<std::string> parts;
    size_t at = 0;
    while (at <= path.size()) {
        size_t next = path.find('/', at);
        if (next == std::string::npos) next = path.size();
        std::string part = path.substr(at, next - at);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        at = next + 1;
    }
    std::string out;
    for (const auto& p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
}

bool any_glob(const std::vector<std::string>& patterns, const std::string& a,
              const std::string& b) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
        return glob_match(p, a) || (!b.empty() && glob_match(p, b));
    });
}

std::string failed_suffix(int64_t ret) {
    return ret < 0 ? " (failed: " + std::to_string(ret) + ")" : "";
}

}  // namespace

std::string correlator::resolve(const std::string& path, int32_t /*pid*/) const {
    if (path.empty()) return path;
    if (path[0] == '/') return normalize(path);
    // Per-process cwd is not traced; the agent's own is the best guess for a relative path.
    if (working_dir_.empty()) return path;
    return normalize(working_dir_ + "/" + path);
}

namespace {

// A signal or ptrace that reached agentsight is the rule's severity (critical by default): the
// agent can stop or kill its recorder. An attempt that reached nothing (refused, not sent, or a
// signal-0 probe) is info: it shows intent, and is reported once per sender, syscall and signal.
std::string touch_story(const process_event& e, const std::string& by) {
    std::string whom =
        e.target == "unresolved_pidfd"
            ? "a process behind pidfd " + std::to_string(e.fd) + " (maybe agentsight)"
            : "the agentsight " + e.target + " process (pid " + std::to_string(e.target_pid) + ")";
    std::string what =
        e.syscall == "ptrace" ? "ptrace" : e.syscall + " signal " + std::to_string(e.signal);
    std::string outcome = e.delivered             ? ""
                          : e.ret < 0             ? " (refused: " + std::to_string(e.ret) + ")"
                          : e.syscall == "ptrace" ? ""
                          : e.signal == 0         ? " (a probe: signal 0 delivers nothing)"
                                                  : " (not sent)";
    return what + " to " + whom + " by " + by + outcome;
}

}  // namespace

void correlator::check_tamper(const process_event& e, const emit_fn& emit) {
    if (e.type == process_event_type::touch_recorder && rules_.tamper.enabled) {
        const std::string key = "tamper|touch|" + std::to_string(e.pid) + "|" + e.syscall + "|" +
                                std::to_string(e.signal) + "|" + e.target + "|" +
                                (e.delivered ? "1" : "0");
        if (!e.delivered && !alerted_.insert(key).second) return;
        raise({e.ts_ns,
               "tamper",
               e.delivered ? rules_.tamper.severity : "info",
               touch_story(e, who(e)),
               {e.pid},
               {ref_of(e)}},
              emit);
        return;
    }
    if (e.type != process_event_type::bpf_call || !rules_.tamper.enabled) return;
    if (!alerted_.insert("tamper|bpf|" + std::to_string(e.pid)).second) return;
    raise({e.ts_ns,
           "tamper",
           rules_.tamper.severity,
           "bpf() called by " + who(e) + " (command " + std::to_string(e.bpf_cmd) +
               "): it could blind or alter tracing",
           {e.pid},
           {ref_of(e)}},
          emit);
}

const path_rule* correlator::path_rule_for(const process_event& e, const std::string& raw,
                                           const std::string& abs) const {
    const bool write = is_write(e);
    for (const auto& r : rules_.path_rules) {
        if (r.on == "open" && e.type != process_event_type::file_open) continue;
        if (r.on == "write" && !write) continue;
        if (r.outside_workdir && (working_dir_.empty() || under(abs, working_dir_))) continue;
        if (any_glob(r.paths, raw, abs) && !any_glob(r.except, raw, abs)) return &r;
    }
    return nullptr;
}

void correlator::check_paths(const process_event& e, const emit_fn& emit) {
    const std::string op = file_op(e);
    if (op.empty()) return;
    const bool write = is_write(e);
    for (const std::string* raw : {&e.path, &e.new_path}) {
        if (raw->empty()) continue;
        const std::string abs = resolve(*raw, e.pid);
        // The first rule that matches speaks for the path: a cron file is persistence, not
        // also a system write and a write outside the working directory.
        if (const path_rule* r = path_rule_for(e, *raw, abs)) {
            // The agent's runtime at startup, before any model output (Bun loads .env, SDKs
            // probe ~/.aws): no prompt can have asked for it.
            const bool startup = is_agent(e.pid) && first_answer_ts_ == 0 && !write;
            if (e.ret >= 0 && !write && !startup) note_secret_read(e, r->rule, abs);
            // The outcome is in the key: a failed probe must not hide a later real read.
            const std::string key = r->rule + '\0' + std::to_string(e.pid) + '\0' + abs +
                                    (e.ret < 0 ? "|failed" : "") + (startup ? "|startup" : "");
            if (!alerted_.insert(key).second) continue;
            const std::string what = r->message.empty() ? r->rule : r->message;
            alert a{e.ts_ns,
                    r->rule,
                    // A refused or failed attempt (ENOENT, EACCES) touched nothing: intent at most.
                    e.ret < 0 || startup ? "info" : r->severity,
                    what + ": " + op + " " + abs + " by " + who(e) + failed_suffix(e.ret) +
                        (startup ? " (the agent itself at startup, before any model answer)" : ""),
                    {e.pid},
                    {ref_of(e)}};
            a.chain.file = abs;
            a.chain.why = what + (e.ret < 0 ? " (the attempt failed)" : "");
            raise(std::move(a), emit);
            continue;
        }
        if (!write || e.ret < 0 || !rules_.write_outside_workdir.enabled || working_dir_.empty())
            continue;
        if (abs.empty() || abs[0] != '/' || under(abs, working_dir_)) continue;
        if (any_glob(rules_.write_allow, *raw, abs) ||
            any_glob(rules_.housekeeping_writes, *raw, abs))
            continue;
        if (!alerted_.insert("write_outside_workdir|" + abs).second) continue;
        alert a{e.ts_ns,
                "write_outside_workdir",
                rules_.write_outside_workdir.severity,
                op + " " + abs + " outside the working directory " + working_dir_ + " by " +
                    who(e) + failed_suffix(e.ret),
                {e.pid},
                {ref_of(e)}};
        a.chain.file = abs;
        raise(std::move(a), emit);
    }
}

void correlator::check_llm_call(const json& b, uint64_t ts, const emit_fn& emit) {
    if (!rules_.llm_error_burst.enabled || rules_.error_burst_count == 0) return;
    const int status = json_get(b, "status", 0);
    auto err = b.find("error");
    const bool has_error =
        err != b.end() && !err->is_null() && !(err->is_string() && err->get<std::string>().empty());
    if (status < 400 && !has_error) return;
    const int32_t pid = json_get(b, "pid", 0);
    llm_errors_.push_back(ts);
    llm_error_refs_.push_back({ts, "llm_call", pid});
    while (!llm_errors_.empty() && llm_errors_.front() + rules_.error_burst_window_ns < ts) {
        llm_errors_.pop_front();
        llm_error_refs_.erase(llm_error_refs_.begin());
    }
    if (llm_errors_.size() < rules_.error_burst_count) return;
    raise({ts,
           "llm_error_burst",
           rules_.llm_error_burst.severity,
           std::to_string(llm_errors_.size()) + " failed LLM calls within " +
               std::to_string(rules_.error_burst_window_ns / 1'000'000'000ULL) +
               " s (last: status " + std::to_string(status) + ")",
           {pid},
           llm_error_refs_},
          emit);
    llm_errors_.clear();  // the next alert needs a fresh burst
    llm_error_refs_.clear();
}

void correlator::check_tool_loop(const std::string& name, const json& input, const json& llm,
                                 uint64_t ts, const emit_fn& emit) {
    if (!rules_.tool_loop.enabled || rules_.tool_loop_count == 0 || name.empty()) return;
    const std::string args = input.dump();
    uint32_t n = ++tool_repeats_[name + '\0' + args];
    if (n != rules_.tool_loop_count) return;
    const int32_t pid = json_get(llm, "pid", 0);
    raise({ts,
           "tool_loop",
           rules_.tool_loop.severity,
           name + " called " + std::to_string(n) + " times with the same input " + clip(args, 80),
           {pid},
           {{ts, "llm_call", pid}}},
          emit);
}

void correlator::maybe_candidate(const process_event& e) {
    if (!rules_.unexplained.enabled || is_agent(e.pid)) return;
    const bool net = connect_counts(e) && e.port != 53;
    // A failed open wrote nothing; the agent's own state and /dev/null are its upkeep.
    const bool write = is_write(e) && e.ret >= 0 && !housekeeping_write(e);
    if (e.type != process_event_type::exec && !write && !net) return;
    if (candidates_.size() >= k_max_candidates) candidates_.pop_front();
    candidates_.push_back({e});
}

void correlator::judge_candidates(uint64_t now_ns, bool final, const emit_fn& emit) {
    // Until the agent has made its first call nothing can be explained yet: hold on.
    if (!final && first_answer_ts_ == 0) return;
    while (!candidates_.empty()) {
        const process_event e = candidates_.front().ev;
        if (!final && e.ts_ns + rules_.unexplained_grace_ns > now_ns) break;
        candidates_.pop_front();
        if (is_agent(e.pid) || !owner_of(e.pid).empty() || !in_agent_tree(e.pid)) continue;
        // A connection is judged on its own, also before the first answer: a hook or a
        // startup script that phones home is not upkeep.
        if (e.type == process_event_type::connect)
            raise_unexplained_network(e, "no tool call explains the process that opened it", emit);
        bool seen = false;
        for (int32_t p = e.pid; p > 0 && !is_agent(p) && !seen; p = procs_.parent(p))
            seen = flagged_.count(p) > 0;
        if (seen) continue;
        flagged_.insert(e.pid);
        std::string what;
        if (e.type == process_event_type::exec)
            what = "exec " + describe_argv(e.argv.empty() ? std::vector{e.filename} : e.argv);
        else if (e.type == process_event_type::connect)
            what = "connect to " + e.addr + ":" + std::to_string(e.port);
        else
            what = file_op(e) + " " + resolve(e.path, e.pid);
        const bool startup = first_answer_ts_ == 0 || e.ts_ns < first_answer_ts_;
        if (startup) {
            note_upkeep(e, what);
            continue;
        }
        if (housekeeping_command(e)) {
            // Not a cover for what it starts: a hook or fsmonitor child is judged on its own.
            flagged_.erase(e.pid);
            note_upkeep(e, what);
            continue;
        }
        alert a{e.ts_ns,
                "unexplained",
                rules_.unexplained.severity,
                what + " by " + who(e) + ": no tool call explains it",
                {e.pid},
                {ref_of(e)}};
        if (e.type == process_event_type::connect)
            a.chain.host = e.addr + ":" + std::to_string(e.port);
        else if (e.type != process_event_type::exec)
            a.chain.file = resolve(e.path, e.pid);
        raise(std::move(a), emit);
    }
}

bool correlator::housekeeping_write(const process_event& e) const {
    for (const std::string* raw : {&e.path, &e.new_path}) {
        if (raw->empty()) continue;
        if (!any_glob(rules_.housekeeping_writes, *raw, resolve(*raw, e.pid))) return false;
    }
    return !e.path.empty();
}

bool correlator::housekeeping_command(const process_event& e) const {
    if (e.type != process_event_type::exec || e.argv.empty()) return false;
    // argv[0] by its name: `/usr/bin/git status` is `git status`.
    std::string command = e.argv[0].substr(e.argv[0].rfind('/') + 1);
    for (size_t i = 1; i < e.argv.size() && command.size() < k_max_command; ++i)
        command += " " + e.argv[i];
    return std::any_of(rules_.housekeeping_commands.begin(), rules_.housekeeping_commands.end(),
                       [&](const std::string& p) { return command_match(p, command); });
}

void correlator::note_upkeep(const process_event& e, const std::string& what) {
    upkeep_group& g = upkeep_;
    if (g.count++ == 0) g.first_ts = e.ts_ns;
    if (g.what.size() < k_max_upkeep_kinds || g.what.count(what)) ++g.what[what];
    if (g.pids.size() < k_max_upkeep_refs) {
        g.pids.push_back(e.pid);
        g.refs.push_back(ref_of(e));
    }
}

void correlator::emit_upkeep(const emit_fn& emit) {
    upkeep_group& g = upkeep_;
    if (g.count == 0) return;
    std::string list;
    for (const auto& [what, n] : g.what) {
        if (!list.empty()) list += "; ";
        list += what + (n > 1 ? " (x" + std::to_string(n) + ")" : "");
    }
    raise({g.first_ts, "unexplained", "info",
           std::to_string(g.count) +
               " startup or housekeeping actions no tool call explains (before the first LLM "
               "answer, or on the housekeeping list): " +
               clip(list, 480),
           g.pids, g.refs},
          emit);
    upkeep_ = {};
}

}  // namespace agentsight::analyzers
