// SPDX-License-Identifier: Apache-2.0
// Threat rules judged on what happened: a secret read whose data leaves (exfiltration), a
// download run as code (download_execute), data encoded in a DNS name (dns_exfiltration), and
// connections no tool call explains (unexplained_network). docs/correlation.md has each rule.
#include <algorithm>

#include "analysis/correlate/correlate.h"
#include "analysis/correlate/threat_patterns.h"

namespace agentsight::analyzers {

namespace {

constexpr size_t k_max_secret_reads = 256;
constexpr size_t k_max_fetched = 1024;

std::string peer_of(const process_event& e) {
    return e.addr + ":" + std::to_string(e.port);
}

bool listed(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// The script a shell runs: the argument after -c (also in "-lc"), else nothing.
std::string shell_script(const process_event& e) {
    for (size_t i = 1; i + 1 < e.argv.size(); ++i) {
        const std::string& a = e.argv[i];
        if (a.size() >= 2 && a[0] == '-' && a[1] != '-' && a.find('c') != std::string::npos) {
            // Claude Code: bash -c -l "script"; the script is the first non-option after -c.
            size_t j = i + 1;
            while (j < e.argv.size() && !e.argv[j].empty() && e.argv[j][0] == '-') ++j;
            return j < e.argv.size() ? e.argv[j] : std::string();
        }
    }
    return {};
}

}  // namespace

void correlator::check_threats(const process_event& e, const emit_fn& emit) {
    if (is_agent(e.pid)) return;
    using t = process_event_type;
    if (e.type == t::exec) {
        check_download_execute(e, emit);
        check_dns_name(e, emit);
    } else if (e.type == t::file_open && is_write(e) && e.ret >= 0 &&
               listed(rules_.fetchers, exe_of(e.pid, e.comm)) && fetched_.size() < k_max_fetched) {
        fetched_[resolve(e.path, e.pid)] = e.pid;  // curl -o x: x may be run next
    } else if (connect_counts(e)) {
        check_exfil_same_command(e, emit);
        check_outlived_connect(e, emit);
    }
}

void correlator::check_download_execute(const process_event& e, const emit_fn& emit) {
    if (!rules_.download_execute.enabled) return;
    std::string how, file;
    const std::string script =
        is_shell_binary(e.filename) || is_shell_binary(e.comm) ? shell_script(e) : std::string();
    if (!script.empty())
        how = download_piped_to_interpreter(script, rules_.fetchers, rules_.interpreters);
    if (how.empty()) {
        // curl -o x && chmod +x x && ./x, or `sh x` / `python3 x` on a downloaded file.
        std::vector<std::string> runs = {resolve(e.filename, e.pid)};
        if (e.argv.size() > 1 && listed(rules_.interpreters, std::string(base_name(e.filename))))
            runs.push_back(resolve(e.argv[1], e.pid));
        for (const auto& path : runs)
            if (auto it = fetched_.find(path); it != fetched_.end()) {
                file = path;
                how = "runs " + path + ", which " + exe_of(it->second, "a downloader") + " (pid " +
                      std::to_string(it->second) + ") downloaded";
                break;
            }
    }
    if (how.empty()) return;
    // One alert per command: the wrapper shell and the inner one carry the same script.
    const int32_t root = command_root(e.pid);
    if (!alerted_.insert("download_execute|" + std::to_string(root ? root : e.pid)).second) return;
    alert a{e.ts_ns,
            "download_execute",
            rules_.download_execute.severity,
            "downloaded code is run (" + how + ") by " + who(e) + ": " + describe_argv(e.argv),
            {e.pid},
            {ref_of(e)}};
    a.chain.file = file;
    a.chain.why = "code fetched from the network is executed without being looked at (" + how + ")";
    raise(std::move(a), emit);
}

void correlator::check_dns_name(const process_event& e, const emit_fn& emit) {
    if (!rules_.dns_exfiltration.enabled) return;
    // A shell's script names what its children run: judge the children's argv.
    if (is_shell_binary(e.filename) || is_shell_binary(e.comm)) return;
    const std::string name = long_dns_name(e.argv, rules_.dns_min_label);
    if (name.empty() || !alerted_.insert("dns_exfiltration|" + name).second) return;
    // The name itself is the data (maybe a secret): the alert names only its domain.
    const std::string domain = registered_domain(name);
    alert a{e.ts_ns,
            "dns_exfiltration",
            rules_.dns_exfiltration.severity,
            "a " + std::to_string(name.size()) + "-character DNS name under " + domain +
                ", with a label of " + std::to_string(rules_.dns_min_label) +
                "+ characters that carries data rather than names a host, looked up by " + who(e),
            {e.pid},
            {ref_of(e)}};
    a.chain.host = domain;
    a.chain.why = "data can leave in the name of a DNS query, past any HTTP proxy";
    raise(std::move(a), emit);
}

void correlator::note_secret_read(const process_event& e, const std::string& rule,
                                  const std::string& path) {
    if (!listed(rules_.exfil_sources, rule)) return;
    if (secret_reads_.size() >= k_max_secret_reads) secret_reads_.pop_front();
    secret_reads_.push_back({e.ts_ns, e.pid, path});
}

bool correlator::exfil_ignored(const process_event& e) const {
    return !rules_.exfiltration.enabled || is_agent(e.pid) ||
           std::find(rules_.exfil_ignore_ports.begin(), rules_.exfil_ignore_ports.end(), e.port) !=
               rules_.exfil_ignore_ports.end() ||
           listed(rules_.exfil_ignore_addrs, e.addr);
}

void correlator::check_exfil_same_command(const process_event& e, const emit_fn& emit) {
    if (secret_reads_.empty() || exfil_ignored(e)) return;
    // The same command tree (one tool call's `cat key | curl -d @- host`, or curl -F @key).
    const int32_t root = command_root(e.pid);
    auto read = std::find_if(secret_reads_.rbegin(), secret_reads_.rend(), [&](const auto& r) {
        return r.ts <= e.ts_ns && !is_agent(r.pid) && command_root(r.pid) == root;
    });
    if (read == secret_reads_.rend() || root == 0) return;
    if (!alerted_.insert("exfiltration|" + std::to_string(e.pid) + "|" + peer_of(e)).second) return;
    alert a{e.ts_ns,
            "exfiltration",
            rules_.exfiltration.severity,
            read->path + " was read by " + exe_of(read->pid, "?") + " (pid " +
                std::to_string(read->pid) + "), then " + who(e) + " connected to " + peer_of(e) +
                " in the same command",
            {e.pid, read->pid},
            {ref_of(e), {read->ts, "file_open", read->pid}}};
    a.chain.file = read->path;
    a.chain.host = peer_of(e);
    a.chain.why = "a secret was read and the same command opened a connection out";
    raise(std::move(a), emit);
}

void correlator::check_exfil_unnamed(const tracked_connect& r, const emit_fn& emit) {
    const process_event& e = r.ev;
    if (secret_reads_.empty() || exfil_ignored(e) || !in_agent_tree(e.pid)) return;
    if (host_named(r.host) || host_named(e.addr)) return;
    auto read = std::find_if(secret_reads_.rbegin(), secret_reads_.rend(),
                             [&](const auto& s) { return s.ts <= e.ts_ns; });
    if (read == secret_reads_.rend()) return;
    if (!alerted_.insert("exfiltration|" + std::to_string(e.pid) + "|" + peer_of(e)).second) return;
    const std::string peer = r.host.empty() ? peer_of(e) : r.host + " (" + peer_of(e) + ")";
    alert a{e.ts_ns,
            "exfiltration",
            rules_.exfiltration.severity,
            read->path + " was read, then " + who(e) + " connected to " + peer +
                ", a host no LLM call or tool input named",
            {e.pid},
            {ref_of(e), {read->ts, "file_open", read->pid}}};
    a.chain.file = read->path;
    a.chain.host = peer;
    a.chain.why = "after a secret was read, a connection went to a host nobody named";
    raise(std::move(a), emit);
}

void correlator::raise_unexplained_network(const process_event& e, const std::string& why,
                                           const emit_fn& emit) {
    if (!rules_.unexplained_network.enabled || is_agent(e.pid)) return;
    const auto& ports = rules_.network_ignore_ports;
    if (std::find(ports.begin(), ports.end(), e.port) != ports.end()) return;
    if (!alerted_.insert("unexplained_network|" + std::to_string(e.pid) + "|" + peer_of(e)).second)
        return;
    alert a{e.ts_ns,
            "unexplained_network",
            rules_.unexplained_network.severity,
            "connection to " + peer_of(e) + " by " + who(e) + ": " + why,
            {e.pid},
            {ref_of(e)}};
    a.chain.host = peer_of(e);
    a.chain.why = why;
    raise(std::move(a), emit);
}

void correlator::check_outlived_connect(const process_event& e, const emit_fn& emit) {
    // A process a finished tool call left behind (`nohup beacon &`) connects on its own.
    const std::string owner = owner_of(e.pid);
    if (owner.empty() || !calls_.closed(owner) || host_named(e.addr)) return;
    raise_unexplained_network(e, "its tool call " + owner + " had already returned", emit);
}

}  // namespace agentsight::analyzers
