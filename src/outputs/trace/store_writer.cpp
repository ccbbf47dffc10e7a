// SPDX-License-Identifier: Apache-2.0
#include "outputs/trace/store_writer.h"

namespace agentsight {
namespace {

constexpr const char* k_insert_event =
    "INSERT INTO events(session_id, ts, type, pid, json) VALUES (?1, ?2, ?3, ?4, ?5)";

// The row is the session model's process, whole: which life a pid is in, and what a reused
// pid resets, was decided there.
constexpr const char* k_process = R"sql(
INSERT INTO processes(session_id, pid, ppid, uid, comm, filename, argv, start_ts, exec_ts, exit_ts,
                      exit_code, signal)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
ON CONFLICT(session_id, pid) DO UPDATE SET
    ppid = excluded.ppid, uid = excluded.uid, comm = excluded.comm, filename = excluded.filename,
    argv = excluded.argv, start_ts = excluded.start_ts, exec_ts = excluded.exec_ts,
    exit_ts = excluded.exit_ts, exit_code = excluded.exit_code, signal = excluded.signal)sql";

constexpr const char* k_tls = R"sql(
INSERT INTO tls_connections(session_id, conn, pid, comm, lib, first_ts, last_ts, bytes_read,
                            bytes_written)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8)
ON CONFLICT(session_id, conn) DO UPDATE SET
    last_ts = max(last_ts, excluded.last_ts),
    bytes_read = bytes_read + excluded.bytes_read,
    bytes_written = bytes_written + excluded.bytes_written)sql";

constexpr const char* k_llm = R"sql(
INSERT INTO llm_calls(event_id, session_id, ts, pid, provider, model, status, input_tokens,
                      output_tokens, cache_read_tokens, cache_creation_tokens, duration_ms, error)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13))sql";

constexpr const char* k_session_start = R"sql(
INSERT INTO sessions(session_id, start_ts, command, hostname, agentsight_version)
VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT(session_id) DO UPDATE SET
    start_ts = excluded.start_ts, command = excluded.command, hostname = excluded.hostname,
    agentsight_version = excluded.agentsight_version)sql";

constexpr const char* k_session_end = R"sql(
INSERT INTO sessions(session_id, end_ts, stats) VALUES (?1, ?2, ?3)
ON CONFLICT(session_id) DO UPDATE SET end_ts = excluded.end_ts, stats = excluded.stats)sql";

// Runs a bound statement to completion and makes it reusable.
int run(sqlite3_stmt* s) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

template <typename T>
void bind_opt(sqlite3_stmt* s, int i, const std::optional<T>& v) {
    if (!v) {
        sqlite3_bind_null(s, i);
    } else if constexpr (std::is_floating_point_v<T>) {
        sqlite3_bind_double(s, i, *v);
    } else {
        sqlite3_bind_int64(s, i, *v);
    }
}

void bind_opt(sqlite3_stmt* s, int i, const std::optional<std::string>& v) {
    if (v) {
        bind_text(s, i, *v);
    } else {
        sqlite3_bind_null(s, i);
    }
}

}  // namespace

result<std::unique_ptr<store_writer>> store_writer::create(sqlite3* db) {
    std::unique_ptr<store_writer> w(new store_writer(db));
    struct {
        sqlite_stmt* slot;
        const char* sql;
    } stmts[] = {{&w->insert_event_, k_insert_event},
                 {&w->process_, k_process},
                 {&w->tls_, k_tls},
                 {&w->llm_, k_llm},
                 {&w->session_start_, k_session_start},
                 {&w->session_end_, k_session_end}};
    for (auto& s : stmts) {
        auto p = sqlite_prepare(db, s.sql);
        if (!p) return error{"prepare: " + p.message()};
        *s.slot = std::move(*p);
    }
    return w;
}

