// SPDX-License-Identifier: Apache-2.0
#include "outputs/trace/sqlite_db.h"
#include "outputs/trace/store_schema.h"
#include "pipeline/event_json.h"
#include "replay/trace_reader_impl.h"

namespace agentsight {
namespace {

class sqlite_trace_reader final : public trace_reader {
  public:
    sqlite_trace_reader(std::string path, sqlite_handle db, sqlite_stmt rows)
        : trace_reader(std::move(path)), db_(std::move(db)), rows_(std::move(rows)) {}

    output_format format() const override { return output_format::sqlite; }

    bool next(event& out) override {
        if (failure_ || done_) return false;
        int rc = sqlite3_step(rows_.get());
        if (rc == SQLITE_DONE) {
            done_ = true;
            return false;
        }
        if (rc != SQLITE_ROW) {
            failure_ = error{path_ + ": " + sqlite3_errmsg(db_.get())};
            return false;
        }
        const int64_t id = sqlite3_column_int64(rows_.get(), 0);
        auto* text = reinterpret_cast<const char*>(sqlite3_column_text(rows_.get(), 1));
        raw_.assign(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(rows_.get(), 1)));
        auto parsed = parse_event_json(raw_);
        if (!parsed) {
            failure_ = error{path_ + ": event " + std::to_string(id) + ": " + parsed.message()};
            return false;
        }
        out = std::move(*parsed);
        return true;
    }

  private:
    sqlite_handle db_;
    sqlite_stmt rows_;
    bool done_ = false;
};

}  // namespace

result<std::unique_ptr<trace_reader>> make_sqlite_reader(const std::string& path) {
    // Read-write (never create) lets SQLite recover the WAL a killed recorder
    // left behind; read-only is the fallback for files we may not write.
    auto db = sqlite_open(path, SQLITE_OPEN_READWRITE);
    if (!db) db = sqlite_open(path, SQLITE_OPEN_READONLY);
    if (!db) return error{db.message()};
    if (auto st = check_store_for_read(db->get(), path); !st) return error{st.message()};
    auto rows = sqlite_prepare(db->get(), "SELECT id, json FROM events ORDER BY id");
    if (!rows) return error{path + ": " + rows.message()};
    return std::unique_ptr<trace_reader>(
        new sqlite_trace_reader(path, std::move(*db), std::move(*rows)));
}

}  // namespace agentsight
