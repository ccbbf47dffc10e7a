// SPDX-License-Identifier: Apache-2.0
#include "outputs/trace/sqlite_db.h"

namespace agentsight {

result<sqlite_handle> sqlite_open(const std::string& path, int flags, const std::string& shown_as) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    sqlite_handle db(raw);
    if (rc != SQLITE_OK) {
        std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        return error{(shown_as.empty() ? path : shown_as) + ": " + msg};
    }
    // Readers and the writer share the file; wait briefly instead of failing
    // on a momentary lock (checkpoints, a second reader).
    sqlite3_busy_timeout(raw, 2000);
    sqlite3_extended_result_codes(raw, 1);
    return db;
}

status sqlite_exec(sqlite3* db, const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errmsg(db);
        sqlite3_free(err);
        return error{msg};
    }
    return ok_status();
}

result<sqlite_stmt> sqlite_prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &raw, nullptr) != SQLITE_OK)
        return error{sqlite3_errmsg(db)};
    return sqlite_stmt(raw);
}

int64_t sqlite_query_int(sqlite3* db, const char* sql, int64_t fallback) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) return fallback;
    sqlite_stmt s(raw);
    if (sqlite3_step(raw) != SQLITE_ROW || sqlite3_column_type(raw, 0) == SQLITE_NULL)
        return fallback;
    return sqlite3_column_int64(raw, 0);
}

void bind_text(sqlite3_stmt* s, int i, std::string_view v) {
    // A null data pointer would bind SQL NULL; an empty string stays a string.
    sqlite3_bind_text(s, i, v.data() ? v.data() : "", static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

void bind_text_or_null(sqlite3_stmt* s, int i, std::string_view v) {
    if (v.empty()) {
        sqlite3_bind_null(s, i);
    } else {
        bind_text(s, i, v);
    }
}

void bind_int(sqlite3_stmt* s, int i, int64_t v) {
    sqlite3_bind_int64(s, i, v);
}

}  // namespace agentsight
