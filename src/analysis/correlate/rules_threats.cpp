// SPDX-License-Identifier: Apache-2.0
// The threat rules' keys in data/rules.json (docs/correlation.md, "Threat rules").
#include "analysis/correlate/rules_reader.h"

namespace agentsight::analyzers {

void read_threat_switches(reader& r, const json& rules, rule_set& out) {
    auto with = [&](const char* name, auto&& fn) {
        if (auto it = rules.find(name); it != rules.end() && it->is_object()) fn(*it);
    };
    with("exfiltration", [&](const json& o) {
        r.toggle(o, out.exfiltration, "exfiltration");
        r.strings(o, "sources", out.exfil_sources);
        r.ports(o, "ignore_ports", out.exfil_ignore_ports);
        r.strings(o, "ignore_addrs", out.exfil_ignore_addrs);
    });
    with("secret_to_model",
         [&](const json& o) { r.toggle(o, out.secret_to_model, "secret_to_model"); });
    with("download_execute", [&](const json& o) {
        r.toggle(o, out.download_execute, "download_execute");
        r.strings(o, "fetchers", out.fetchers);
        r.strings(o, "interpreters", out.interpreters);
    });
    with("dns_exfiltration", [&](const json& o) {
        r.toggle(o, out.dns_exfiltration, "dns_exfiltration");
        r.number(o, "min_label", out.dns_min_label);
    });
    with("unexplained_network", [&](const json& o) {
        r.toggle(o, out.unexplained_network, "unexplained_network");
        r.ports(o, "ignore_ports", out.network_ignore_ports);
    });
}

}  // namespace agentsight::analyzers
