// SPDX-License-Identifier: Apache-2.0
#include "app/output.h"

#include <cstdlib>

#include "outputs/output_registry.h"
#include "outputs/sink_factory.h"
#include "outputs/trace/trace_format.h"

namespace agentsight::cli {

result<std::unique_ptr<sink>> open_output(const std::string& path, const std::string& format) {
    auto fmt = format_for_output_path(path, format);
    if (!fmt) return error{fmt.message()};
    return make_file_sink(path, *fmt, file_sink_options{k_version, false, nullptr});
}

void add_export_flags(CLI::App& cmd, output_flag_values& values) {
    for (const auto& output : export_outputs())
        for (const auto& flag : output.flags) {
            if (flag.is_switch)
                cmd.add_flag(flag.name, values.on[flag.name], flag.help);
            else
                cmd.add_option(flag.name, values.text[flag.name], flag.help);
        }
}

// Root-owned, never under $HOME: root reads its answers back (tls/discovery_cache.h
// refuses any directory that is not ours with mode 0700).
std::string default_cache_dir() {
    if (const char* x = std::getenv("AGENTSIGHT_CACHE_DIR")) return x;
    return "/var/cache/agentsight";
}

}  // namespace agentsight::cli
