// SPDX-License-Identifier: Apache-2.0
// `agentsight tls --explain PATH`: what TLS discovery finds in one file.
// The path, and the evidence read out of the file (symbol and version
// strings), are the file author's text: all of it is printed through printable().
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "app/commands.h"
#include "app/output.h"
#include "tls/tls_discovery.h"
#include "util/terminal_text.h"

namespace agentsight::cli {
namespace {

// The interpreter a script names on its #! line ("#!/usr/bin/env node" -> "node"), or ""
// for anything else. Reads at most one short line of a regular file, without blocking.
std::string script_interpreter(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return {};
    struct stat st {};
    char buf[256] = {};
    ssize_t n = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? ::read(fd, buf, sizeof buf - 1) : 0;
    ::close(fd);
    std::string head(buf, n > 0 ? size_t(n) : 0);
    if (!head.starts_with("#!")) {
        for (const char* ext : {".js", ".mjs", ".cjs"})
            if (path.ends_with(ext)) return "node";
        return {};
    }
    std::istringstream line(head.substr(2, head.find('\n') - 2));
    std::string program, arg;
    line >> program;
    if (program.ends_with("/env"))
        while (line >> arg && arg.starts_with("-")) {
        }
    else
        arg = program;
    std::string name = arg.substr(arg.rfind('/') + 1);
    for (char c : name)
        if (!isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return {};
    return name;
}

}  // namespace

int explain_tls(const std::string& path) {
    auto found = tls::discover_tls_functions(path, tls::discovery_options{default_cache_dir()});
    const std::string shown_path = printable(path);
    printf("%s\n", shown_path.c_str());
    for (const auto& line : found.evidence) printf("  %s\n", printable(line).c_str());
    // The evidence is on stdout and the verdict on stderr: when both are piped, the
    // verdict must not come out first.
    fflush(stdout);
    if (!found.error.empty()) {
        fprintf(stderr, "agentsight: %s\n", printable(found.error).c_str());
        if (std::string interpreter = script_interpreter(path); !interpreter.empty())
            fprintf(stderr,
                    "agentsight: %s is a script run by %s; its TLS is in the interpreter: "
                    "agentsight tls --explain \"$(command -v %s)\"\n",
                    shown_path.c_str(), interpreter.c_str(), interpreter.c_str());
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
