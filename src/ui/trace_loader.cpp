// SPDX-License-Identifier: Apache-2.0
#include "ui/trace_loader.h"

#include <string>

#include "pipeline/event_json.h"

namespace agentsight::server {

size_t load_events(event_store& store, const event_reader& next) {
    size_t n = 0;
    event e;
    while (next(e)) {
        store.add(e);
        ++n;
    }
    return n;
}

result<size_t> load_jsonl(event_store& store, std::istream& in) {
    std::string line;
    size_t line_no = 0, n = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        auto e = parse_event_json(line);
        if (!e) return error{"line " + std::to_string(line_no) + ": " + e.message()};
        store.add(*e);
        ++n;
    }
    return n;
}

}  // namespace agentsight::server
