// SPDX-License-Identifier: Apache-2.0
// The reader of a rules document, shared by rules.cpp and rules_threats.cpp: each accessor
// records the first type error with the file and key, so a user can act on it.
#pragma once

#include <string>
#include <vector>

#include "analysis/correlate/rules.h"

namespace agentsight::analyzers {

struct reader {
    const std::string& where;
    std::string error;

    const json* object(const json& parent, const char* key) {
        auto it = parent.find(key);
        if (it == parent.end()) return nullptr;
        if (!it->is_object()) fail(std::string(key) + " must be an object");
        return &*it;
    }
    void fail(const std::string& why) {
        if (error.empty()) error = where + ": " + why;
    }
    template <typename T>
    void number(const json& o, const char* key, T& out, double scale = 1) {
        auto it = o.find(key);
        if (it == o.end()) return;
        if (!it->is_number() || it->get<double>() < 0)
            return fail(std::string(key) + " must be a number >= 0");
        out = static_cast<T>(it->get<double>() * scale);
    }
    void strings(const json& o, const char* key, std::vector<std::string>& out) {
        auto it = o.find(key);
        if (it == o.end()) return;
        if (!it->is_array()) return fail(std::string(key) + " must be a list of strings");
        out.clear();
        for (const auto& v : *it) {
            if (!v.is_string()) return fail(std::string(key) + " must be a list of strings");
            out.push_back(v.get<std::string>());
        }
    }
    void ports(const json& o, const char* key, std::vector<uint16_t>& out) {
        auto it = o.find(key);
        if (it == o.end()) return;
        out.clear();
        if (!it->is_array()) return fail(std::string(key) + " must be a list of ports");
        for (const auto& v : *it) {
            if (!v.is_number_unsigned() || v.get<uint64_t>() > 65535)
                return fail(std::string(key) + " must be a list of ports");
            out.push_back(static_cast<uint16_t>(v.get<uint64_t>()));
        }
    }
    void severity(const json& o, std::string& out, const std::string& rule) {
        auto it = o.find("severity");
        if (it == o.end()) return;
        std::string s = it->is_string() ? it->get<std::string>() : "";
        if (s != "info" && s != "warning" && s != "critical")
            return fail(rule + ": severity must be info, warning or critical");
        out = s;
    }
    void toggle(const json& o, rule_switch& out, const std::string& rule) {
        if (auto it = o.find("enabled"); it != o.end()) {
            if (!it->is_boolean()) return fail(rule + ": enabled must be true or false");
            out.enabled = it->get<bool>();
        }
        severity(o, out.severity, rule);
    }
};

// rules.exfiltration, secret_to_model, download_execute, dns_exfiltration,
// unexplained_network (rules_threats.cpp).
void read_threat_switches(reader& r, const json& rules, rule_set& out);

}  // namespace agentsight::analyzers
