// SPDX-License-Identifier: Apache-2.0
// The connection rules: unknown_host (a peer no LLM call or tool call named) and
// opaque_connection (a peer whose traffic was never seen in plaintext), judged once per
// connection when its exchange had time to name the host.
#include <algorithm>

#include "analysis/correlate/correlate.h"

namespace agentsight::analyzers {

namespace {

constexpr uint64_t k_host_wait_ns = 300'000'000'000ULL;  // an exchange can stream for minutes

bool has_port(const std::vector<uint16_t>& ports, uint16_t port) {
    return std::find(ports.begin(), ports.end(), port) != ports.end();
}

// "a.b.example.com" -> "example.com": a vendor's other hosts (telemetry, auth) are named by
// its API host.
std::string domain_of(const std::string& host) {
    size_t last = host.rfind('.');
    if (last == std::string::npos || last == 0) return host;
    size_t prev = host.rfind('.', last - 1);
    return prev == std::string::npos ? host : host.substr(prev + 1);
}

}  // namespace

bool correlator::host_named(const std::string& host) const {
    if (host.empty()) return false;
    if (named_hosts_.count(host)) return true;
    if (std::any_of(rules_.host_allow.begin(), rules_.host_allow.end(),
                    [&](const std::string& p) { return glob_match(p, host); }))
        return true;
    if (is_ip_literal(host)) return false;
    const std::string d = domain_of(host);
    return std::any_of(named_hosts_.begin(), named_hosts_.end(), [&](const std::string& n) {
        return !is_ip_literal(n) && domain_of(n) == d;
    });
}

void correlator::judge_host(tracked_connect& r, const emit_fn& emit) {
    if (r.host_decided) return;
    r.host_decided = true;
    if (!rules_.unknown_host.enabled || has_port(rules_.host_ignore_ports, r.ev.port)) return;
    if (!in_agent_tree(r.ev.pid) && !agents_.empty()) return;
    std::string peer = r.ev.addr + ":" + std::to_string(r.ev.port);
    if (!r.host.empty()) {
        if (host_named(r.host) || host_named(r.ev.addr)) return;
        peer = r.host + " (" + peer + ")";
    } else {
        // Without an exchange the name is unknown; a connection with no TLS at all is
        // reported as opaque_connection instead.
        if (!r.tls_seen || host_named(r.ev.addr)) return;
    }
    if (!alerted_.insert("unknown_host|" + peer).second) return;
    alert a{
        r.ev.ts_ns,
        "unknown_host",
        rules_.unknown_host.severity,
        "connection to " + peer + " by " + who(r.ev) + ": no LLM call or tool call named this host",
        {r.ev.pid},
        {ref_of(r.ev)}};
    a.chain.host = peer;
    raise(std::move(a), emit);
}

void correlator::judge_connects(uint64_t now_ns, bool final, const emit_fn& emit) {
    for (auto& [id, r] : net_.records()) {
        const uint64_t ts = r.ev.ts_ns;
        if (!r.opaque_decided && (final || now_ns >= ts + rules_.opaque_wait_ns)) {
            r.opaque_decided = true;
            const std::string reason = net_.opaque_reason(r);
            const bool skip = !rules_.opaque_connection.enabled || reason.empty() ||
                              (talks_http_.count(r.ev.pid) && !r.began_mid_stream) ||
                              has_port(rules_.opaque_ignore_ports, r.ev.port) ||
                              (!in_agent_tree(r.ev.pid) && !agents_.empty());
            const std::string peer = r.ev.addr + ":" + std::to_string(r.ev.port);
            if (!skip && alerted_.insert("opaque|" + std::to_string(r.ev.pid) + peer).second) {
                const session::process_life* p = procs_.find(r.ev.pid);
                std::string binary = p && !p->filename().empty() ? p->filename() : r.ev.comm;
                alert a{ts,
                        "opaque_connection",
                        rules_.opaque_connection.severity,
                        "connection to " + peer + " by " + who(r.ev) + " [" + binary +
                            "]: no TLS plaintext or HTTP exchange was captured for it (" + reason +
                            ")",
                        {r.ev.pid},
                        {ref_of(r.ev)}};
                a.chain.host = peer;
                raise(std::move(a), emit);
            }
            check_exfil_unnamed(r, emit);
        }
        if (!r.host_decided && (final || now_ns >= ts + k_host_wait_ns)) judge_host(r, emit);
    }
    net_.drop_decided();
}

}  // namespace agentsight::analyzers
