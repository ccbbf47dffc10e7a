#include "cli/output.h"

#include <cstdlib>

#include "sinks/jsonl_sink.h"
#include "sinks/sqlite_sink.h"
#include "sinks/trace_format.h"

namespace agentsight::cli {

result<std::unique_ptr<sink>> open_output(const std::string& path, const std::string& format) {
    auto fmt = format_for_output_path(path, format);
    if (!fmt) return error{fmt.message()};
    if (*fmt == output_format::sqlite) {
        sqlite_sink_options opts;
        opts.agentsight_version = "0.1.0";
        auto s = sqlite_sink::open(path, opts);
        if (!s) return error{s.message()};
        return std::unique_ptr<sink>(std::move(*s));
    }
    auto s = jsonl_sink::open(path);
    if (!s) return error{s.message()};
    return std::unique_ptr<sink>(std::move(*s));
}

std::string default_cache_dir() {
    if (const char* x = std::getenv("AGENTSIGHT_CACHE_DIR")) return x;
    if (const char* x = std::getenv("XDG_CACHE_HOME")) return std::string(x) + "/agentsight";
    if (const char* h = std::getenv("HOME")) return std::string(h) + "/.cache/agentsight";
    return "/var/cache/agentsight";
}

}  // namespace agentsight::cli
