// SPDX-License-Identifier: Apache-2.0
#include "pipeline/session/tool_calls.h"

#include <algorithm>

#include "util/json_get.h"

namespace agentsight::session {

namespace {

constexpr size_t k_max_closed = 4096;  // calls remembered after they were closed

const json* member(const json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

}  // namespace

uint64_t llm_call_end(const json& llm, uint64_t ts) {
    const double ms = json_get(llm, "duration_ms", 0.0);
    return ts + static_cast<uint64_t>(ms > 0 ? ms * 1e6 : 0);
}

tool_call& tool_calls::open_call(const std::string& call_id) {
    tool_call& c = calls_[call_id];
    if (c.closed) {  // a tool_exec for a call already done with: a new call of that id
        std::erase(closed_order_, call_id);
        c = tool_call{};
    }
    c.call_id = call_id;
    order_.push_back(call_id);
    return c;
}

tool_turn tool_calls::on_llm_call(const json& llm, uint64_t ts, uint64_t end_ts) {
    tool_turn turn;
    if (const json* results = member(llm, "tool_results"); results && results->is_array()) {
        for (const auto& r : *results) {
            tool_turn::result out{json_get(r, "tool_call_id", ""), member(r, "content"), nullptr};
            if (tool_call* c = find(out.call_id); c && !c->result_seen) {
                c->result_seen = true;
                c->is_error = json_get(r, "is_error", false);
                c->result_llm_ts = ts;
                out.call = c;
            }
            turn.results.push_back(std::move(out));
        }
    }
    const json* response = member(llm, "response");
    const json* calls = response ? member(*response, "tool_calls") : nullptr;
    if (!calls || !calls->is_array()) return turn;
    for (const auto& c : *calls) {
        tool_turn::request out{json_get(c, "id", ""), json_get(c, "name", ""), member(c, "input"),
                               nullptr};
        if (!out.call_id.empty() && !calls_.count(out.call_id)) {
            tool_call& t = open_call(out.call_id);
            t.name = out.name;
            t.requested = true;
            t.llm_ts = ts;
            t.llm_end_ts = end_ts;
            t.conn = json_get(llm, "conn", "");
            t.agent_pid = json_get(llm, "pid", 0);
            out.call = &t;
        }
        turn.requests.push_back(std::move(out));
    }
    return turn;
}

tool_call& tool_calls::on_tool_exec(const std::string& call_id, const std::string& name) {
    tool_call* c = find(call_id);
    if (!c) {
        c = &open_call(call_id);
        c->name = name;
    }
    c->linked = true;
    return *c;
}

tool_call* tool_calls::find(const std::string& call_id) {
    auto it = calls_.find(call_id);
    return it == calls_.end() || it->second.closed ? nullptr : &it->second;
}

const tool_call* tool_calls::recall(const std::string& call_id) const {
    auto it = calls_.find(call_id);
    return it == calls_.end() ? nullptr : &it->second;
}

bool tool_calls::closed(const std::string& call_id) const {
    const tool_call* c = recall(call_id);
    return c && c->closed;
}

void tool_calls::close(const std::string& id) {
    const std::string call_id = id;  // `id` may be an element of order_, erased below
    tool_call* c = find(call_id);
    if (!c) return;
    c->closed = true;
    std::erase(order_, call_id);
    closed_order_.push_back(call_id);
    if (closed_order_.size() > k_max_closed) {
        calls_.erase(closed_order_.front());
        closed_order_.pop_front();
    }
}

void tool_calls::clear() {
    calls_.clear();
    order_.clear();
    closed_order_.clear();
}

}  // namespace agentsight::session
