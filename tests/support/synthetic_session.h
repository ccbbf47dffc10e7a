// SPDX-License-Identifier: Apache-2.0
// A small Claude Code-like recording for sink tests: the agent asks the model,
// the model calls Bash, bash runs cat, the agent sends the result back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/event.h"
#include "pipeline/session_events.h"
#include "tests/support/event_builders.h"

namespace agentsight::test {

inline constexpr uint64_t k_t0 = 1'750'000'000'000'000'000ull;
inline constexpr uint64_t k_ms = 1'000'000ull;
inline const std::string k_session_id = "6f1c2a9e-0d4b-4c1e-9a7f-3b2d1e0c9a8b";

inline process_event exit_of(uint64_t ts, int32_t pid, int32_t ppid, std::string comm, int code) {
    auto p = proc(process_event_type::exit, ts, pid, ppid, std::move(comm));
    p.exit_code = code;
    p.duration_ns = 10 * k_ms;
    return p;
}

inline tls_event tls_of(uint64_t ts, tls_direction dir, std::string data) {
    tls_event t;
    t.ts_ns = ts;
    t.pid = 100;
    t.tid = 101;
    t.comm = "claude";
    t.conn = "100:7f3a9c001200";
    t.direction = dir;
    t.len = data.size();
    t.data = std::move(data);
    return t;
}

inline derived_event derived(json body) {
    std::string type = body["type"].get<std::string>();
    uint64_t ts = body["ts"].get<uint64_t>();
    return derived_event(std::move(type), ts, std::move(body));
}

inline json first_llm_call() {
    return json::parse(R"({
      "type": "llm_call", "ts": 1750000001510000000, "pid": 100, "tid": 101, "comm": "claude",
      "conn": "100:7f3a9c001200", "provider": "anthropic", "api": "messages",
      "host": "api.anthropic.com", "method": "POST", "path": "/v1/messages",
      "model": "claude-sonnet-4-5", "response_model": "claude-sonnet-4-5-20250929",
      "response_id": "msg_01", "stream": true, "status": 200,
      "request": {"system": "You are Claude Code.",
                  "messages": [{"role": "user", "content": "What is in notes.txt?"}],
                  "tools": ["Bash", "Read"], "max_tokens": 32000},
      "user_prompt": "What is in notes.txt?", "tool_results": [],
      "response": {"text": "Let me look.", "thinking": "",
                   "tool_calls": [{"id": "toolu_01", "name": "Bash",
                                   "input": {"command": "cat notes.txt"}}],
                   "stop_reason": "tool_use"},
      "usage": {"input_tokens": 1200, "output_tokens": 80, "cache_read_tokens": 1000,
                "cache_creation_tokens": 50},
      "error": null, "start": 1750000000010000000, "ttft_ms": 420.5, "duration_ms": 1500,
      "incomplete": false})");
}

inline json second_llm_call() {
    return json::parse(R"({
      "type": "llm_call", "ts": 1750000002600000000, "pid": 100, "tid": 101, "comm": "claude",
      "conn": "100:7f3a9c001200", "provider": "anthropic", "api": "messages",
      "host": "api.anthropic.com", "method": "POST", "path": "/v1/messages",
      "model": "claude-sonnet-4-5", "response_model": "claude-sonnet-4-5-20250929",
      "response_id": "msg_02", "stream": true, "status": 200,
      "request": {"system": "You are Claude Code.",
                  "messages": [{"role": "user", "content": "What is in notes.txt?"},
                               {"role": "assistant", "content": "Let me look.",
                                "tool_calls": [{"id": "toolu_01", "name": "Bash",
                                                "input": {"command": "cat notes.txt"}}]},
                               {"role": "user", "content": "",
                                "tool_results": [{"tool_call_id": "toolu_01",
                                                  "content": "hello\n", "is_error": false}]}],
                  "tools": ["Bash", "Read"], "max_tokens": 32000},
      "user_prompt": "", "tool_results": [{"tool_call_id": "toolu_01", "content": "hello\n",
                                           "is_error": false}],
      "response": {"text": "The file says hello.", "thinking": "", "tool_calls": [],
                   "stop_reason": "end_turn"},
      "usage": {"input_tokens": 1300, "output_tokens": 12, "cache_read_tokens": 1200,
                "cache_creation_tokens": 0},
      "error": null, "start": 1750000001700000000, "ttft_ms": 300, "duration_ms": 900,
      "incomplete": false})");
}

inline json tool_exec_body() {
    return json::parse(R"({
      "type": "tool_exec", "ts": 1750000001700000000, "call_id": "toolu_01", "tool_name": "Bash",
      "pids": [200, 201], "files": ["notes.txt"], "connections": [], "exit_code": 0,
      "duration_ms": 12, "llm_call": "msg_01"})");
}

// The whole recording, in the order the pipeline would hand it to a sink.
inline std::vector<event> synthetic_session() {
    std::vector<event> v;
    session_info info{k_session_id, k_t0, "claude -p 'What is in notes.txt?'", "devbox", "0.1.0"};
    v.push_back(make_session_start(info));
    v.push_back(exec_of(k_t0 + 1 * k_ms, 100, 1, "claude", "/usr/bin/claude",
                        {"claude", "-p", "What is in notes.txt?"}));
    v.push_back(tls_of(k_t0 + 10 * k_ms, tls_direction::write,
                       "POST /v1/messages HTTP/1.1\r\nhost: api.anthropic.com\r\n\r\n{}"));
    v.push_back(tls_of(k_t0 + 1500 * k_ms, tls_direction::read,
                       std::string("\x1f\x8b\x08\x00\xff\xfe binary", 13)));
    v.push_back(derived(first_llm_call()));
    v.push_back(fork_of(k_t0 + 1600 * k_ms, 100, 200, "claude"));
    v.push_back(exec_of(k_t0 + 1601 * k_ms, 200, 100, "bash", "/usr/bin/bash",
                        {"bash", "-c", "cat notes.txt"}));
    v.push_back(fork_of(k_t0 + 1604 * k_ms, 200, 201, "bash"));
    v.push_back(exec_of(k_t0 + 1605 * k_ms, 201, 200, "cat", "/usr/bin/cat",
                        {"cat", "notes.txt", std::string("\xff\xfe", 2)}));
    auto open = proc(process_event_type::file_open, k_t0 + 1606 * k_ms, 201, 200, "cat");
    open.path = "notes.txt";
    open.ret = 3;
    v.push_back(open);
    v.push_back(exit_of(k_t0 + 1610 * k_ms, 201, 200, "cat", 0));
    v.push_back(exit_of(k_t0 + 1612 * k_ms, 200, 100, "bash", 0));
    v.push_back(derived(tool_exec_body()));
    v.push_back(derived(second_llm_call()));
    v.push_back(derived(json::parse(R"({"type": "alert", "ts": 1750000002700000000,
        "rule": "secret_read", "severity": "warning", "message": "read of notes.txt",
        "pids": [201], "events": []})")));
    v.push_back(exit_of(k_t0 + 2900 * k_ms, 100, 1, "claude", 0));
    v.push_back(
        make_session_end(k_session_id, k_t0 + 3000 * k_ms, json{{"events", 17}, {"llm_calls", 2}}));
    return v;
}

}  // namespace agentsight::test
