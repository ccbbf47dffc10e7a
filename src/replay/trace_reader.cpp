// SPDX-License-Identifier: Apache-2.0
#include "replay/trace_reader.h"

#include <cerrno>
#include <cstring>

#include "replay/trace_reader_impl.h"

namespace agentsight {
namespace {

constexpr char k_sqlite_magic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                     'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

}  // namespace

result<std::unique_ptr<trace_reader>> open_trace(const std::string& path,
                                                 trace_read_options options) {
    if (path == "-") return make_jsonl_reader(path, stdin, std::move(options));
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return error{path + ": " + std::strerror(errno)};
    char head[sizeof k_sqlite_magic] = {};
    size_t n = std::fread(head, 1, sizeof head, f);
    if (n == sizeof head && std::memcmp(head, k_sqlite_magic, sizeof head) == 0) {
        std::fclose(f);
        return make_sqlite_reader(path);
    }
    std::rewind(f);
    return make_jsonl_reader(path, f, std::move(options));
}

}  // namespace agentsight
