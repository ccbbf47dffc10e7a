// SPDX-License-Identifier: Apache-2.0
// A whole trace file as `analyze` or `serve` opens it: JSON Lines (strict and lenient) or,
// when the input starts with SQLite's magic, a SQLite store. The file is rewritten in place
// for every input so the run does not churn the directory.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_input.h"
#include "replay/trace_reader.h"

using namespace agentsight;

namespace {

// One scratch file per fuzzing process, removed at exit.
const std::string& scratch_path() {
    static const std::string path = [] {
        const char* dir = std::getenv("TMPDIR");
        std::string p = std::string(dir && *dir ? dir : "/tmp") + "/agentsight-fuzz-XXXXXX";
        int fd = mkstemp(p.data());
        if (fd < 0) std::abort();
        close(fd);
        static struct remover {
            std::string p;
            ~remover() { unlink(p.c_str()); }
        } cleanup{p};
        return p;
    }();
    return path;
}

void write_file(const std::string& path, std::string_view bytes) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size())
        std::abort();
    std::fclose(f);
}

void read_all(const std::string& path, bool strict) {
    trace_read_options opts;
    opts.strict = strict;
    opts.on_skip = [](const std::string& why) { fuzz::touch(why); };
    auto reader = open_trace(path, opts);
    if (!reader) return;
    event e;
    // Bounded: a corrupt store must not make the reader loop forever either.
    for (int i = 0; i < 10000 && (*reader)->next(e); ++i) fuzz::touch((*reader)->raw_json());
    if ((*reader)->failure()) fuzz::touch((*reader)->failure()->message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = scratch_path();
    write_file(path, fuzz::as_view(data, size));
    read_all(path, true);
    read_all(path, false);
    return 0;
}
