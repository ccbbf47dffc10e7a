// SPDX-License-Identifier: Apache-2.0
// Turns the event stream into OpenTelemetry GenAI spans (docs/otlp.md):
//   invoke_agent {agent}      the session, root, INTERNAL
//   ├─ chat {model}            one per llm_call, CLIENT
//   ├─ execute_tool {name}     one per tool call, INTERNAL, linked to its chat span
//   │   └─ process {comm}      processes the tool ran (tool_exec.pids), nested by ppid
// Spans come out as soon as they are complete; the root at session_end or finish().
// Single-threaded: the OTLP sink calls it from the analysis thread.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "outputs/otlp/otlp_metrics.h"
#include "outputs/otlp/otlp_model.h"
#include "pipeline/event.h"
#include "pipeline/session/process_table.h"
#include "pipeline/session/tool_calls.h"

namespace agentsight {

struct otlp_builder_options {
    bool capture_content = false;  // prompts, responses, tool arguments and results
    std::string session_id;        // until a session_start names one; "" makes a new id
    size_t max_tracked_processes = 16384;
    int tool_grace_ticks = 2;    // ticks to wait for a tool_exec after the tool's result is seen
    int result_wait_ticks = 30;  // ticks to wait for the result after a tool_exec
};

class otlp_span_builder {
  public:
    explicit otlp_span_builder(otlp_builder_options options,
                               uint64_t seed = std::random_device{}());

    void on_event(const event& e, std::vector<otlp_span>& out);
    void on_tick(std::vector<otlp_span>& out);
    // Ends everything still open (the session, running tools and processes) at
    // the last event's time, or `now_ns` when there was none.
    void finish(uint64_t now_ns, std::vector<otlp_span>& out);

    genai_metrics& metrics() { return metrics_; }
    const std::string& session_id() const { return session_.id; }

  private:
    struct session_state {
        bool active = false;
        std::string id, trace_id, span_id;
        uint64_t start_ns = 0, last_ns = 0;
        std::string command, agent_name;
        std::vector<otlp_span_event> alerts;
        int64_t llm_calls = 0, tool_calls = 0;
    };
    // A span waiting for its tool call to be complete in the session's tool lifecycle.
    struct pending_tool {
        const session::tool_call* call = nullptr;
        std::string span_id, chat_span_id;
        uint64_t start_ns = 0, end_ns = 0;
        std::string arguments, result;
        json exec;  // the tool_exec event, once it arrived
        uint64_t exec_end_ns = 0;
        int ticks_left = -1;  // counting down to emitting it with what is known
    };
    // A process a tool_exec claimed: its span. Its facts are the session's process_life.
    struct process_span {
        std::string span_id, parent_span_id;
        uint64_t start_ns = 0;
        bool emitted = false;
    };

    void begin_session(std::string id, uint64_t ts_ns, std::string command);
    void ensure_session(uint64_t ts_ns);
    void end_session(uint64_t end_ns, const json* stats, std::vector<otlp_span>& out);
    void on_process(const process_event& p, std::vector<otlp_span>& out);
    // `body` is the call's JSON, for the session model's tool turn (pipeline/session).
    void on_llm_call(const events::llm_call& c, const json& body, std::vector<otlp_span>& out);
    void on_tool_turn(const json& b, uint64_t ts_ns, uint64_t start, uint64_t end,
                      const std::string& chat_span_id, std::vector<otlp_span>& out);
    void on_tool_exec(const json& b, uint64_t ts_ns, std::vector<otlp_span>& out);
    void on_alert(const json& b, uint64_t ts_ns);
    void claim_processes(const json& tool_exec, const pending_tool& t, std::vector<otlp_span>& out);
    void close_tool(std::map<std::string, pending_tool>::iterator it, std::vector<otlp_span>& out);
    void emit_tool(pending_tool& t, std::vector<otlp_span>& out);
    void emit_process(const session::process_life& p, process_span& span, uint64_t end_ns,
                      std::vector<otlp_span>& out);
    void evict_processes();
    otlp_span make_span(std::string name, span_kind kind, std::string parent, uint64_t start,
                        uint64_t end);
    std::string new_id(int bytes);

    otlp_builder_options options_;
    std::mt19937_64 rng_;
    session_state session_;
    // The session model as this sink sees it (after redaction), cleared with each session.
    session::process_table procs_;
    session::tool_calls calls_;
    std::map<std::string, pending_tool> tools_;       // by tool call id, one per calls_.open()
    std::map<uint64_t, process_span> process_spans_;  // by process_life id
    genai_metrics metrics_;
};

}  // namespace agentsight
