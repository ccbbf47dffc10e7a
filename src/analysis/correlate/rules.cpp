// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/rules.h"
#include "analysis/correlate/rules_reader.h"

#include <fstream>
#include <sstream>

namespace agentsight::analyzers {

namespace {

bool has_slash(std::string_view s) {
    return s.find('/') != std::string_view::npos;
}

bool glob_at(std::string_view p, std::string_view s) {
    while (!p.empty()) {
        if (p.substr(0, 2) == "**") {
            std::string_view rest = p.substr(2);
            // "**/" may also match no directory at all.
            if (!rest.empty() && rest[0] == '/' && glob_at(rest.substr(1), s)) return true;
            for (size_t i = 0; i <= s.size(); ++i)
                if (glob_at(rest, s.substr(i))) return true;
            return false;
        }
        if (p[0] == '*') {
            for (size_t i = 0; i <= s.size(); ++i) {
                if (glob_at(p.substr(1), s.substr(i))) return true;
                if (i < s.size() && s[i] == '/') break;
            }
            return false;
        }
        if (s.empty()) return false;
        if (p[0] == '?' ? s[0] == '/' : p[0] != s[0]) return false;
        p.remove_prefix(1);
        s.remove_prefix(1);
    }
    return s.empty();
}

void read_switches(reader& r, const json& rules, rule_set& out) {
    static const char* known[] = {
        "unexplained",     "write_outside_workdir", "unknown_host",     "opaque_connection",
        "tool_loop",       "llm_error_burst",       "tamper",           "exfiltration",
        "secret_to_model", "download_execute",      "dns_exfiltration", "unexplained_network"};
    for (const auto& [name, body] : rules.items()) {
        bool ok = false;
        for (const char* k : known) ok = ok || name == k;
        if (!ok) return r.fail("unknown rule '" + name + "' under rules");
        if (!body.is_object()) return r.fail("rules." + name + " must be an object");
    }
    auto with = [&](const char* name, auto&& fn) {
        if (auto it = rules.find(name); it != rules.end()) fn(*it);
    };
    constexpr double s = 1e9, ms = 1e6;
    with("unexplained", [&](const json& o) {
        r.toggle(o, out.unexplained, "unexplained");
        r.number(o, "grace_ms", out.unexplained_grace_ns, ms);
    });
    with("write_outside_workdir", [&](const json& o) {
        r.toggle(o, out.write_outside_workdir, "write_outside_workdir");
        r.strings(o, "allow", out.write_allow);
    });
    with("unknown_host", [&](const json& o) {
        r.toggle(o, out.unknown_host, "unknown_host");
        r.strings(o, "allow", out.host_allow);
        r.ports(o, "ignore_ports", out.host_ignore_ports);
    });
    with("opaque_connection", [&](const json& o) {
        r.toggle(o, out.opaque_connection, "opaque_connection");
        r.number(o, "wait_s", out.opaque_wait_ns, s);
        r.ports(o, "ignore_ports", out.opaque_ignore_ports);
    });
    with("tool_loop", [&](const json& o) {
        r.toggle(o, out.tool_loop, "tool_loop");
        r.number(o, "count", out.tool_loop_count);
    });
    with("llm_error_burst", [&](const json& o) {
        r.toggle(o, out.llm_error_burst, "llm_error_burst");
        r.number(o, "count", out.error_burst_count);
        r.number(o, "window_s", out.error_burst_window_ns, s);
    });
    with("tamper", [&](const json& o) { r.toggle(o, out.tamper, "tamper"); });
    read_threat_switches(r, rules, out);
}

void read_path_rules(reader& r, const json& list, std::vector<path_rule>& out) {
    if (!list.is_array()) return r.fail("path_rules must be a list");
    for (const auto& o : list) {
        if (!o.is_object() || !o.contains("rule") || !o["rule"].is_string())
            return r.fail("each path_rules entry needs a \"rule\" name");
        path_rule p;
        p.rule = o["rule"].get<std::string>();
        r.severity(o, p.severity, p.rule);
        if (auto it = o.find("on"); it != o.end()) {
            p.on = it->is_string() ? it->get<std::string>() : "";
            if (p.on != "open" && p.on != "write" && p.on != "any")
                return r.fail(p.rule + ": on must be open, write or any");
        }
        if (auto it = o.find("message"); it != o.end() && it->is_string()) p.message = *it;
        if (auto it = o.find("outside_workdir"); it != o.end()) {
            if (!it->is_boolean())
                return r.fail(p.rule + ": outside_workdir must be true or false");
            p.outside_workdir = it->get<bool>();
        }
        r.strings(o, "paths", p.paths);
        r.strings(o, "except", p.except);
        p.paths = expand_home(p.paths);
        p.except = expand_home(p.except);
        out.push_back(std::move(p));
    }
}

void read_housekeeping(reader& r, const json& o, rule_set& out) {
    for (const auto& [name, body] : o.items())
        if (name != "writes" && name != "commands")
            return r.fail("unknown key '" + name + "' under housekeeping");
    r.strings(o, "writes", out.housekeeping_writes);
    r.strings(o, "commands", out.housekeeping_commands);
    out.housekeeping_writes = expand_home(out.housekeeping_writes);
}

result<rule_set> build(const json& doc, const std::string& where) {
    rule_set out;
    reader r{where, {}};
    if (!doc.is_object()) return error{where + ": not a JSON object"};
    r.number(doc, "tool_timeout_s", out.tool_timeout_ns, 1e9);
    if (const json* rules = r.object(doc, "rules")) read_switches(r, *rules, out);
    if (auto it = doc.find("path_rules"); it != doc.end()) read_path_rules(r, *it, out.path_rules);
    if (const json* h = r.object(doc, "housekeeping")) read_housekeeping(r, *h, out);
    out.write_allow = expand_home(out.write_allow);
    if (!r.error.empty()) return error{r.error};
    return out;
}

json parse_text(std::string_view text, const std::string& where, std::string& err) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        err = where + ": not valid JSON (" + e.what() + ")";
        return nullptr;
    }
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
    if (!has_slash(pattern)) {
        size_t slash = path.rfind('/');
        if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
    }
    return glob_at(pattern, path);
}

