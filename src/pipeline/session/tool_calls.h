// SPDX-License-Identifier: Apache-2.0
// The tool-call lifecycle of a session, the one model of it (issue 17): a call is pending
// from the llm_call whose response asks for it, linked once activity (or its tool_exec) is
// tied to it, and answered when a later llm_call carries its result. The correlator and the
// OTLP span builder read it; each keeps only what it builds from it (linked evidence, spans).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/event.h"

namespace agentsight::session {

struct tool_call {
    std::string call_id, name;
    bool requested = false;  // its llm_call was seen (false: known only from a tool_exec)
    uint64_t llm_ts = 0;     // the asking llm_call's ts and the end of its response
    uint64_t llm_end_ts = 0;
    std::string conn;  // the asking llm_call's connection and pid
    int32_t agent_pid = 0;
    bool linked = false;       // activity or a tool_exec is tied to it
    bool result_seen = false;  // a later llm_call carried its result
    bool is_error = false;
    uint64_t result_llm_ts = 0;  // ts of the llm_call that carried the result
    bool closed = false;         // its consumer is done with it
};

// One llm_call's part in the lifecycle. Pointers into the llm_call body and the table:
// valid until the next change to either.
struct tool_turn {
    struct result {
        std::string call_id;
        const json* content = nullptr;
        tool_call* call = nullptr;  // set when this answers an open call for the first time
    };
    struct request {
        std::string call_id, name;
        const json* input = nullptr;
        tool_call* call = nullptr;  // set when this opened the call (not seen before)
    };
    std::vector<result> results;    // results come first: they answer earlier turns
    std::vector<request> requests;  // in the response's order
};

// When an llm_call's response ended: its ts plus its duration_ms.
uint64_t llm_call_end(const json& llm, uint64_t ts);

class tool_calls {
  public:
    // Applies one llm_call body at `ts`, its response ending at `end_ts`.
    tool_turn on_llm_call(const json& llm, uint64_t ts, uint64_t end_ts);
    // A tool_exec names `call_id`: it is linked. A call never requested is opened for it.
    tool_call& on_tool_exec(const std::string& call_id, const std::string& name);
    void link(tool_call& c) { c.linked = true; }

    tool_call* find(const std::string& call_id);  // an open call
    // An open call, or one of the newest k_max_closed closed ones: what an alert raised
    // after the call ended still names.
    const tool_call* recall(const std::string& call_id) const;
    bool closed(const std::string& call_id) const;
    // Open calls by arrival.
    const std::deque<std::string>& open() const { return order_; }
    // Done with it: later results and repeated requests for it are ignored.
    void close(const std::string& call_id);
    void clear();

  private:
    tool_call& open_call(const std::string& call_id);

    // Open calls and the newest k_max_closed closed ones, by id: closing only marks a call.
    std::unordered_map<std::string, tool_call> calls_;
    std::deque<std::string> order_;         // open calls by arrival
    std::deque<std::string> closed_order_;  // closed calls, oldest first
};

}  // namespace agentsight::session
