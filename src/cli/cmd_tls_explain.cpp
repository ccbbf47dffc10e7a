// `agentsight tls --explain PATH`: what TLS discovery finds in one file.
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "tls/tls_discovery.h"

namespace agentsight::cli {

int explain_tls(const std::string& path) {
    auto found = tls::discover_tls_functions(path, tls::discovery_options{default_cache_dir()});
    printf("%s\n", path.c_str());
    for (const auto& line : found.evidence) printf("  %s\n", line.c_str());
    if (!found.error.empty()) {
        fprintf(stderr, "agentsight: %s\n", found.error.c_str());
        return 1;
    }
    if (found.points.empty()) {
        fprintf(stderr, "agentsight: %s: no TLS functions found (see the evidence above)\n",
                path.c_str());
        return 1;
    }
    printf("attach points:\n");
    for (const auto& p : found.points)
        printf("  %-22s lib=%-9s dir=%-9s offset=0x%llx%s\n", p.function.c_str(), to_string(p.lib),
               to_string(p.direction), (unsigned long long)p.file_offset,
               p.ex_variant ? " (byte count via size_t*)" : "");
    return 0;
}

}  // namespace agentsight::cli
