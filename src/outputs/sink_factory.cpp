// SPDX-License-Identifier: Apache-2.0
#include "outputs/sink_factory.h"

#include "outputs/trace/jsonl_sink.h"
#include "outputs/trace/sqlite_sink.h"

namespace agentsight {

result<std::unique_ptr<sink>> make_file_sink(const std::string& path, output_format fmt,
                                             const file_sink_options& options) {
    if (fmt == output_format::jsonl) {
        auto s = jsonl_sink::open(path);
        if (!s) return error{s.message()};
        return std::unique_ptr<sink>(std::move(*s));
    }
    if (path == "-") return error{"-: SQLite traces cannot be written to stdout; give a file name"};
    sqlite_sink_options o;
    o.agentsight_version = options.agentsight_version;
    o.overwrite = !options.append;
    o.log = options.log;
    auto s = sqlite_sink::open(path, std::move(o));
    if (!s) return error{s.message()};
    return std::unique_ptr<sink>(std::move(*s));
}

}  // namespace agentsight
