// SPDX-License-Identifier: Apache-2.0
// The correlator stage (issue 7): links each tool call an LLM asked for to the processes,
// files and connections it caused (`tool_exec`), and raises `alert`s for what no tool call
// explains or what a rule in data/rules.json flags. Runs between the HTTP/LLM analyzer and
// redaction, live in `record` and on replay in `analyze`. docs/correlation.md has the details.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "analysis/correlate/alert.h"
#include "analysis/correlate/correlate_net.h"
#include "analysis/correlate/correlate_tools.h"
#include "analysis/correlate/rules.h"
#include "pipeline/session/process_table.h"
#include "pipeline/session/tool_calls.h"
#include "pipeline/stage.h"
#include "util/result.h"

namespace agentsight::analyzers {

struct correlator_options {
    std::string rules_path;  // --rules FILE, merged over the built-in data/rules.json
    // "" = session_start.cwd, which the capture process records (-- CMD: its own directory,
    // --pid: the target's). Never read from /proc here: a replay must see what was recorded.
    std::string working_dir;
};

class correlator : public stage {
  public:
    correlator(rule_set rules, std::string working_dir);
    std::string_view name() const override { return "correlate"; }
    void on_event(event& e, const emit_fn& emit) override;
    void on_tick(uint64_t now_ns, const emit_fn& emit) override;
    void finish(const emit_fn& emit) override;

    const std::string& working_dir() const { return working_dir_; }

  private:
    // What the correlator ties to one open call of the session's tool lifecycle.
    struct pending_tool {
        const session::tool_call* call = nullptr;  // the request, its result
        std::string target_text;
        tool_target target;
        int32_t top_pid = 0;
        bool root_exact = false;  // top_pid's argv carries the command; else a guess
        uint64_t root_ts = 0;     // the exact root's exec
        std::vector<int32_t> pids;
        json processes = json::array(), files = json::array(), connections = json::array();
        std::set<std::string> file_keys, conn_keys;
        uint64_t first_ts = 0, last_ts = 0;
    };
    // An event waiting for its "unexplained" verdict: the llm_call that explains it may
    // still be on its way.
    struct candidate {
        process_event ev;
    };
    // Startup probes and housekeeping commands no tool call explains: one `info` line.
    struct upkeep_group {
        std::map<std::string, uint32_t> what;  // description -> count
        std::vector<int32_t> pids;
        std::vector<alert_ref> refs;
        uint64_t first_ts = 0;
        uint32_t count = 0;
    };

    // correlate.cpp: dispatch and the tool-call lifecycle
    void on_process(const process_event& e, const emit_fn& emit);
    void on_llm_call(const json& b, uint64_t ts, const emit_fn& emit);
    void on_session_start(const json& b);
    void add_tool_call(const session::tool_call& call, const json& input);
    void close_tool(const std::string& call_id, const emit_fn& emit);
    void emit_tool(pending_tool& t, const emit_fn& emit);
    void mark_agent(int32_t pid);
    bool is_agent(int32_t pid) const { return agents_.count(pid) > 0; }
    bool in_agent_tree(int32_t pid) const;

    // correlate_link.cpp: matching events to pending tool calls
    std::string owner_of(int32_t pid) const;
    bool link_process_event(const process_event& e);
    bool try_link_exec(const process_event& e);
    bool try_link_file(const process_event& e);
    bool try_link_connect(const process_event& e);
    void link_http(const json& b);
    void relink_recent(pending_tool& t);
    void attach(pending_tool& t, const process_event& e);
    void note_time(pending_tool& t, uint64_t ts);
    void note_file(pending_tool& t, const process_event& e);
    void attach_process(pending_tool& t, int32_t pid);
    void make_root(pending_tool& t, const process_event& exec);
    bool context_shell(const pending_tool& t, const process_event& e) const;
    bool file_matches(const pending_tool& t, const process_event& e) const;

