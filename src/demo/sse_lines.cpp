// SPDX-License-Identifier: Apache-2.0
#include "demo/sse_lines.h"

namespace agentsight::demo {

std::vector<sse_event> parse_sse(std::string_view body) {
    std::vector<sse_event> events;
    sse_event current;
    bool has_data = false;
    while (!body.empty()) {
        size_t nl = body.find('\n');
        std::string_view line = body.substr(0, nl);
        body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) {
            if (has_data) events.push_back(std::move(current));
            current = {};
            has_data = false;
            continue;
        }
        if (line.front() == ':') continue;  // a comment, used as keep-alive
        size_t colon = line.find(':');
        std::string_view field = line.substr(0, colon);
        std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (field == "event") current.event = value;
        if (field == "data") {
            if (has_data) current.data += '\n';
            current.data += value;
            has_data = true;
        }
    }
    if (has_data) events.push_back(std::move(current));  // a stream cut before its blank line
    return events;
}

}  // namespace agentsight::demo