bool command_match(std::string_view pattern, std::string_view command) {
    // Greedy with one backtrack point: linear in practice, quadratic at worst, whatever the
    // number of stars a user writes.
    size_t p = 0, c = 0, star = std::string_view::npos, resume = 0;
    while (c < command.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = c;
        } else if (p < pattern.size() && pattern[p] == command[c]) {
            ++p;
            ++c;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            c = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::vector<std::string> expand_home(const std::vector<std::string>& patterns) {
    std::vector<std::string> out;
    for (const auto& p : patterns) {
        if (p.rfind("~/", 0) == 0) {
            out.push_back("/root" + p.substr(1));
            out.push_back("/home/*" + p.substr(1));
        } else {
            out.push_back(p);
        }
    }
    return out;
}

result<rule_set> parse_rules(const json& user, const std::string& where) {
    std::string err;
    json doc = parse_text(default_rules_text(), "built-in rules", err);
    if (!err.empty()) return error{err};
    if (user.is_null()) return build(doc, "built-in rules");
    if (!user.is_object()) return error{where + ": not a JSON object"};
    json patch = user;
    json extra = json::array();
    if (auto it = patch.find("path_rules"); it != patch.end()) {
        extra = *it;
        patch.erase("path_rules");
    }
    bool replace = patch.value("replace_path_rules", false);
    patch.erase("replace_path_rules");
    // Housekeeping lists extend the defaults: a user adds their agent's paths, not all of them.
    json housekeeping = json::object();
    if (auto it = patch.find("housekeeping"); it != patch.end()) {
        housekeeping = *it;
        patch.erase("housekeeping");
    }
    doc.merge_patch(patch);
    if (!housekeeping.is_object()) return error{where + ": housekeeping must be an object"};
    for (const auto& [key, list] : housekeeping.items()) {
        if (!doc["housekeeping"].contains(key))
            return error{where + ": unknown key '" + key + "' under housekeeping"};
        json& into = doc["housekeeping"][key];
        if (!list.is_array())
            return error{where + ": housekeeping." + key + " must be a list of strings"};
        for (const auto& v : list) into.push_back(v);
    }
    if (!extra.is_array()) return error{where + ": path_rules must be a list"};
    if (replace) doc["path_rules"] = json::array();
    for (auto& r : extra) doc["path_rules"].push_back(r);
    return build(doc, where);
}

result<rule_set> load_rules(const std::string& path) {
    if (path.empty()) return parse_rules(nullptr, "");
    std::ifstream f(path, std::ios::binary);
    if (!f) return error{path + ": cannot open rules file"};
    std::stringstream ss;
    ss << f.rdbuf();
    std::string err;
    json user = parse_text(ss.str(), path, err);
    if (!err.empty()) return error{err};
    return parse_rules(user, path);
}

rule_set default_rules() {
    // The built-in text never changes, so it is parsed once; callers get a copy to own.
    static const rule_set parsed = [] {
        auto r = parse_rules(nullptr, "");
        return r ? r.value() : rule_set{};
    }();
    return parsed;
}

}  // namespace agentsight::analyzers
