// SPDX-License-Identifier: Apache-2.0
// Redaction of derived events by their declared fields (pipeline/events/fields.h): a field's
// key decides as a JSON member name would (is_secret_key), its strings are scanned, and the
// JSON body is remade from the redacted payload.
#include "analysis/redact/redact.h"
#include "analysis/redact/secret_scanner.h"

namespace agentsight::analyzers {

void redact_stage::redact_derived(derived_event& d) {
    // One walk for every member type a declaration uses; `secret` is whether a key on the
    // way down named a credential, as redact_json/redact_secret_value decide for JSON.
    auto walk = [this](auto& self, bool secret, auto& m) -> void {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, json>) {
            secret ? redact_secret_value(m) : redact_json(m);
        } else if constexpr (std::is_same_v<M, std::string>) {
            if (!secret) {
                redact_string(m);
            } else if (!m.empty()) {
                json v = std::move(m);
                redact_secret_value(v);
                m = v.get<std::string>();
            }
        } else if constexpr (events::is_optional<M>::value) {
            if (m) self(self, secret, *m);
        } else if constexpr (events::is_vector<M>::value) {
            for (auto& x : m) self(self, secret, x);
        } else if constexpr (events::declared<M>) {
            events::visit_fields(
                m, [&](const char* key, auto& f) { self(self, secret || is_secret_key(key), f); });
        }  // numbers and flags carry no text
    };
    std::visit(
        [&](auto& k) {
            if constexpr (std::is_same_v<std::decay_t<decltype(k)>, events::other_event>) {
                redact_json(d.body);
                k.body = d.body;
            } else if (d.body_declared) {
                walk(walk, false, k);
                d.refresh();
            } else {
                // A body the declaration does not reproduce is written as it came: its own
                // walk redacts (and counts) it; the payload is walked for its readers.
                const redact_counters before = counters_;
                walk(walk, false, k);
                counters_ = before;
                redact_json(d.body);
            }
        },
        d.payload);
}

}  // namespace agentsight::analyzers
