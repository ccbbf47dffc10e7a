// SPDX-License-Identifier: Apache-2.0
// Records events into a SQLite trace (schema: docs/store.md). write() only
// encodes and queues; a writer thread (started by the first write) commits a transaction at least
// every commit_interval, so a killed recorder loses at most the last interval and the WAL-mode file
// stays readable.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "outputs/trace/sqlite_db.h"
#include "outputs/trace/store_row.h"
#include "pipeline/stage.h"
#include "util/result.h"

namespace agentsight {

class store_writer;

struct sqlite_sink_options {
    std::string agentsight_version;  // recorded in meta; names the writer in version errors
    size_t max_queue_events = 65536;
    size_t max_queue_bytes = size_t{256} << 20;
    std::chrono::milliseconds commit_interval{100};
    bool overwrite = false;        // replace an existing file; otherwise the recording appends
    bool block_when_full = false;  // offline import: wait for the writer instead of dropping
    uint64_t max_db_bytes = 0;     // 0: unlimited; otherwise behaves like a full disk past it
    // The final count of what was not written. Default: stderr. The first write
    // error is failure(), for the owner to act on.
    std::function<void(const std::string&)> log;
};

struct sqlite_sink_stats {
    uint64_t events_written = 0;  // committed
    uint64_t events_dropped = 0;  // refused: the hand-off queue was full
    uint64_t events_lost = 0;     // queued but their transaction failed (disk full, I/O error)
    uint64_t commits = 0;
};

class sqlite_sink final : public sink {
  public:
    // Opens or creates `path` and starts the writer thread. Errors name the file:
    // permission, not a trace, or a schema version this build does not read.
    static result<std::unique_ptr<sqlite_sink>> open(const std::string& path,
                                                     sqlite_sink_options options = {});
    ~sqlite_sink() override;

    // Starts the writer thread; the first write does it too. Opening and
    // starting are apart so a recording can open the file, drop privileges,
    // and only then start threads (which inherit the reduced credentials).
    void start();
    void write(const event& e) override;
    // For importers that hold the event's exact JSON line: stored as given.
    void write_with_json(const event& e, std::string json);
    void flush() override;  // wakes the writer; never waits for the disk
    void close() override;  // drains the queue, commits, checkpoints; idempotent
    std::string failure() const override;

    sqlite_sink_stats stats() const;
    const std::string& path() const { return path_; }

  private:
    sqlite_sink(std::string path, sqlite_sink_options options, sqlite_handle db,
                std::unique_ptr<store_writer> store);
    // Applies a process event to the session model and gives the row the processes row it
    // changed; a session_start begins a new model.
    void note_process(const event& e, store_row& row);
    void enqueue(store_row row);
    void writer_loop();
    void write_batch(std::vector<store_row>& batch);
    void report(const std::string& msg);

    const std::string path_;
    const sqlite_sink_options options_;
    sqlite_handle db_;
    std::unique_ptr<store_writer> store_;  // used by the writer thread only
    session::process_table procs_;         // the session's processes; write()'s thread only

    mutable std::mutex mu_;
    std::condition_variable wake_writer_;
    std::condition_variable space_freed_;
    std::vector<store_row> queue_;
    size_t queued_bytes_ = 0;
    bool stopping_ = false;
    bool closed_ = false;

    std::atomic<uint64_t> written_{0}, dropped_{0}, lost_{0}, commits_{0};
    bool reported_drop_ = false;  // writer thread only
    std::string failure_;         // guarded by mu_
    std::once_flag started_;
    std::thread writer_;
};

}  // namespace agentsight
