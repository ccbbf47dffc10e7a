// SPDX-License-Identifier: Apache-2.0
#include "outputs/trace/sqlite_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace agentsight {
namespace {

constexpr const char* k_sidecars[] = {"-wal", "-shm", "-journal"};

result<std::string> resolved_directory(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    const std::string dir = parent.empty() ? std::string(".") : parent.string();
    char buf[PATH_MAX];
    if (!::realpath(dir.c_str(), buf)) return error{path + ": " + std::strerror(errno)};
    return std::string(buf);
}

}  // namespace

result<sqlite_trace_files> prepare_sqlite_trace(const std::string& path, bool overwrite) {
    auto dir = resolved_directory(path);
    if (!dir) return error{dir.message()};
    const std::string name = std::filesystem::path(path).filename().string();
    // Every name first, so a refusal leaves everything as it was.
    if (auto r = replaceable_output(path); !r) return error{r.message()};
    bool present[std::size(k_sidecars)] = {};
    for (size_t i = 0; i < std::size(k_sidecars); ++i) {
        auto r = replaceable_output(path + k_sidecars[i]);
        if (!r) return error{r.message()};
        present[i] = *r;
    }
    for (size_t i = 0; i < std::size(k_sidecars); ++i) {
        if (!present[i]) continue;
        const std::string sidecar = path + k_sidecars[i];
        if (overwrite) {
            // A fresh trace starts with no sidecars: a stale WAL would be replayed into it.
            if (::unlink(sidecar.c_str()) != 0 && errno != ENOENT)
                return error{sidecar + ": " + std::strerror(errno)};
        } else if (auto kept = open_output_file(sidecar, if_exists::keep); !kept) {
            // Appending keeps a crashed recording's WAL, made private like the trace.
            return error{kept.message()};
        }
    }
    auto db = open_output_file(path, overwrite ? if_exists::truncate : if_exists::keep);
    if (!db) return error{db.message()};
    return sqlite_trace_files{*dir + "/" + name, std::move(*db)};
}

status check_sqlite_trace(const sqlite_trace_files& files, const std::string& path) {
    if (!is_file_at(files.db.get(), files.open_path))
        return error{path + ": was replaced by another file while it was being opened"};
    for (const char* suffix : {"-wal", "-shm"}) {
        const std::string sidecar = files.open_path + suffix;
        auto r = replaceable_output(sidecar);
        if (!r) return error{r.message()};
        struct stat st;
        if (*r && ::lstat(sidecar.c_str(), &st) == 0 && (st.st_mode & 077))
            return error{path + suffix + ": readable by other users; not writing the trace there"};
    }
    return ok_status();
}

void remove_empty_sqlite_sidecars(const std::string& path) {
    struct stat st;
    const std::string wal = path + "-wal", shm = path + "-shm";
    if (::lstat(wal.c_str(), &st) == 0) {
        // A WAL with frames still holds part of the trace: both stay.
        if (!S_ISREG(st.st_mode) || st.st_size != 0) return;
        ::unlink(wal.c_str());
    }
    if (::lstat(shm.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::unlink(shm.c_str());
}

}  // namespace agentsight
