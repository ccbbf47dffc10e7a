// SPDX-License-Identifier: Apache-2.0
// Everything the UI shows, in memory: an append-only, indexed store of events
// with paging and filters that stay fast at 100k+ events, plus the views built
// as events arrive (process tree, sessions, LLM calls linked to tool runs).
// Thread-safe: one writer (a trace load or the live sink), many HTTP readers.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/event.h"
#include "ui/process_tree.h"

namespace agentsight::server {

// Filters combine with AND. Results are in time order (ts, then arrival).
struct event_query {
    std::vector<std::string> types;  // any of these; empty = every type
    std::optional<int32_t> pid;      // the event's pid, or one of a tool_exec/alert's pids[]
    std::string text;                // case-insensitive substring of the event's values
    uint64_t since_ns = 0;           // inclusive
    uint64_t until_ns = std::numeric_limits<uint64_t>::max();  // inclusive
    size_t offset = 0;
    size_t limit = 100;
};

struct event_page {
    size_t total = 0;                // matches before paging
    std::vector<std::string> items;  // event JSON objects with "_seq" added
};

struct session_info {
    uint64_t start_seq = 0;
    uint64_t end_seq = 0;  // 0 while the session is open
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;  // last event seen so far while open
    std::string start_json;
    std::string end_json;  // empty while open
    size_t events = 0;     // events with start_ns <= ts <= end_ns
    size_t llm_calls = 0;
};

// One tool call of an llm_call's response and what it caused.
struct linked_tool_call {
    std::string call_id;
    uint64_t tool_exec_seq = 0;  // 0: no tool_exec names this call (yet)
    std::string tool_exec_json;
    std::vector<process_node> processes;  // the tool_exec's pids, in its order
};

struct llm_call_view {
    uint64_t seq = 0;
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;
    std::string label;  // the model, or the provider
    // The call without request.system/messages/tools (which repeat the whole
    // conversation every turn); "request" keeps only counts. Full body: event_json().
    std::string summary_json;
    std::vector<linked_tool_call> tools;
};

struct tool_exec_view {
    uint64_t seq = 0;
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;
    std::string call_id;
    std::string tool_name;
    std::vector<int32_t> pids;
    int64_t exit_code = 0;
};

// A point on the timeline: a file, network or alert event.
struct event_point {
    uint64_t seq = 0;
    uint64_t ts_ns = 0;
    int32_t pid = 0;
    std::string type;
    std::string label;
};

struct store_stats {
    size_t events = 0;
    uint64_t last_seq = 0;
    uint64_t first_ns = 0;
    uint64_t last_ns = 0;
    std::vector<std::pair<std::string, size_t>> types;  // by count, descending
    size_t processes = 0;
    size_t sessions = 0;
    size_t llm_calls = 0;
    size_t llm_errors = 0;
    uint64_t input_tokens = 0;
    uint64_t output_tokens = 0;
    uint64_t cache_read_tokens = 0;
    uint64_t cache_creation_tokens = 0;
    size_t tool_execs = 0;
    size_t alerts = 0;
    size_t bytes = 0;  // approximate memory held by event text
};

class event_store {
  public:
    // Payload bytes of a tls event kept for display; the rest is counted in
    // "_clipped". Raw plaintext can be gigabytes and the UI shows a preview.
    static constexpr size_t k_tls_data_keep = 16 * 1024;
    static constexpr size_t k_max_page = 5000;

    void add(const event& e);

    uint64_t last_seq() const;
    // The ts of the first event added; timeline offsets are relative to it.
    uint64_t origin_ns() const;

    event_page query(const event_query& q) const;
    std::optional<std::string> event_json(uint64_t seq) const;
    // Up to `max` events with seq > after_seq, in arrival order.
    std::vector<std::string> events_after(uint64_t after_seq, size_t max) const;

    std::vector<session_info> sessions() const;
    std::vector<llm_call_view> llm_calls(uint64_t since_ns, uint64_t until_ns,
                                         uint64_t after_seq = 0) const;
    std::vector<tool_exec_view> tool_execs(uint64_t after_seq = 0) const;
    // Nodes changed by an event with seq > after_seq (all of them for 0).
    std::vector<process_node> process_nodes(uint64_t after_seq = 0) const;
    std::vector<event_point> points(const std::vector<std::string>& types,
                                    uint64_t after_seq = 0) const;
    store_stats stats() const;

    // Blocks until an event with seq > after_seq exists, the timeout passes or
    // wake_all() is called; returns last_seq(). This is how live readers
    // (the SSE stream) subscribe.
    uint64_t wait_for_events(uint64_t after_seq, std::chrono::milliseconds timeout) const;
    void wake_all() const;

  private:
    struct stored_event {
        uint64_t ts_ns = 0;
        int32_t pid = 0;
        uint16_t type_id = 0;
        std::string json;         // with "_seq"
        std::string search_text;  // lowercase
        std::string label;
    };
    struct llm_record {
        uint32_t id = 0;
        uint64_t start_ns = 0;
        uint64_t end_ns = 0;
        std::string summary_json;
        std::vector<std::string> tool_call_ids;
    };
    struct tool_record {
        uint32_t id = 0;
        tool_exec_view view;
    };

    uint16_t type_id_locked(const std::string& type);
    void index_locked(uint32_t id, const std::vector<int32_t>& extra_pids);
    void on_derived_locked(const derived_event& e, uint32_t id);
    void on_session_locked(const derived_event& e, uint32_t id);
    bool matches_locked(const stored_event& s, const event_query& q,
                        const std::vector<bool>& type_ok, bool pid_checked,
                        const std::string& needle) const;
    bool select_types_locked(const std::vector<std::string>& types, std::vector<bool>& type_ok,
                             std::vector<const std::vector<uint32_t>*>& type_lists) const;
    std::vector<uint32_t> merge_by_time_locked(
        const std::vector<const std::vector<uint32_t>*>& lists) const;
    size_t count_in_range_locked(const std::vector<uint32_t>& ids, uint64_t since,
                                 uint64_t until) const;
    linked_tool_call link_locked(const std::string& call_id) const;

    mutable std::shared_mutex mu_;
    mutable std::condition_variable_any cv_;
    mutable std::atomic<uint64_t> wake_gen_{0};

    std::vector<stored_event> events_;  // seq = index + 1
    std::vector<std::string> type_names_;
    std::unordered_map<std::string, uint16_t> type_ids_;
    std::vector<uint32_t> by_time_;                              // all ids, by (ts, id)
    std::vector<std::vector<uint32_t>> by_type_;                 // per type id, by (ts, id)
    std::unordered_map<int32_t, std::vector<uint32_t>> by_pid_;  // by (ts, id)

    process_tree tree_;
    std::vector<session_info> sessions_;
    std::vector<std::string> session_keys_;  // parallel to sessions_: matching id, may be empty
    std::vector<llm_record> llm_;
    std::vector<tool_record> tools_;
    std::unordered_map<std::string, size_t> tool_by_call_;  // call_id -> tools_ index
    store_stats totals_;
    uint64_t origin_ns_ = 0;
};

}  // namespace agentsight::server
