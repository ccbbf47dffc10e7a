// SPDX-License-Identifier: Apache-2.0
// Writes store_rows into an open trace database with prepared statements.
// Owned by the sqlite_sink's writer thread (or an importer); not thread-safe.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "outputs/trace/sqlite_db.h"
#include "outputs/trace/store_row.h"
#include "util/result.h"

namespace agentsight {

class store_writer {
  public:
    // Prepares the statements; `db` must already hold the current schema.
    static result<std::unique_ptr<store_writer>> create(sqlite3* db);

    // Inserts the event and updates the side tables. Returns SQLITE_OK or the
    // first failing SQLite result code (the caller rolls the batch back).
    int write(const store_row& row);

    // Rows carry a session id from the last session_start written.
    const std::string& session_id() const { return session_id_; }

  private:
    explicit store_writer(sqlite3* db) : db_(db) {}
    int write_process(const process_facts& f);
    int write_tls(const store_row& row, const tls_facts& f);
    int write_llm(const store_row& row, const llm_facts& f, int64_t event_id);
    int write_session(const store_row& row, const session_facts& f);

    sqlite3* db_;
    std::string session_id_;
    sqlite_stmt insert_event_, process_, tls_, llm_, session_start_, session_end_;
};

}  // namespace agentsight
