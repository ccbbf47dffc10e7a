// SPDX-License-Identifier: Apache-2.0
// Owning handles for SQLite connections and statements, and the few calls the
// store makes, returning errors that name the file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

namespace agentsight {

struct sqlite_closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct sqlite_finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using sqlite_handle = std::unique_ptr<sqlite3, sqlite_closer>;
using sqlite_stmt = std::unique_ptr<sqlite3_stmt, sqlite_finalizer>;

// `flags` are SQLITE_OPEN_*; errors read "<shown_as>: <sqlite message>"
// (shown_as defaults to `path`: the name the user gave, when `path` is resolved).
result<sqlite_handle> sqlite_open(const std::string& path, int flags,
                                  const std::string& shown_as = {});
status sqlite_exec(sqlite3* db, const char* sql);
result<sqlite_stmt> sqlite_prepare(sqlite3* db, std::string_view sql);

// The first row's first column of `sql` as an integer, or `fallback`.
int64_t sqlite_query_int(sqlite3* db, const char* sql, int64_t fallback);

// Bind helpers: 1-based index, as SQLite counts.
void bind_text(sqlite3_stmt* s, int i, std::string_view v);
void bind_text_or_null(sqlite3_stmt* s, int i, std::string_view v);
void bind_int(sqlite3_stmt* s, int i, int64_t v);

}  // namespace agentsight
