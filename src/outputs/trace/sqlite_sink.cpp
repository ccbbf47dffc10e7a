// SPDX-License-Identifier: Apache-2.0
#include "outputs/trace/sqlite_sink.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "outputs/trace/sqlite_files.h"
#include "outputs/trace/store_schema.h"
#include "outputs/trace/store_writer.h"
#include "pipeline/event_json.h"
#include "util/terminal_text.h"

namespace agentsight {
namespace {

// The writer wakes early when this many rows wait, so bursts commit in
// bounded chunks instead of one huge transaction.
constexpr size_t k_wake_rows = 4096;
constexpr size_t k_max_processes = 65536;  // the oldest exited are forgotten beyond this

status use_wal(sqlite3* db, const std::string& path) {
    auto mode = sqlite_prepare(db, "PRAGMA journal_mode=WAL");
    if (!mode) return error{path + ": " + mode.message()};
    if (sqlite3_step(mode->get()) != SQLITE_ROW)
        return error{path + ": cannot switch to WAL: " + sqlite3_errmsg(db)};
    auto* m = reinterpret_cast<const char*>(sqlite3_column_text(mode->get(), 0));
    if (!m || std::string(m) != "wal")
        return error{path + ": cannot use WAL journaling (" + (m ? m : "?") +
                     "); is it on a network file system?"};
    return ok_status();
}

status configure(sqlite3* db, const std::string& path, const sqlite_sink_options& o) {
    if (auto st = use_wal(db, path); !st) return st;
    // Temporary tables and statement journals stay in memory: the sandboxed
    // writer may create no file anywhere, /var/tmp included.
    if (auto st = sqlite_exec(db, "PRAGMA temp_store=MEMORY"); !st)
        return error{path + ": " + st.message()};
    // NORMAL in WAL mode survives a killed process (the OS has the pages); only
    // a power cut can lose the last commits. FULL would fsync every 100 ms.
    if (auto st = sqlite_exec(db, "PRAGMA synchronous=NORMAL"); !st)
        return error{path + ": " + st.message()};
    if (o.max_db_bytes) {
        int64_t page = sqlite_query_int(db, "PRAGMA page_size", 4096);
        std::string sql =
            "PRAGMA max_page_count=" + std::to_string(std::max<int64_t>(1, o.max_db_bytes / page));
        sqlite_exec(db, sql.c_str());
    }
    return ok_status();
}

}  // namespace

result<std::unique_ptr<sqlite_sink>> sqlite_sink::open(const std::string& path,
                                                       sqlite_sink_options options) {
    auto files = prepare_sqlite_trace(path, options.overwrite);
    if (!files) return error{files.message()};
    auto db = sqlite_open(files->open_path,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, path);
    if (!db) return error{db.message()};
    // A new trace goes to WAL before its first write, so no rollback journal
    // (a name another user could plant a file at) is ever used.
    struct stat st {};
    if (::fstat(files->db.get(), &st) == 0 && st.st_size == 0)
        if (auto st = use_wal(db->get(), path); !st) return error{st.message()};
    if (auto st = prepare_store_for_write(db->get(), path, options.agentsight_version); !st)
        return error{st.message()};
    if (auto st = configure(db->get(), path, options); !st) return error{st.message()};
    auto store = store_writer::create(db->get());
    if (!store) return error{path + ": " + store.message()};
    // An empty write transaction creates and opens the WAL and shared-memory
    // files now: a recording drops privileges after open() and then holds only
    // these descriptors, with no right to create or open files next to the trace.
    if (auto st = sqlite_exec(db->get(), "BEGIN IMMEDIATE; COMMIT"); !st)
        return error{path + ": " + st.message()};
    if (auto st = check_sqlite_trace(*files, path); !st) return error{st.message()};
    return std::unique_ptr<sqlite_sink>(
        new sqlite_sink(path, std::move(options), std::move(*db), std::move(*store)));
}

sqlite_sink::sqlite_sink(std::string path, sqlite_sink_options options, sqlite_handle db,
                         std::unique_ptr<store_writer> store)
    : path_(std::move(path)),
      options_(std::move(options)),
      db_(std::move(db)),
      store_(std::move(store)) {}

void sqlite_sink::start() {
    std::call_once(started_, [this] { writer_ = std::thread([this] { writer_loop(); }); });
}

sqlite_sink::~sqlite_sink() {
    close();
}

void sqlite_sink::write(const event& e) {
    write_with_json(e, event_to_json(e));
}

void sqlite_sink::write_with_json(const event& e, std::string json) {
    store_row row = make_store_row(e, std::move(json));
    note_process(e, row);
    enqueue(std::move(row));
}

void sqlite_sink::note_process(const event& e, store_row& row) {
    if (auto* s = std::get_if<session_facts>(&row.facts); s && s->start && !s->session_id.empty())
        procs_.clear();  // processes rows are per session
    const auto* p = std::get_if<process_event>(&e);
    if (!p) return;
    const session::process_life& life = procs_.observe(*p);
    using t = process_event_type;
    if (p->type == t::fork && p->child_pid > 0) {
        row.facts = process_row(*procs_.find(p->child_pid));
    } else if (p->type == t::exec || p->type == t::exit) {
        row.facts = process_row(life);
    }
    procs_.bound(k_max_processes);
}

void sqlite_sink::enqueue(store_row row) {
    start();
    const size_t bytes = row.approx_bytes();
    std::unique_lock lock(mu_);
    auto full = [&] {
        return !queue_.empty() && (queue_.size() >= options_.max_queue_events ||
                                   queued_bytes_ + bytes > options_.max_queue_bytes);
    };
    if (options_.block_when_full) space_freed_.wait(lock, [&] { return stopping_ || !full(); });
    if (stopping_ || full()) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    queued_bytes_ += bytes;
    queue_.push_back(std::move(row));
    if (queue_.size() >= k_wake_rows) wake_writer_.notify_one();
}

void sqlite_sink::flush() {
    wake_writer_.notify_one();
}

void sqlite_sink::close() {
    {
        std::lock_guard lock(mu_);
        if (closed_) return;
        closed_ = true;
        stopping_ = true;
    }
    wake_writer_.notify_one();
    space_freed_.notify_all();
    if (writer_.joinable()) writer_.join();
    store_.reset();  // finalize statements before the connection closes
    // Fold the WAL back and empty it, so the finished trace is one
    // self-contained file. Done here, by the writer: the privileged process
    // that may tidy the emptied sidecars away never opens the trace.
    int rc =
        sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    // After a write failure (a full disk, say) that failure is the one line to say.
    if (rc != SQLITE_OK && failure().empty())
        report(path_ + ": the WAL could not be folded into the trace (" +
               sqlite3_errmsg(db_.get()) + "); keep " + path_ + "-wal with it");
    db_.reset();
    auto s = stats();
    // After a write failure, failure() carries the count; drops alone are reported here.
    if ((s.events_dropped || s.events_lost) && failure_.empty())
        report(path_ + ": " + std::to_string(s.events_dropped) +
               " events dropped (writer queue full) and " + std::to_string(s.events_lost) +
               " lost (write failed); " + std::to_string(s.events_written) + " written");
}

sqlite_sink_stats sqlite_sink::stats() const {
    return {written_.load(), dropped_.load(), lost_.load(), commits_.load()};
}

void sqlite_sink::report(const std::string& msg) {
    if (options_.log) {
        options_.log(msg);
    } else {
        std::fprintf(stderr, "agentsight: %s\n", printable(msg).c_str());
    }
}

void sqlite_sink::writer_loop() {
    std::vector<store_row> batch;
    for (;;) {
        bool stop;
        {
            std::unique_lock lock(mu_);
            wake_writer_.wait_for(lock, options_.commit_interval,
                                  [&] { return stopping_ || queue_.size() >= k_wake_rows; });
            batch.swap(queue_);
            queued_bytes_ = 0;
            stop = stopping_;
        }
        space_freed_.notify_all();
        if (!reported_drop_ && dropped_.load(std::memory_order_relaxed)) {
            reported_drop_ = true;
            report(path_ + ": writer falling behind, events are being dropped (capture continues)");
        }
        if (!batch.empty()) {
            write_batch(batch);
            batch.clear();
        }
        if (stop) {
            std::lock_guard lock(mu_);
            if (queue_.empty()) break;
        }
    }
}

void sqlite_sink::write_batch(std::vector<store_row>& batch) {
    sqlite3* db = db_.get();
    int rc = sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) {
        for (const auto& row : batch)
            if ((rc = store_->write(row)) != SQLITE_OK) break;
    }
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) {
        written_.fetch_add(batch.size(), std::memory_order_relaxed);
        commits_.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    std::string why = sqlite3_errmsg(db);
    // "database or disk is full" alone does not say which. SQLite keeps no
    // errno for SQLITE_FULL; without a page limit of ours, it is the disk.
    if ((rc & 0xff) == SQLITE_FULL && !options_.max_db_bytes)
        why += std::string(" (") + std::strerror(ENOSPC) + ")";
    else if (int sys = sqlite3_system_errno(db))
        why += std::string(" (") + std::strerror(sys) + ")";
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    lost_.fetch_add(batch.size(), std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    if (failure_.empty()) failure_ = path_ + ": cannot write: " + why;
}

std::string sqlite_sink::failure() const {
    std::lock_guard lock(mu_);
    if (failure_.empty()) return {};
    return failure_ + " (" + std::to_string(lost_.load() + dropped_.load()) +
           " events not written)";
}

}  // namespace agentsight
