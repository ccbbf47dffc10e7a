// SPDX-License-Identifier: Apache-2.0
#include "replay/export_trace.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "outputs/trace/sqlite_sink.h"
#include "replay/trace_reader.h"
#include "util/safe_file.h"
#include "util/terminal_text.h"

namespace agentsight {
namespace {

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa, sb;
    if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

status reader_status(const trace_reader& r) {
    if (r.failure()) return *r.failure();
    return ok_status();
}

status to_jsonl(trace_reader& r, const std::string& out, bool overwrite) {
    FILE* f = stdout;
    if (out != "-") {
        auto fd = open_output_file(out, overwrite ? if_exists::truncate : if_exists::refuse);
        if (!fd) return error{fd.message()};
        if (!(f = fdopen(fd->get(), "wb"))) return error{out + ": " + std::strerror(errno)};
        fd->release();
    }
    event e;
    bool write_failed = false;
    while (!write_failed && r.next(e)) {
        const std::string& line = r.raw_json();
        write_failed = std::fwrite(line.data(), 1, line.size(), f) != line.size() ||
                       std::fputc('\n', f) == EOF;
    }
    int saved = errno;
    bool close_failed = out == "-" ? std::fflush(f) != 0 : std::fclose(f) != 0;
    if (write_failed || close_failed)
        return error{out + ": " + std::strerror(write_failed ? saved : errno)};
    return reader_status(r);
}

status to_sqlite(trace_reader& r, const std::string& out, const export_options& o) {
    sqlite_sink_options so;
    so.agentsight_version = o.agentsight_version;
    so.overwrite = o.overwrite;
    so.block_when_full = true;           // offline: wait for the disk, never drop
    so.log = [](const std::string&) {};  // the failure below says it in one line
    auto sink = sqlite_sink::open(out, so);
    if (!sink) return error{sink.message()};
    event e;
    while (r.next(e) && (*sink)->failure().empty()) (*sink)->write_with_json(e, r.raw_json());
    (*sink)->close();
    if (auto f = (*sink)->failure(); !f.empty()) return error{f};
    if ((*sink)->stats().events_dropped) return error{out + ": events were not written"};
    return reader_status(r);
}

}  // namespace

status export_trace(const std::string& in, const std::string& out_or_dash, output_format fmt,
                    const export_options& options) {
    if (fmt == output_format::sqlite && out_or_dash == "-")
        return error{"-: SQLite traces cannot be written to stdout; give a file name"};
    if (in != "-" && out_or_dash != "-" && same_file(in, out_or_dash))
        return error{out_or_dash + ": is the input file; export to another name"};
    trace_read_options ro;
    ro.strict = options.strict;
    ro.on_skip = [](const std::string& m) {
        std::fprintf(stderr, "agentsight: skipped %s\n", printable(m).c_str());
    };
    auto reader = open_trace(in, ro);
    if (!reader) return error{reader.message()};
    return fmt == output_format::jsonl ? to_jsonl(**reader, out_or_dash, options.overwrite)
                                       : to_sqlite(**reader, out_or_dash, options);
}

}  // namespace agentsight
