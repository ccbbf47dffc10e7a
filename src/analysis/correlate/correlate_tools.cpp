// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/correlate_tools.h"

#include <algorithm>
#include <cctype>

namespace agentsight::analyzers {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool contains(std::string_view s, std::string_view part) {
    return s.find(part) != std::string_view::npos;
}

bool is_shell_tool(const std::string& n) {
    static const char* names[] = {"bash",         "shell",           "run_shell_command",
                                  "exec_command", "execute_command", "run_command",
                                  "local_shell",  "terminal",        "run_terminal_cmd"};
    for (const char* s : names)
        if (n == s) return true;
    return contains(n, "bash") || contains(n, "shell");
}

bool is_fetch_tool(const std::string& n) {
    return contains(n, "fetch") || contains(n, "web") || contains(n, "http") ||
           contains(n, "browse") || contains(n, "curl");
}

std::string string_at(const json& input, std::initializer_list<const char*> keys) {
    if (!input.is_object()) return {};
    for (const char* k : keys) {
        auto it = input.find(k);
        if (it == input.end()) continue;
        if (it->is_string()) return it->get<std::string>();
        if (it->is_array()) {  // Codex: {"command": ["bash", "-lc", "ls"]}
            std::string joined;
            for (const auto& part : *it)
                if (part.is_string())
                    joined += (joined.empty() ? "" : " ") + part.get<std::string>();
            return joined;
        }
    }
    return {};
}

// Every URL in every string of the input: `curl https://x` in a Bash command names x too.
void collect_hosts(const json& v, std::vector<std::string>& out) {
    if (v.is_object()) {
        for (const auto& [k, item] : v.items()) {
            if ((k == "host" || k == "hostname" || k == "domain") && item.is_string())
                out.push_back(strip_port(item.get<std::string>()));
            collect_hosts(item, out);
        }
    } else if (v.is_array()) {
        for (const auto& item : v) collect_hosts(item, out);
    } else if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        for (size_t at = s.find("://"); at != std::string::npos; at = s.find("://", at + 3)) {
            size_t start = at;
            while (start > 0 && std::isalpha(static_cast<unsigned char>(s[start - 1]))) --start;
            if (start == at) continue;
            size_t end = at + 3;
            while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) &&
                   s[end] != '"' && s[end] != '\'')
                ++end;
            if (auto h = host_of_url(std::string_view(s).substr(start, end - start)); !h.empty())
                out.push_back(h);
        }
    }
}

bool boundary(char c) {
    return std::isspace(static_cast<unsigned char>(c)) ||
           contains(";&|()`<>", std::string_view(&c, 1));
}

}  // namespace

std::string normalize_command(std::string_view command) {
    std::string out;
    out.reserve(command.size());
    bool space = true;  // trims leading blanks too
    for (char c : command) {
        if (c == '\'' || c == '"' || c == '\\') continue;
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!space) out.push_back(' ');
            space = true;
            continue;
        }
        out.push_back(c);
        space = false;
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

bool argv_carries(const std::vector<std::string>& argv, std::string_view normalized_command) {
    if (normalized_command.empty()) return false;
    std::string joined;
    for (const auto& a : argv) joined += (joined.empty() ? "" : " ") + a;
    std::string hay = normalize_command(joined);
    for (size_t at = hay.find(normalized_command); at != std::string::npos;
         at = hay.find(normalized_command, at + 1)) {
        size_t end = at + normalized_command.size();
        bool left = at == 0 || boundary(hay[at - 1]);
        bool right = end == hay.size() || boundary(hay[end]);
        if (left && right) return true;
    }
    return false;
}

bool is_shell_binary(std::string_view s) {
    if (size_t slash = s.rfind('/'); slash != std::string_view::npos) s.remove_prefix(slash + 1);
    return s == "bash" || s == "sh" || s == "zsh" || s == "dash" || s == "fish" || s == "ash";
}

std::string strip_port(std::string_view host) {
    if (!host.empty() && host[0] == '[') {
        size_t close = host.find(']');
        return lower(host.substr(1, close == std::string_view::npos ? host.npos : close - 1));
    }
    size_t colon = host.find(':');
    if (colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos)
        host = host.substr(0, colon);
    return lower(host);
}

std::string host_of_url(std::string_view url) {
    size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    std::string_view rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
    return strip_port(rest);
}

bool is_ip_literal(std::string_view host) {
    if (host.empty()) return false;
    if (host.find(':') != std::string_view::npos) return true;  // IPv6
    return std::all_of(host.begin(), host.end(), [](char c) {
        return c == '.' || std::isdigit(static_cast<unsigned char>(c));
    });
}

tool_target classify_tool(std::string_view name, const json& input) {
    tool_target t;
    const std::string n = lower(name);
    collect_hosts(input, t.hosts);
    std::string url = string_at(input, {"url", "uri"});
    if (!url.empty() && host_of_url(url).empty()) t.hosts.push_back(strip_port(url));
    std::string command = string_at(input, {"command", "cmd"});
    if (is_shell_tool(n) && !command.empty()) {
        t.kind = tool_kind::shell;
        t.command = normalize_command(command);
    } else if (!url.empty() || is_fetch_tool(n)) {
        t.kind = t.hosts.empty() ? tool_kind::other : tool_kind::fetch;
    } else if (auto p = string_at(
                   input, {"file_path", "path", "absolute_path", "notebook_path", "filename"});
               !p.empty()) {
        t.kind = tool_kind::file;
        while (p.size() > 1 && p.back() == '/') p.pop_back();
        t.path = p;
    }
    std::sort(t.hosts.begin(), t.hosts.end());
    t.hosts.erase(std::unique(t.hosts.begin(), t.hosts.end()), t.hosts.end());
    return t;
}

}  // namespace agentsight::analyzers