int store_writer::write(const store_row& row) {
    // A session's own start event belongs to it, so switch before inserting.
    if (auto* s = std::get_if<session_facts>(&row.facts); s && s->start && !s->session_id.empty())
        session_id_ = s->session_id;

    sqlite3_stmt* st = insert_event_.get();
    bind_text(st, 1, session_id_);
    bind_int(st, 2, static_cast<int64_t>(row.ts_ns));
    bind_text(st, 3, row.type);
    if (row.pid) {
        bind_int(st, 4, *row.pid);
    } else {
        sqlite3_bind_null(st, 4);
    }
    bind_text(st, 5, row.json);
    if (int rc = run(st); rc != SQLITE_OK) return rc;
    const int64_t event_id = sqlite3_last_insert_rowid(db_);

    return std::visit(
        [&](const auto& f) -> int {
            using T = std::decay_t<decltype(f)>;
            if constexpr (std::is_same_v<T, process_facts>) return write_process(f);
            if constexpr (std::is_same_v<T, tls_facts>) return write_tls(row, f);
            if constexpr (std::is_same_v<T, llm_facts>) return write_llm(row, f, event_id);
            if constexpr (std::is_same_v<T, session_facts>) return write_session(row, f);
            return SQLITE_OK;
        },
        row.facts);
}

int store_writer::write_process(const process_facts& f) {
    sqlite3_stmt* s = process_.get();
    bind_text(s, 1, session_id_);
    bind_int(s, 2, f.pid);
    bind_int(s, 3, f.ppid);
    bind_opt(s, 4, f.uid);
    bind_text(s, 5, f.comm);
    bind_opt(s, 6, f.filename);
    bind_opt(s, 7, f.argv_json);
    bind_opt(s, 8, f.start_ts);
    bind_opt(s, 9, f.exec_ts);
    bind_opt(s, 10, f.exit_ts);
    bind_opt(s, 11, f.exit_code);
    bind_opt(s, 12, f.signal);
    return run(s);
}

int store_writer::write_tls(const store_row& row, const tls_facts& f) {
    sqlite3_stmt* s = tls_.get();
    bind_text(s, 1, session_id_);
    bind_text(s, 2, f.conn);
    bind_int(s, 3, row.pid.value_or(0));
    bind_text(s, 4, f.comm);
    bind_text(s, 5, f.lib);
    bind_int(s, 6, static_cast<int64_t>(row.ts_ns));
    bind_int(s, 7, f.direction == tls_direction::read ? static_cast<int64_t>(f.len) : 0);
    bind_int(s, 8, f.direction == tls_direction::write ? static_cast<int64_t>(f.len) : 0);
    return run(s);
}

int store_writer::write_llm(const store_row& row, const llm_facts& f, int64_t event_id) {
    sqlite3_stmt* s = llm_.get();
    bind_int(s, 1, event_id);
    bind_text(s, 2, session_id_);
    bind_int(s, 3, static_cast<int64_t>(row.ts_ns));
    bind_opt(s, 4, row.pid);
    bind_text_or_null(s, 5, f.provider);
    bind_text_or_null(s, 6, f.model);
    bind_opt(s, 7, f.status);
    bind_opt(s, 8, f.input_tokens);
    bind_opt(s, 9, f.output_tokens);
    bind_opt(s, 10, f.cache_read_tokens);
    bind_opt(s, 11, f.cache_creation_tokens);
    bind_opt(s, 12, f.duration_ms);
    bind_text_or_null(s, 13, f.error);
    return run(s);
}

int store_writer::write_session(const store_row& row, const session_facts& f) {
    if (f.session_id.empty()) return SQLITE_OK;
    const int64_t ts = static_cast<int64_t>(row.ts_ns);
    if (f.start) {
        sqlite3_stmt* s = session_start_.get();
        bind_text(s, 1, f.session_id);
        bind_int(s, 2, ts);
        bind_text_or_null(s, 3, f.command);
        bind_text_or_null(s, 4, f.hostname);
        bind_text_or_null(s, 5, f.agentsight_version);
        return run(s);
    }
    sqlite3_stmt* s = session_end_.get();
    bind_text(s, 1, f.session_id);
    bind_int(s, 2, ts);
    bind_text_or_null(s, 3, f.stats_json);
    return run(s);
}

}  // namespace agentsight
