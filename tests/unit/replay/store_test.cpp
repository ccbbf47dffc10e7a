// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "outputs/trace/sqlite_db.h"
#include "outputs/trace/sqlite_sink.h"
#include "pipeline/event_json.h"
#include "replay/export_trace.h"
#include "replay/trace_reader.h"
#include "tests/support/synthetic_session.h"
#include "tests/support/temp_dir.h"

namespace agentsight {
namespace {

using namespace std::chrono_literals;
using test::temp_dir;

std::vector<std::string> read_all_json(const std::string& path) {
    auto r = open_trace(path);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.message());
    std::vector<std::string> out;
    if (!r) return out;
    event e;
    while ((*r)->next(e)) {
        out.push_back(event_to_json(e));
        EXPECT_EQ((*r)->raw_json(), out.back());
    }
    EXPECT_FALSE((*r)->failure().has_value()) << (*r)->failure()->message;
    return out;
}

void record(const std::string& path, const std::vector<event>& events, sqlite_sink_options o = {}) {
    auto sink = sqlite_sink::open(path, std::move(o));
    ASSERT_TRUE(sink.ok()) << sink.message();
    for (const auto& e : events) (*sink)->write(e);
    (*sink)->close();
    EXPECT_EQ((*sink)->stats().events_written, events.size());
}

int64_t count(const std::string& path, const char* sql) {
    auto db = sqlite_open(path, SQLITE_OPEN_READONLY);
    EXPECT_TRUE(db.ok());
    return db ? sqlite_query_int(db->get(), sql, -1) : -1;
}

TEST(sqlite_store, round_trip_gives_identical_json_in_order) {
    temp_dir dir;
    auto events = test::synthetic_session();
    record(dir.file("trace.db"), events);
    std::vector<std::string> expected;
    for (const auto& e : events) expected.push_back(event_to_json(e));
    EXPECT_EQ(read_all_json(dir.file("trace.db")), expected);
    auto r = open_trace(dir.file("trace.db"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)->format(), output_format::sqlite);
}

TEST(sqlite_store, side_tables_index_processes_tls_llm_calls_and_sessions) {
    temp_dir dir;
    const auto path = dir.file("trace.db");
    record(path, test::synthetic_session());
    EXPECT_EQ(count(path, "SELECT count(*) FROM sessions WHERE end_ts - start_ts = 3000000000"), 1);
    EXPECT_EQ(count(path,
                    "SELECT count(*) FROM events WHERE session_id = "
                    "'6f1c2a9e-0d4b-4c1e-9a7f-3b2d1e0c9a8b'"),
              17);
    EXPECT_EQ(count(path, "SELECT count(*) FROM processes"), 3);
    EXPECT_EQ(count(path, "SELECT ppid FROM processes WHERE pid = 201"), 200);
    EXPECT_EQ(count(path,
                    "SELECT exit_ts IS NOT NULL AND exit_code = 0 FROM processes "
                    "WHERE pid = 200 AND comm = 'bash' AND "
                    "argv = '[\"bash\",\"-c\",\"cat notes.txt\"]'"),
              1);
    const std::string request = std::get<tls_event>(test::synthetic_session()[2]).data;
    EXPECT_EQ(count(path, "SELECT bytes_written FROM tls_connections"),
              static_cast<int64_t>(request.size()));
    EXPECT_EQ(count(path, "SELECT bytes_read FROM tls_connections"), 13);
    EXPECT_EQ(count(path, "SELECT sum(input_tokens) FROM llm_calls WHERE provider = 'anthropic'"),
              2500);
    EXPECT_EQ(count(path, "SELECT count(*) FROM llm_calls_json WHERE json LIKE '%toolu_01%'"), 2);
    EXPECT_EQ(count(path, "PRAGMA user_version"), 1);
    EXPECT_EQ(count(path,
                    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                    "('events_by_ts','events_by_pid','events_by_session','events_by_type')"),
              4);
}

TEST(sqlite_store, a_second_recording_appends_a_session) {
    temp_dir dir;
    const auto path = dir.file("trace.db");
    auto events = test::synthetic_session();
    record(path, events);
    std::vector<event> second = {make_session_start({"second", test::k_t0, "x", "h", "0.1.0"}),
                                 make_session_end("second", test::k_t0 + 1, {})};
    record(path, second);
    EXPECT_EQ(count(path, "SELECT count(*) FROM sessions"), 2);
    EXPECT_EQ(read_all_json(path).size(), events.size() + 2);
    sqlite_sink_options fresh;
    fresh.overwrite = true;
    record(path, second, fresh);
    EXPECT_EQ(count(path, "SELECT count(*) FROM events"), 2);
}

TEST(sqlite_store, export_round_trips_jsonl_and_db_byte_for_byte) {
    temp_dir dir;
    std::string jsonl;
    for (const auto& e : test::synthetic_session()) {
        append_event_json(e, jsonl);
        jsonl += '\n';
    }
    test::write_file(dir.file("in.jsonl"), jsonl);
    ASSERT_TRUE(export_trace(dir.file("in.jsonl"), dir.file("mid.db"), output_format::sqlite).ok());
    auto st = export_trace(dir.file("mid.db"), dir.file("out.jsonl"), output_format::jsonl);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(test::read_file(dir.file("out.jsonl")), jsonl);
    // db -> db and jsonl -> jsonl are copies too.
    ASSERT_TRUE(export_trace(dir.file("mid.db"), dir.file("copy.db"), output_format::sqlite).ok());
    ASSERT_TRUE(
        export_trace(dir.file("copy.db"), dir.file("copy.jsonl"), output_format::jsonl).ok());
    EXPECT_EQ(test::read_file(dir.file("copy.jsonl")), jsonl);
}

TEST(sqlite_store, export_refuses_what_it_cannot_do) {
    temp_dir dir;
    test::write_file(dir.file("a.jsonl"), "");
    EXPECT_EQ(export_trace(dir.file("a.jsonl"), "-", output_format::sqlite).message(),
              "-: SQLite traces cannot be written to stdout; give a file name");
    EXPECT_EQ(
        export_trace(dir.file("a.jsonl"), dir.file("a.jsonl"), output_format::jsonl).message(),
        dir.file("a.jsonl") + ": is the input file; export to another name");
    EXPECT_EQ(
        export_trace(dir.file("nope.db"), dir.file("b.jsonl"), output_format::jsonl).message(),
        dir.file("nope.db") + ": No such file or directory");
}

TEST(sqlite_store, schema_version_mismatch_names_file_and_versions) {
    temp_dir dir;
    const auto path = dir.file("trace.db");
    record(path, {make_session_end("s", 1, {})});
    {
        auto db = sqlite_open(path, SQLITE_OPEN_READWRITE);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(sqlite_exec(db->get(),
                                "PRAGMA user_version = 3; UPDATE meta SET value = "
                                "'0.3.0' WHERE key = 'agentsight_version'")
                        .ok());
    }
    const std::string want =
        path +
        ": schema version 3, this agentsight reads version 1 (re-record or use agentsight "
        "v0.3.0)";
    auto r = open_trace(path);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), want);
    auto s = sqlite_sink::open(path);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.message(), want);
}

