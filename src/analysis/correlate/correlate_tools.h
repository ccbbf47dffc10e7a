// SPDX-License-Identifier: Apache-2.0
// What a tool call asks for, reduced to what can be seen from the kernel: a shell command, a
// file path, or hosts. The correlator matches process/file/network events against these.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/event.h"

namespace agentsight::analyzers {

enum class tool_kind { shell, file, fetch, other };

struct tool_target {
    tool_kind kind = tool_kind::other;
    std::string command;             // shell: normalized (see normalize_command)
    std::string path;                // file
    std::vector<std::string> hosts;  // every host the input names (urls, host keys)
};

tool_target classify_tool(std::string_view name, const json& input);

// Quotes and backslashes dropped, whitespace collapsed: agents wrap commands in
// `bash -c "... eval '<cmd>' ..."`, which re-quotes them.
std::string normalize_command(std::string_view command);
// True when the normalized argv (joined by spaces) holds `normalized_command` between
// word boundaries.
bool argv_carries(const std::vector<std::string>& argv, std::string_view normalized_command);
bool is_shell_binary(std::string_view filename_or_comm);

// "https://User@Example.com:8443/x" -> "example.com"; "" when it is not a URL.
std::string host_of_url(std::string_view url);
// "api.x.com:443" -> "api.x.com", "[::1]:8443" -> "::1", lowercased.
std::string strip_port(std::string_view host);
bool is_ip_literal(std::string_view host);

}  // namespace agentsight::analyzers
