// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/alert.h"

namespace agentsight::analyzers {

alert_ref ref_of(const process_event& e) {
    return {e.ts_ns, to_string(e.type), e.pid};
}

derived_event to_event(const alert& a) {
    return derived_event(a);
}

std::string clip(std::string_view s, size_t max_chars) {
    if (s.size() <= max_chars) return std::string(s);
    size_t cut = max_chars > 3 ? max_chars - 3 : 0;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 safe
    return std::string(s.substr(0, cut)) + "...";
}

std::string describe_argv(const std::vector<std::string>& argv, size_t max_chars) {
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty()) out += ' ';
        out += a;
        if (out.size() > max_chars) break;
    }
    return clip(out, max_chars);
}

}  // namespace agentsight::analyzers
