// SPDX-License-Identifier: Apache-2.0
// The report's alert groups: each (rule, severity) once, with how often it fired, the first
// alert's message and chain, and every pid involved. A run with forty `unexplained` lines
// reads as one line with "40x".
#include <algorithm>
#include <map>

#include "report/report.h"
#include "util/json_get.h"

namespace agentsight::analyzers {

namespace {

int severity_rank(const std::string& s) {
    return s == "critical" ? 0 : s == "warning" ? 1 : 2;
}

}  // namespace

json group_alerts(const json& alerts) {
    std::map<std::pair<std::string, std::string>, json> groups;  // (rule, severity) -> group
    std::vector<std::pair<std::string, std::string>> order;
    for (const auto& a : alerts) {
        const std::string rule = json_get(a, "rule", ""), sev = json_get(a, "severity", "");
        auto [it, fresh] = groups.try_emplace({rule, sev});
        json& g = it->second;
        if (fresh) {
            order.push_back({rule, sev});
            g = {{"rule", rule},
                 {"severity", sev},
                 {"count", 0},
                 {"first_ts", json_get(a, "ts", uint64_t{0})},
                 {"message", json_get(a, "message", "")},
                 {"chain", json_get(a, "chain", json::object())},
                 {"pids", json::array()}};
        }
        g["count"] = g["count"].get<uint64_t>() + 1;
        for (const auto& p : json_get(a, "pids", json::array()))
            if (g["pids"].size() < 64 &&
                std::find(g["pids"].begin(), g["pids"].end(), p) == g["pids"].end())
                g["pids"].push_back(p);
    }
    std::stable_sort(order.begin(), order.end(), [](const auto& x, const auto& y) {
        return severity_rank(x.second) < severity_rank(y.second);
    });
    json out = json::array();
    for (const auto& key : order) out.push_back(std::move(groups[key]));
    return out;
}

}  // namespace agentsight::analyzers