    // correlate_checks.cpp: the alert rules
    void check_paths(const process_event& e, const emit_fn& emit);
    const path_rule* path_rule_for(const process_event& e, const std::string& raw,
                                   const std::string& abs) const;
    void check_tamper(const process_event& e, const emit_fn& emit);
    void check_llm_call(const json& b, uint64_t ts, const emit_fn& emit);
    void check_tool_loop(const std::string& name, const json& input, const json& llm, uint64_t ts,
                         const emit_fn& emit);
    void maybe_candidate(const process_event& e);
    void judge_candidates(uint64_t now_ns, bool final, const emit_fn& emit);
    bool housekeeping_write(const process_event& e) const;
    bool housekeeping_command(const process_event& e) const;
    void note_upkeep(const process_event& e, const std::string& what);
    void emit_upkeep(const emit_fn& emit);
    void raise(alert a, const emit_fn& emit);
    std::string resolve(const std::string& path, int32_t pid) const;

    // correlate_hosts.cpp: unknown_host and opaque_connection
    void judge_connects(uint64_t now_ns, bool final, const emit_fn& emit);
    void judge_host(tracked_connect& r, const emit_fn& emit);
    bool host_named(const std::string& host) const;

    // correlate_chain.cpp: who did it and how it came about
    std::string who(const process_event& e) const;
    std::string exe_of(int32_t pid, const std::string& fallback) const;
    void fill_chain(alert& a) const;
    // An alert on a process no tool call owns yet waits up to grace_ms for its llm_call,
    // which may come after the activity it caused (the rings are not ordered).
    void release_held(uint64_t now_ns, bool final, const emit_fn& emit);
    int32_t command_root(int32_t pid) const;  // the topmost non-agent ancestor

    // correlate_threats.cpp: exfiltration, download-and-execute, DNS names, beacons
    void check_threats(const process_event& e, const emit_fn& emit);
    void check_download_execute(const process_event& e, const emit_fn& emit);
    void check_dns_name(const process_event& e, const emit_fn& emit);
    void note_secret_read(const process_event& e, const std::string& rule, const std::string& path);
    void check_exfil_same_command(const process_event& e, const emit_fn& emit);
    void check_exfil_unnamed(const tracked_connect& r, const emit_fn& emit);
    void check_outlived_connect(const process_event& e, const emit_fn& emit);
    void raise_unexplained_network(const process_event& e, const std::string& why,
                                   const emit_fn& emit);
    bool exfil_ignored(const process_event& e) const;
    // correlate_secrets.cpp
    void check_secret_to_model(const json& b, uint64_t ts, const emit_fn& emit);

    rule_set rules_;
    std::string working_dir_;
    // The session model as this stage sees it (before redaction): every process and tool
    // call fact comes from here.
    session::process_table procs_;
    session::tool_calls calls_;
    connect_tracker net_;
    std::unordered_set<int32_t> agents_;
    std::unordered_set<int32_t> roots_;
    std::unordered_set<int32_t> talks_http_;  // pids with an llm_call/http_exchange
    std::unordered_set<int32_t> flagged_;     // pids already alerted as unexplained
    std::set<std::string> named_hosts_;
    std::map<std::string, pending_tool> tools_;       // by call id, one per calls_.open()
    std::unordered_map<int32_t, std::string> owner_;  // pid -> the tool call that caused it
    std::deque<candidate> candidates_;
    upkeep_group upkeep_;
    std::deque<process_event> recent_;  // for tool calls whose llm_call arrives late
    std::set<std::string> alerted_;     // dedupe keys
    struct secret_read {
        uint64_t ts = 0;
        int32_t pid = 0;
        std::string path;
    };
    std::deque<secret_read> secret_reads_;  // bounded, oldest dropped
    std::deque<alert> held_;                // alerts waiting for their chain's tool call
    std::unordered_map<std::string, int32_t> fetched_;  // path a downloader wrote -> its pid
    std::map<std::string, uint32_t> tool_repeats_;
    std::deque<uint64_t> llm_errors_;
    std::vector<alert_ref> llm_error_refs_;
    uint64_t first_answer_ts_ = 0;  // end of the first llm_call: before it, activity is startup
    uint64_t now_ns_ = 0;
    bool saw_process_ = false;
};

// Loads the rules (built-in, merged with opts.rules_path) and builds the stage.
result<std::unique_ptr<correlator>> make_correlator(const correlator_options& opts);

// File-event helpers shared with the report.
bool is_write(const process_event& e);
std::string file_op(const process_event& e);

}  // namespace agentsight::analyzers
