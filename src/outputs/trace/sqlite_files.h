// SPDX-License-Identifier: Apache-2.0
// The files of a SQLite trace, made safe for root to write: the database and
// its -wal, -shm and -journal sidecars. SQLite opens every one of them with
// O_NOFOLLOW (and the database with SQLITE_OPEN_NOFOLLOW), but with O_CREAT and
// no O_EXCL: it would reuse a regular file another user planted next to the
// trace, read a WAL they wrote, or let them keep it open to read the trace.
// So before SQLite opens anything, what is there is checked (util/safe_file.h),
// the database is created by us (0600, the invoking user's), and afterwards
// the files at those names are checked to be the ones SQLite made from ours:
// SQLite gives a new WAL and shared-memory file the database's mode and owner.
#pragma once

#include <string>

#include "util/result.h"
#include "util/safe_file.h"

namespace agentsight {

struct sqlite_trace_files {
    // What to give sqlite3_open_v2: the trace's directory resolved, so that
    // SQLITE_OPEN_NOFOLLOW (which refuses a symlink anywhere in the path)
    // still allows a symlinked directory, as writing a JSON Lines file does.
    std::string open_path;
    output_fd db;  // the trace as we created or checked it
};

// `overwrite`: an existing trace and its sidecars (the invoking user's regular
// files) are removed; otherwise they are kept, for the recording to append.
// Anything else at those names is an error naming the file and why.
result<sqlite_trace_files> prepare_sqlite_trace(const std::string& path, bool overwrite);

// Once SQLite has opened the trace and its WAL: the database at `path` is
// still ours, and the -wal and -shm there are regular files of the invoking
// user that nobody else can read.
status check_sqlite_trace(const sqlite_trace_files& files, const std::string& path);

// After the writer checkpointed with TRUNCATE and closed: removes `path`'s
// WAL if it is empty, then its shared-memory index, which without a WAL
// holds nothing. Never opens either: it looks at them with lstat only, so a
// privileged caller reads nothing the unprivileged writer produced.
void remove_empty_sqlite_sidecars(const std::string& path);

}  // namespace agentsight
