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

namespace agentsight {

struct process_facts {
    process_event_type type = process_event_type::exec;
    int32_t ppid = 0;
    uint32_t uid = 0;
    std::string comm;
    std::string filename;
    std::string argv_json;  // JSON array of strings
    int32_t child_pid = 0;
    int32_t exit_code = 0;
    int32_t signal = 0;
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

// `json` must be event_to_json(e) (or the exact line it was read from).
store_row make_store_row(const event& e, std::string json);

}  // namespace agentsight