TEST(sqlite_store, a_foreign_sqlite_file_is_not_a_trace) {
    temp_dir dir;
    const auto path = dir.file("other.db");
    {
        auto db = sqlite_open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(sqlite_exec(db->get(), "CREATE TABLE t(x)").ok());
    }
    auto r = open_trace(path);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), path + ": not an agentsight trace (a SQLite file without our schema)");
    EXPECT_FALSE(sqlite_sink::open(path).ok());
}

TEST(sqlite_store, committed_rows_are_visible_to_a_second_connection_within_a_second) {
    temp_dir dir;
    const auto path = dir.file("trace.db");
    auto sink = sqlite_sink::open(path);
    ASSERT_TRUE(sink.ok()) << sink.message();
    auto events = test::synthetic_session();
    for (const auto& e : events) (*sink)->write(e);
    // No flush(): the writer must commit on its own.
    const auto start = std::chrono::steady_clock::now();
    int64_t seen = 0;
    auto db = sqlite_open(path, SQLITE_OPEN_READONLY);
    ASSERT_TRUE(db.ok());
    while (std::chrono::steady_clock::now() - start < 2s) {
        seen = sqlite_query_int(db->get(), "SELECT count(*) FROM events", 0);
        if (seen == static_cast<int64_t>(events.size())) break;
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(seen, static_cast<int64_t>(events.size()));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    sqlite_stmt mode = std::move(*sqlite_prepare(db->get(), "PRAGMA journal_mode"));
    ASSERT_EQ(sqlite3_step(mode.get()), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(mode.get(), 0)), "wal");
    (*sink)->close();
}

