// SPDX-License-Identifier: Apache-2.0
// The alert rules the correlator applies (data/rules.json, docs/correlation.md). The defaults
// are compiled in; a user file is merged over them so a one-line file can tune one number.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/event.h"
#include "util/result.h"

namespace agentsight::analyzers {

struct rule_switch {
    bool enabled = true;
    std::string severity = "warning";  // info | warning | critical
};

// A glob rule on file events: "open" = any file_open, "write" = a write open, rename,
// unlink or mkdir, "any" = both.
struct path_rule {
    std::string rule;
    std::string severity = "warning";
    std::string on = "open";
    std::string message;
    std::vector<std::string> paths;   // expanded: ~/ already replaced
    std::vector<std::string> except;  // expanded
    bool outside_workdir = false;     // only paths outside the working directory (git hooks)
};

struct rule_set {
    uint64_t tool_timeout_ns = 30'000'000'000ULL;  // a tool call with no activity is closed
    rule_switch unexplained;
    uint64_t unexplained_grace_ns = 2'000'000'000ULL;
    rule_switch write_outside_workdir;
    std::vector<std::string> write_allow;
    rule_switch unknown_host;
    std::vector<std::string> host_allow;
    std::vector<uint16_t> host_ignore_ports;
    rule_switch opaque_connection;
    uint64_t opaque_wait_ns = 5'000'000'000ULL;
    std::vector<uint16_t> opaque_ignore_ports;
    rule_switch tool_loop;
    uint32_t tool_loop_count = 3;
    rule_switch llm_error_burst;
    uint32_t error_burst_count = 3;
    uint64_t error_burst_window_ns = 60'000'000'000ULL;
    rule_switch tamper;
    // Threat rules (rules_threats.cpp, correlate_threats.cpp).
    rule_switch exfiltration{true, "critical"};
    std::vector<std::string> exfil_sources;  // path rule names whose reads are secrets
    std::vector<uint16_t> exfil_ignore_ports;
    std::vector<std::string> exfil_ignore_addrs;
    rule_switch secret_to_model{true, "critical"};
    rule_switch download_execute{true, "critical"};
    std::vector<std::string> fetchers;      // programs that download (by file name)
    std::vector<std::string> interpreters;  // programs that run what they are fed
    rule_switch dns_exfiltration{true, "critical"};
    uint32_t dns_min_label = 40;  // a DNS label this long carries data, not a name
    rule_switch unexplained_network;
    std::vector<uint16_t> network_ignore_ports;
    std::vector<path_rule> path_rules;
    // The agent's own upkeep: writes to these paths are no alert at all; these commands, like
    // any activity before the first LLM answer, are one grouped `info` line.
    std::vector<std::string> housekeeping_writes;  // expanded
    std::vector<std::string> housekeeping_commands;
};

// The text of data/rules.json as compiled in (kept equal to the file by a unit test).
std::string_view default_rules_text();

// Parses a rules document merged over the defaults. `where` names it in errors.
result<rule_set> parse_rules(const json& user, const std::string& where);
// The defaults, merged with `path` when it is not empty.
result<rule_set> load_rules(const std::string& path);
rule_set default_rules();

// `*` and `?` stop at '/', `**` crosses it, and a pattern with no '/' matches the last path
// component. Plain and cheap: patterns are short and paths are at most 4 KiB.
bool glob_match(std::string_view pattern, std::string_view path);
// A command pattern against argv joined by blanks: `*` matches anything, '/' included.
bool command_match(std::string_view pattern, std::string_view command);
// "~/x" becomes "/root/x" and "/home/*/x": the traced user's home is not known in replay.
std::vector<std::string> expand_home(const std::vector<std::string>& patterns);

}  // namespace agentsight::analyzers
