// SPDX-License-Identifier: Apache-2.0
#include "outputs/trace/trace_format.h"

namespace agentsight {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

const char* to_string(output_format f) {
    switch (f) {
        case output_format::jsonl:
            return "jsonl";
        case output_format::sqlite:
            return "sqlite";
    }
    return "unknown";
}

result<output_format> format_for_output_path(const std::string& path,
                                             std::string_view format_flag) {
    if (!format_flag.empty()) {
        output_format f;
        if (format_flag == "jsonl" || format_flag == "json") {
            f = output_format::jsonl;
        } else if (format_flag == "sqlite" || format_flag == "db") {
            f = output_format::sqlite;
        } else {
            return error{"--format " + std::string(format_flag) + ": expected jsonl or sqlite"};
        }
        // A database needs a seekable file; failing here beats a confusing
        // SQLite error about "-" later.
        if (f == output_format::sqlite && path == "-")
            return error{"-: SQLite traces cannot be written to stdout; give a file name"};
        return f;
    }
    if (path == "-") return output_format::jsonl;
    for (auto ext : {".db", ".sqlite", ".sqlite3"})
        if (ends_with(path, ext)) return output_format::sqlite;
    for (auto ext : {".jsonl", ".json", ".ndjson"})
        if (ends_with(path, ext)) return output_format::jsonl;
    return error{path +
                 ": cannot tell the trace format from the extension (use .db or .jsonl, "
                 "or --format sqlite|jsonl)"};
}

}  // namespace agentsight