TEST(sqlite_store, a_killed_recorder_leaves_a_readable_file_missing_only_the_last_moment) {
    temp_dir dir;
    const auto path = dir.file("trace.db");
    auto events = test::synthetic_session();
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto sink = sqlite_sink::open(path);
        if (!sink) ::_exit(2);
        for (const auto& e : events) (*sink)->write(e);
        std::this_thread::sleep_for(600ms);                       // several commit intervals
        for (int i = 0; i < 100; ++i) (*sink)->write(events[1]);  // the unsaved tail
        ::raise(SIGKILL);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    auto got = read_all_json(path);
    ASSERT_GE(got.size(), events.size());
    for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(got[i], event_to_json(events[i]));
}

TEST(sqlite_store, a_full_disk_is_a_failure_and_counted) {
    temp_dir dir;
    const auto path = dir.file("trace.db");
    sqlite_sink_options o;
    o.max_db_bytes = 256 * 1024;
    std::vector<std::string> logs;
    std::mutex mu;
    o.log = [&](const std::string& m) {
        std::lock_guard lock(mu);
        logs.push_back(m);
    };
    auto sink = sqlite_sink::open(path, o);
    ASSERT_TRUE(sink.ok()) << sink.message();
    auto big = test::tls_of(test::k_t0, tls_direction::read, std::string(8000, 'x'));
    // A first batch that fits, committed before the disk "fills".
    for (int i = 0; i < 10; ++i) (*sink)->write(big);
    for (int i = 0; i < 200 && (*sink)->stats().events_written < 10; ++i)
        std::this_thread::sleep_for(10ms);
    ASSERT_EQ((*sink)->stats().events_written, 10u);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 10; i < 200; ++i) {
        (*sink)->write(big);
        if (i % 20 == 0) std::this_thread::sleep_for(30ms);  // several batches, all fail
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    (*sink)->close();
    auto s = (*sink)->stats();
    EXPECT_GT(s.events_lost, 0u);
    EXPECT_GT(s.events_written, 0u);
    EXPECT_EQ(s.events_written + s.events_lost + s.events_dropped, 200u);
    // One line for the owner to act on: the first error and what it cost in the end.
    EXPECT_EQ((*sink)->failure(), path + ": cannot write: database or disk is full (" +
                                      std::to_string(s.events_lost + s.events_dropped) +
                                      " events not written)");
    EXPECT_TRUE(logs.empty()) << logs[0];
    EXPECT_EQ(read_all_json(path).size(), s.events_written);
}

TEST(sqlite_store, a_full_queue_drops_and_counts_without_blocking) {
    temp_dir dir;
    sqlite_sink_options o;
    o.max_queue_events = 8;
    o.commit_interval = 500ms;
    o.log = [](const std::string&) {};
    auto sink = sqlite_sink::open(dir.file("trace.db"), o);
    ASSERT_TRUE(sink.ok());
    auto e = test::exec_of(test::k_t0, 1, 0, "x", "/x", {"x"});
    for (int i = 0; i < 1000; ++i) (*sink)->write(e);
    (*sink)->close();
    auto s = (*sink)->stats();
    EXPECT_GT(s.events_dropped, 0u);
    EXPECT_EQ(s.events_written + s.events_dropped, 1000u);
}

}  // namespace
}  // namespace agentsight
