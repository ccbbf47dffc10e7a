// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/ndjson.h"

namespace agentsight::analyzers {

void ndjson_lines::emit(const line_fn& on_line) {
    std::string_view l = line_;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (overflow_)
        ++dropped_;
    else if (l.find_first_not_of(" \t") != std::string_view::npos)
        on_line(l);
    line_.clear();
    overflow_ = false;
}

void ndjson_lines::feed(std::string_view chunk, const line_fn& on_line) {
    while (!chunk.empty()) {
        size_t nl = chunk.find('\n');
        std::string_view part = chunk.substr(0, nl);
        if (!overflow_) {
            if (line_.size() + part.size() > max_line_) {
                overflow_ = true;
                line_.clear();
            } else {
                line_.append(part);
            }
        }
        if (nl == std::string_view::npos) return;
        emit(on_line);
        chunk.remove_prefix(nl + 1);
    }
}

void ndjson_lines::finish(const line_fn& on_line) {
    if (!line_.empty() || overflow_) emit(on_line);
}

void ndjson_lines::resync() {
    line_.clear();
    overflow_ = true;
}

}  // namespace agentsight::analyzers
