// SPDX-License-Identifier: Apache-2.0
#include "sources/command_program.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <sstream>

#include "bpf/owners.h"

namespace agentsight {
namespace {

std::string base_name(const std::string& p) {
    size_t slash = p.rfind('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

// A regular, executable file's real path, or "".
std::string real_executable(const std::string& p) {
    char buf[PATH_MAX];
    if (!realpath(p.c_str(), buf)) return "";
    struct stat st {};
    if (stat(buf, &st) != 0 || !S_ISREG(st.st_mode) || access(buf, X_OK) != 0) return "";
    return buf;
}

// execvp's search: a name with a slash is taken as is.
std::string find_program(const std::string& name, const std::string& path) {
    if (name.empty()) return "";
    if (name.find('/') != std::string::npos) return real_executable(name);
    std::istringstream dirs(path.empty() ? "/bin:/usr/bin" : path);
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (auto found = real_executable((dir.empty() ? "." : dir) + "/" + name); !found.empty())
            return found;
    return "";
}

// The first bytes of a file (at most 256), "" if it is not a regular file.
std::string head_of(const std::string& file) {
    bpf::unique_fd fd(open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW));
    struct stat st {};
    if (fd.get() < 0 || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
    char buf[256];
    ssize_t n = pread(fd.get(), buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

bool is_elf(const std::string& file) {
    return head_of(file).starts_with("\177ELF");
}

// The words of a `#!` line, or none.
std::vector<std::string> shebang(const std::string& file) {
    std::string head = head_of(file);
    if (!head.starts_with("#!")) return {};
    std::istringstream in(head.substr(2, head.find('\n') - 2));
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

// Skips `env`'s options and assignments; returns the index of its program (or argv.size()).
size_t skip_env(const std::vector<std::string>& argv, std::string& path) {
    size_t i = 1;
    while (i < argv.size()) {
        const std::string& a = argv[i];
        if (a == "-i" || a == "--ignore-environment" || a == "-") {
            path.clear();
            ++i;
        } else if (a == "-u" || a == "--unset") {
            i += 2;
        } else if (a == "--") {
            return i + 1;
        } else if (!a.empty() && a[0] == '-') {
            return argv.size();  // -S, -C...: not followed, the exec-time scan covers it
        } else if (a.find('=') != std::string::npos) {
            if (a.rfind("PATH=", 0) == 0) path = a.substr(5);
            ++i;
        } else {
            return i;
        }
    }
    return i;
}

}  // namespace

std::vector<std::string> command_programs(const std::vector<std::string>& argv, std::string path) {
    std::vector<std::string> out;
    if (argv.empty()) return out;
    size_t at = 0;
    if (base_name(argv[0]) == "env") at = skip_env(argv, path);
    if (at >= argv.size()) return out;
    std::string program = find_program(argv[at], path);
    if (program.empty()) return out;
    if (is_elf(program)) return {program};
    // A script is not mapped: its interpreter is what runs.
    auto words = shebang(program);
    if (words.empty()) return out;
    std::string interpreter = find_program(words[0], path);
    if (base_name(interpreter) == "env" && words.size() > 1)
        interpreter = find_program(words[1], path);
    if (!interpreter.empty() && is_elf(interpreter)) out.push_back(interpreter);
    return out;
}

}  // namespace agentsight
