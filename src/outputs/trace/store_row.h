// SPDX-License-Identifier: Apache-2.0
// What the SQLite writer thread needs from one event: its canonical JSON plus
// the few facts the side tables (processes, tls_connections, llm_calls,
// sessions) index. Extracted on the analysis thread so the hand-off queue holds
// one compact copy, never the event and its JSON both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "pipeline/event.h"
#include "pipeline/session/process_table.h"

namespace agentsight {

// A processes row: one process of the session model (pipeline/session) as it stands after a
// fork, exec or exit. The store writes it whole; it keeps no process model of its own.
struct process_facts {
    int32_t pid = 0;
    int32_t ppid = 0;  // at its last exec, else when first seen
    std::optional<uint32_t> uid;
    std::string comm;
    std::optional<std::string> filename;
    std::optional<std::string> argv_json;  // JSON array of strings
    std::optional<int64_t> start_ts;       // its fork, else its first exec
    std::optional<int64_t> exec_ts;
    std::optional<int64_t> exit_ts;
    std::optional<int64_t> exit_code;
    std::optional<int64_t> signal;
};

struct tls_facts {
    std::string conn;
    std::string comm;
    std::string lib;
    tls_direction direction = tls_direction::read;
    uint64_t len = 0;
};

struct llm_facts {
    std::string provider;
    std::string model;
    std::optional<int64_t> status;
    std::optional<int64_t> input_tokens;
    std::optional<int64_t> output_tokens;
    std::optional<int64_t> cache_read_tokens;
    std::optional<int64_t> cache_creation_tokens;
    std::optional<double> duration_ms;
    std::string error;
};

struct session_facts {
    bool start = true;
    std::string session_id;
    std::string command;
    std::string hostname;
    std::string agentsight_version;
    std::string stats_json;  // session_end only
};

using row_facts = std::variant<std::monostate, process_facts, tls_facts, llm_facts, session_facts>;

struct store_row {
    std::string json;
    std::string type;
    uint64_t ts_ns = 0;
    std::optional<int32_t> pid;
    row_facts facts;

    size_t approx_bytes() const { return sizeof(store_row) + json.size() * 2; }
};

// `json` must be event_to_json(e) (or the exact line it was read from). A process event's
// row carries no process_facts: see process_row.
store_row make_store_row(const event& e, std::string json);
// The processes row of `p`.
process_facts process_row(const session::process_life& p);

}  // namespace agentsight
