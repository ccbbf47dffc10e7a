// `agentsight tls --explain PATH`: what TLS discovery finds in one file.
// The path, and the evidence read out of the file (symbol and version
// strings), are the file author's text: all of it is printed through printable().
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "tls/tls_discovery.h"
#include "util/terminal_text.h"

namespace agentsight::cli {

int explain_tls(const std::string& path) {
    auto found = tls::discover_tls_functions(path, tls::discovery_options{default_cache_dir()});
    const std::string shown_path = printable(path);
    printf("%s\n", shown_path.c_str());
    for (const auto& line : found.evidence) printf("  %s\n", printable(line).c_str());
    if (!found.error.empty()) {
        fprintf(stderr, "agentsight: %s\n", printable(found.error).c_str());
        return 1;
    }
    if (found.points.empty()) {
        fprintf(stderr, "agentsight: %s: no TLS functions found (see the evidence above)\n",
                shown_path.c_str());
        return 1;
    }
    printf("attach points:\n");
    for (const auto& p : found.points)
        printf("  %-22s lib=%-9s dir=%-9s offset=0x%llx%s\n", printable(p.function).c_str(),
               to_string(p.lib), to_string(p.direction), (unsigned long long)p.file_offset,
               p.ex_variant ? " (byte count via size_t*)" : "");
    return 0;
}

}  // namespace agentsight::cli
