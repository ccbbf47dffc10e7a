// SPDX-License-Identifier: Apache-2.0
#include "outputs/trace/store_schema.h"

#include <string_view>

#include "outputs/trace/sqlite_db.h"

namespace agentsight {
namespace {

// One row per fact kind a person queries; `events` keeps every event's exact
// JSON so export reproduces the JSON Lines byte for byte. llm_calls has no JSON
// copy: those bodies carry whole conversations, so the view joins them in.
constexpr const char* k_schema_v1 = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY,
    start_ts INTEGER,
    end_ts INTEGER,
    command TEXT,
    hostname TEXT,
    agentsight_version TEXT,
    stats TEXT
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL DEFAULT '',
    ts INTEGER NOT NULL,
    type TEXT NOT NULL,
    pid INTEGER,
    json TEXT NOT NULL
);
CREATE TABLE processes (
    session_id TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL,
    ppid INTEGER,
    uid INTEGER,
    comm TEXT,
    filename TEXT,
    argv TEXT,
    start_ts INTEGER,
    exec_ts INTEGER,
    exit_ts INTEGER,
    exit_code INTEGER,
    signal INTEGER,
    PRIMARY KEY (session_id, pid)
) WITHOUT ROWID;
CREATE TABLE tls_connections (
    session_id TEXT NOT NULL DEFAULT '',
    conn TEXT NOT NULL,
    pid INTEGER,
    comm TEXT,
    lib TEXT,
    first_ts INTEGER,
    last_ts INTEGER,
    bytes_read INTEGER NOT NULL DEFAULT 0,
    bytes_written INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, conn)
) WITHOUT ROWID;
CREATE TABLE llm_calls (
    event_id INTEGER PRIMARY KEY REFERENCES events(id),
    session_id TEXT NOT NULL DEFAULT '',
    ts INTEGER NOT NULL,
    pid INTEGER,
    provider TEXT,
    model TEXT,
    status INTEGER,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cache_read_tokens INTEGER,
    cache_creation_tokens INTEGER,
    duration_ms REAL,
    error TEXT
);
CREATE VIEW llm_calls_json AS
    SELECT l.*, e.json FROM llm_calls l JOIN events e ON e.id = l.event_id;
CREATE INDEX events_by_ts ON events(ts);
CREATE INDEX events_by_pid ON events(pid, ts);
CREATE INDEX events_by_session ON events(session_id, id);
CREATE INDEX events_by_type ON events(type, ts);
CREATE INDEX llm_calls_by_ts ON llm_calls(ts);
CREATE INDEX llm_calls_by_session ON llm_calls(session_id, ts);
CREATE INDEX processes_by_pid ON processes(pid);
CREATE INDEX tls_connections_by_pid ON tls_connections(pid);
)sql";

std::string meta_value(sqlite3* db, const char* key) {
    auto s = sqlite_prepare(db, "SELECT value FROM meta WHERE key = ?1");
    if (!s) return {};
    bind_text(s->get(), 1, key);
    if (sqlite3_step(s->get()) != SQLITE_ROW) return {};
    auto* text = sqlite3_column_text(s->get(), 0);
    return text ? reinterpret_cast<const char*>(text) : "";
}

bool has_table(sqlite3* db, const char* name) {
    auto s = sqlite_prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    if (!s) return false;
    bind_text(s->get(), 1, name);
    return sqlite3_step(s->get()) == SQLITE_ROW;
}

// What kind of file this is: 0 empty, -1 not ours, else our schema version.
result<int> store_version(sqlite3* db, const std::string& path) {
    // Reading sqlite_master is the first real I/O: it is where a text file
    // renamed to .db, or a damaged database, shows up.
    int64_t tables = sqlite_query_int(db, "SELECT count(*) FROM sqlite_master", -1);
    if (tables < 0) return error{path + ": " + sqlite3_errmsg(db)};
    if (tables == 0) return 0;
    if (!has_table(db, "meta") || meta_value(db, "format") != k_store_format_name) return -1;
    return static_cast<int>(sqlite_query_int(db, "PRAGMA user_version", 0));
}

std::string version_mismatch(sqlite3* db, const std::string& path, int found) {
    std::string writer = meta_value(db, "agentsight_version");
    std::string hint =
        writer.empty() ? "the agentsight version that recorded it" : "agentsight v" + writer;
    return path + ": schema version " + std::to_string(found) + ", this agentsight reads version " +
           std::to_string(k_store_schema_version) + " (re-record or use " + hint + ")";
}

status check_known(sqlite3* db, const std::string& path, int version) {
    if (version < 0)
        return error{path + ": not an agentsight trace (a SQLite file without our schema)"};
    if (version != k_store_schema_version) return error{version_mismatch(db, path, version)};
    return ok_status();
}

status create_schema(sqlite3* db, const std::string& path, const std::string& agentsight_version) {
    std::string sql = "BEGIN;";
    sql += k_schema_v1;
    sql += "PRAGMA user_version = " + std::to_string(k_store_schema_version) + ";";
    if (auto st = sqlite_exec(db, sql.c_str()); !st) {
        sqlite_exec(db, "ROLLBACK");
        return error{path + ": cannot create the trace schema: " + st.message()};
    }
    auto ins = sqlite_prepare(db, "INSERT INTO meta(key, value) VALUES (?1, ?2)");
    if (!ins) return error{path + ": " + ins.message()};
    auto put = [&](std::string_view k, std::string_view v) {
        bind_text(ins->get(), 1, k);
        bind_text(ins->get(), 2, v);
        sqlite3_step(ins->get());
        sqlite3_reset(ins->get());
    };
    put("format", k_store_format_name);
    put("schema_version", std::to_string(k_store_schema_version));
    put("agentsight_version", agentsight_version);
    if (auto st = sqlite_exec(db, "COMMIT"); !st) return error{path + ": " + st.message()};
    return ok_status();
}

}  // namespace

status prepare_store_for_write(sqlite3* db, const std::string& path,
                               const std::string& agentsight_version) {
    auto v = store_version(db, path);
    if (!v) return error{v.message()};
    if (*v == 0) return create_schema(db, path, agentsight_version);
    return check_known(db, path, *v);
}

status check_store_for_read(sqlite3* db, const std::string& path) {
    auto v = store_version(db, path);
    if (!v) return error{v.message()};
    if (*v == 0) return error{path + ": empty database, not an agentsight trace"};
    return check_known(db, path, *v);
}

}  // namespace agentsight
