// SPDX-License-Identifier: Apache-2.0
// The SQLite trace store's schema (docs/store.md) and its version gate. The
// version lives in PRAGMA user_version and in the meta table, so both SQLite
// tools and our own reader can tell what they are looking at.
#pragma once

#include <sqlite3.h>

#include <string>

#include "util/result.h"

namespace agentsight {

// Bump on any change a reader of the previous version would misread.
inline constexpr int k_store_schema_version = 1;
inline constexpr const char* k_store_format_name = "agentsight-trace";

// A file about to be written: creates the schema in an empty database, accepts
// one of ours at the current version, refuses anything else with a message
// naming `path`. `agentsight_version` is recorded in meta for later messages.
status prepare_store_for_write(sqlite3* db, const std::string& path,
                               const std::string& agentsight_version);

// A file about to be read: ours, at the current version.
status check_store_for_read(sqlite3* db, const std::string& path);

}  // namespace agentsight
