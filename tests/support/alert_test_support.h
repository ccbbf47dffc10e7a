// SPDX-License-Identifier: Apache-2.0
// Events built in place for the alert-rule tests (alerts_test.cpp, threats_test.cpp): an agent
// (pid 7100, "claude") under a traced root, and a runner that collects the alerts.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/correlate/correlate.h"
#include "tests/support/event_builders.h"

namespace agentsight::analyzers {
namespace {

constexpr uint64_t T = 1767225600000000000ULL;
constexpr uint64_t ms = 1'000'000ULL;
constexpr int32_t agent = 7100;

using test::proc;

// The alert tests' name for test::exec_of.
process_event exec(uint64_t ts, int32_t pid, int32_t ppid, std::vector<std::string> argv) {
    return test::exec_of(ts, pid, ppid, std::move(argv));
}

process_event open_file(uint64_t ts, int32_t pid, std::string path, int32_t flags = 0) {
    auto e = proc(process_event_type::file_open, ts, pid, pid == agent ? 7000 : agent,
                  pid == agent ? "claude" : "sh");
    e.path = std::move(path);
    e.flags = flags;
    e.ret = 3;
    return e;
}

process_event connect(uint64_t ts, int32_t pid, std::string addr, uint16_t port) {
    auto e = proc(process_event_type::connect, ts, pid, pid == agent ? 7000 : agent,
                  pid == agent ? "claude" : "nc");
    e.family = 2;
    e.addr = std::move(addr);
    e.port = port;
    return e;
}

json llm_body(uint64_t ts, json tool_calls = json::array(), int status = 200,
              std::string host = "api.anthropic.com") {
    return {{"type", "llm_call"},
            {"ts", ts},
            {"pid", agent},
            {"comm", "claude"},
            {"conn", "7100:aa"},
            {"provider", "anthropic"},
            {"host", host},
            {"model", "claude-sonnet-4-5"},
            {"status", status},
            {"user_prompt", "do it"},
            {"tool_results", json::array()},
            {"response", {{"text", ""}, {"tool_calls", tool_calls}, {"stop_reason", "tool_use"}}},
            {"error", status >= 400 ? json("overloaded") : json(nullptr)},
            {"duration_ms", 10.0}};
}

event derived(const json& body) {
    return event(derived_event{body["type"], body["ts"].get<uint64_t>(), body});
}

struct run {
    explicit run(rule_set rules = default_rules(), std::string workdir = "/home/dev/proj")
        : c(std::move(rules), std::move(workdir)) {
        push(exec(T, agent, 7000, {"claude"}));
    }
    void push(event e) {
        c.on_event(e, emit);
        uint64_t ts = std::visit([](const auto& v) { return v.ts_ns; }, e);
        c.on_tick(ts, emit);
    }
    void answer(uint64_t ts) { push(derived(llm_body(ts))); }
    std::vector<json> alerts(const std::string& rule) {
        c.finish(emit);
        std::vector<json> found;
        for (const auto& a : out)
            if (a["rule"] == rule) found.push_back(a);
        return found;
    }
    correlator c;
    std::vector<json> out;
    emit_fn emit = [this](event e) {
        if (auto* d = std::get_if<derived_event>(&e); d && d->type == "alert")
            out.push_back(d->body);
    };
};

}  // namespace
}  // namespace agentsight::analyzers
