// SPDX-License-Identifier: Apache-2.0
// The terminal form of the report: sections of short lines, each clipped to the width.
// Nearly every string here was chosen by the traced agent (argv, comm, paths, hosts,
// prompts, model output): each goes through one_line() before it is measured or padded,
// and every finished line through it again, so none reaches the terminal as a control
// sequence (util/terminal_text.h).
#include <cstdio>
#include <ctime>

#include "analysis/correlate/alert.h"
#include "report/report.h"
#include "util/json_get.h"
#include "util/terminal_text.h"

namespace agentsight::analyzers {

namespace {

constexpr size_t k_rows_per_section = 15;

// One line of terminal text: line breaks and tabs as spaces (a prompt reads as one
// line), every other control spelled out.
std::string one_line(std::string_view s) {
    std::string flat(s);
    for (char& c : flat)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return printable(flat);
}

struct writer {
    size_t width;
    std::string out;

    void line(const std::string& s = "") { out += clip(one_line(s), width) + "\n"; }
    // Long text continues on indented lines (at most `max_lines`), broken at spaces.
    void wrap(std::string s, const std::string& indent, int max_lines) {
        for (int n = 1; !s.empty(); ++n) {
            if (s.size() <= width || n == max_lines) return line(s);
            size_t cut = s.rfind(' ', width);
            if (cut == std::string::npos || cut <= indent.size()) cut = width;
            line(s.substr(0, cut));
            s = indent + s.substr(s[cut] == ' ' ? cut + 1 : cut);
        }
    }
    void heading(const std::string& title, size_t n) {
        line();
        line(title + " (" + std::to_string(n) + ")");
    }
    void more(size_t shown, size_t total) {
        if (total > shown) line("  ... " + std::to_string(total - shown) + " more (see --json)");
    }
};

std::string fmt(const char* f, double v) {
    char buf[64];
    snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string num(const json& v) {
    if (v.is_number_unsigned() || v.is_number_integer()) return std::to_string(v.get<int64_t>());
    if (v.is_number()) return fmt("%.0f", v.get<double>());
    return "-";
}

std::string ms(const json& v) {
    if (!v.is_number()) return "-";
    double x = v.get<double>();
    return x >= 1000 ? fmt("%.2f s", x / 1000) : fmt("%.0f ms", x);
}

std::string str(const json& b, const char* key) {
    auto it = b.find(key);
    return it != b.end() && it->is_string() ? one_line(it->get_ref<const std::string&>())
                                            : std::string();
}

std::string utc(uint64_t ts) {
    time_t secs = static_cast<time_t>(ts / 1'000'000'000ULL);
    struct tm tm {};
    gmtime_r(&secs, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

std::string pad(std::string s, size_t n) {
    if (s.size() > n) s = clip(s, n);
    return s + std::string(n - std::min(n, s.size()), ' ');
}

std::string lpad(const std::string& s, size_t n) {
    return std::string(n - std::min(n, s.size()), ' ') + s;
}

std::string joined(const json& list, size_t max_chars = 120) {
    std::vector<std::string> parts;
    if (list.is_array())
        for (const auto& v : list)
            parts.push_back(one_line(v.is_string() ? v.get<std::string>() : v.dump()));
    return describe_argv(parts, max_chars);
}

void session_section(writer& w, const json& r) {
    const json& s = r["session"];
    w.line("agentsight report: " + str(r, "trace"));
    std::string command =
        s.contains("command") && s["command"].is_array() ? joined(s["command"]) : str(s, "command");
    if (!str(s, "session_id").empty() || !command.empty())
        w.line("session " + str(s, "session_id") + (command.empty() ? "" : "  " + command));
    w.line("  " + utc(json_get(s, "start", uint64_t{0})) + ", " +
           fmt("%.1f s", json_get(s, "duration_s", 0.0)) + ", " + num(s["events"]) + " events");
}

void turns_section(writer& w, const json& turns) {
    w.heading("Turns", turns.size());
    size_t shown = 0;
    for (const auto& t : turns) {
        if (shown++ == k_rows_per_section) break;
        w.line("  > " + str(t, "prompt"));
        w.line("  < " + (t["answer"].is_string() ? one_line(t["answer"].get<std::string>())
                                                 : "(no answer)"));
    }
    w.more(std::min(shown, k_rows_per_section), turns.size());
}

void llm_section(writer& w, const json& llm) {
    w.heading("LLM calls", json_get(llm, "calls", uint64_t{0}));
    w.line("  " + pad("model", 26) + lpad("calls", 6) + lpad("err", 5) + lpad("input", 9) +
           lpad("output", 8) + lpad("cache r/w", 14) + lpad("cost", 10));
    auto row = [&](const std::string& name, const json& m, const json& cost) {
        std::string cache = num(m["cache_read_tokens"]) + "/" + num(m["cache_creation_tokens"]);
        w.line("  " + pad(name, 26) + lpad(num(m["calls"]), 6) + lpad(num(m["errors"]), 5) +
               lpad(num(m["input_tokens"]), 9) + lpad(num(m["output_tokens"]), 8) +
               lpad(cache, 14) +
               lpad(cost.is_number() ? fmt("$%.4f", cost.get<double>()) : "?", 10));
    };
    for (const auto& m : llm["models"]) row(str(m, "model"), m, m["cost_usd"]);
    if (llm["models"].size() > 1) row("total", llm, llm["cost_usd"]);
    if (!json_get(llm, "cost_complete", true))
        w.line("  ? = no price for this model in the pricing table (--pricing FILE)");
    for (const char* key : {"ttft_ms", "duration_ms"}) {
        const json& s = llm[key];
        if (json_get(s, "n", 0) == 0) continue;
        w.line("  " + pad(std::string(key) == "ttft_ms" ? "TTFT" : "latency", 9) + "p50 " +
               pad(ms(s["p50"]), 10) + "p90 " + pad(ms(s["p90"]), 10) + "max " + ms(s["max"]));
    }
}

std::string tool_target(const json& t) {
    if (!str(t, "target").empty()) return str(t, "target");
    const json input = json_get(t, "input", json());
    for (const char* k : {"command", "cmd", "file_path", "path", "url", "query", "pattern"})
        if (input.is_object() && input.contains(k))
            return one_line(input[k].is_string() ? input[k].get<std::string>() : input[k].dump());
    return input.is_null() ? "" : one_line(input.dump());
}

void tools_section(writer& w, const json& tools) {
    w.heading("Tools", tools.size());
    size_t shown = 0;
    for (const auto& t : tools) {
        if (shown++ == k_rows_per_section) break;
        std::string status = str(t, "status").empty() ? "linked" : str(t, "status");
        if (t.contains("exit_code") && t["exit_code"].is_number())
            status += ", exit " + num(t["exit_code"]);
        if (json_get(t, "is_error", false)) status += ", error result";
        w.line("  " + str(t, "tool_name") + "  " + tool_target(t));
        const json pids = json_get(t, "pids", json::array());
        w.line("      " + status + ", " + ms(json_get(t, "duration_ms", json(0))) +
               (pids.empty() ? "" : ", pids " + joined(pids, 40)));
        // Writes first: they are what changed the machine.
        std::vector<std::string> files, hosts;
        for (bool writes : {true, false})
            for (const auto& f : json_get(t, "files", json::array())) {
                if (f.is_string()) {
                    if (!writes) files.push_back(one_line(f.get<std::string>()));
                } else if ((str(f, "op") != "read") == writes) {
                    files.push_back(str(f, "op") + " " + str(f, "path"));
                }
            }
        for (const auto& c : json_get(t, "connections", json::array())) {
            std::string h = str(c, "host");
            hosts.push_back((h.empty() ? str(c, "addr") : h) + ":" +
                            num(json_get(c, "port", json(0))));
        }
        constexpr size_t k_files_shown = 4;
        for (size_t i = 0; i < files.size() && i < k_files_shown; ++i)
            w.line("      file " + files[i]);
        if (files.size() > k_files_shown)
            w.line("      ... " + std::to_string(files.size() - k_files_shown) + " more files");
        if (!hosts.empty()) w.line("      hosts " + describe_argv(hosts, 200));
    }
    w.more(std::min(shown, k_rows_per_section), tools.size());
}

void processes_section(writer& w, const json& procs) {
    w.heading("Processes spawned", procs.size());
    size_t shown = 0;
    for (const auto& p : procs) {
        if (shown++ == k_rows_per_section) break;
        std::string exit = p["exit_code"].is_number() ? "exit " + num(p["exit_code"]) : "running";
        w.line("  " + lpad(num(p["pid"]), 7) + " " + pad(str(p, "comm"), 15) + " " + pad(exit, 8) +
               " " + joined(p["argv"]));
        if (const auto h = p.find("history"); h != p.end() && h->is_array())
            for (const auto& before : *h)
                w.line("          exec'd from " + str(before, "comm") + ": " +
                       joined(before["argv"], 50));
    }
    w.more(std::min(shown, k_rows_per_section), procs.size());
}

void list_section(writer& w, const std::string& title, const json& rows, const char* key) {
    w.heading(title, rows.size());
    size_t shown = 0;
    for (const auto& f : rows) {
        if (shown++ == k_rows_per_section) break;
        std::string n = num(f["count"]);
        w.line("  " + lpad(n == "1" ? "" : n + "x", 6) + " " + str(f, key));
    }
    w.more(std::min(shown, k_rows_per_section), rows.size());
}

// "Bash call toolu_1 > claude (7100) > bash (7200) > curl (7202); file F; host H".
std::string chain_line(const json& c) {
    std::string out;
    if (!str(c, "call_id").empty()) out = str(c, "tool_name") + " call " + str(c, "call_id");
    for (const auto& p : json_get(c, "processes", json::array()))
        out += (out.empty() ? "" : " > ") + str(p, "comm") + " (" + num(p["pid"]) + ")";
    if (!str(c, "file").empty()) out += "; file " + str(c, "file");
    if (!str(c, "host").empty()) out += "; host " + str(c, "host");
    return out;
}

void alerts_section(writer& w, const json& r) {
    const json& alerts = r["alerts"];
    const json groups = r.contains("alert_groups") ? r["alert_groups"] : group_alerts(alerts);
    w.heading("Alerts", alerts.size());
    if (alerts.empty()) w.line("  none");
    size_t shown = 0;
    for (const auto& g : groups) {
        if (shown++ == 2 * k_rows_per_section) break;
        const std::string n = num(g["count"]);
        w.wrap("  " + pad(str(g, "severity"), 8) + " " + str(g, "rule") +
                   (n == "1" ? "" : " (" + n + "x)") + ": " + str(g, "message"),
               "             ", 3);
        const json c = json_get(g, "chain", json::object());
        if (std::string chain = chain_line(c); !chain.empty())
            w.wrap("           chain: " + chain, "             ", 2);
        if (!str(c, "why").empty()) w.line("           why: " + str(c, "why"));
    }
    w.more(std::min(shown, 2 * k_rows_per_section), groups.size());
}

}  // namespace

std::string render_report(const json& r, size_t width) {
    writer w{width, {}};
    session_section(w, r);
    turns_section(w, r["turns"]);
    llm_section(w, r["llm"]);
    tools_section(w, r["tools"]);
    processes_section(w, r["processes"]);
    list_section(w, "Files read", r["files"]["read"], "path");
    list_section(w, "Files written", r["files"]["written"], "path");
    list_section(w, "Network destinations", r["network"], "peer");
    alerts_section(w, r);
    for (const auto& l : drop_lines(r)) w.line(l);
    return w.out;
}

}  // namespace agentsight::analyzers
