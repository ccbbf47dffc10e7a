// SPDX-License-Identifier: Apache-2.0
// The session path (Google Benchmark; see docs/benchmarks.md): a synthetic agent session of
// tool calls, each a bash that forks a cat which reads a file, fed through
//   BM_correlate_tool_session     the correlator (tool linking, alert rules): events/s
//   BM_otlp_spans_tool_session    the OTLP span builder (chat, tool and process spans): events/s
// Both read the session model (pipeline/session); this measures what reading it costs.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "analysis/correlate/correlate.h"
#include "outputs/otlp/otlp_span_builder.h"

namespace {

using namespace agentsight;

constexpr uint64_t k_t0 = 1'800'000'000'000'000'000ULL;
constexpr uint64_t k_ms = 1'000'000ULL;

process_event proc(process_event_type type, uint64_t ts, int32_t pid, int32_t ppid,
                   const std::string& comm) {
    process_event e;
    e.type = type;
    e.ts_ns = ts;
    e.pid = pid;
    e.ppid = ppid;
    e.comm = comm;
    return e;
}

// One llm_call asking for tool call `i` and answering call i-1, then what call i ran.
void add_turn(std::vector<event>& out, int i, uint64_t& ts) {
    const std::string id = "toolu_" + std::to_string(i), path = "/tmp/f_" + std::to_string(i);
    json llm = {{"type", "llm_call"},
                {"pid", 100},
                {"conn", "100:7"},
                {"host", "api.x.com"},
                {"duration_ms", 5.0}};
    llm["response"]["tool_calls"] = {
        {{"id", id}, {"name", "Bash"}, {"input", {{"command", "cat " + path}}}}};
    if (i > 0)
        llm["tool_results"] = {
            {{"tool_call_id", "toolu_" + std::to_string(i - 1)}, {"is_error", false}}};
    out.push_back(derived_event{"llm_call", ts, std::move(llm)});
    const int32_t bash = 1000 + 2 * (i % 10000), cat = bash + 1;
    auto next = [&] { return ts += k_ms; };
    process_event fork = proc(process_event_type::fork, next(), 100, 1, "claude");
    fork.child_pid = bash;
    out.push_back(fork);
    process_event exec = proc(process_event_type::exec, next(), bash, 100, "bash");
    exec.filename = "/bin/bash";
    exec.argv = {"bash", "-c", "cat " + path};
    out.push_back(exec);
    process_event fork2 = proc(process_event_type::fork, next(), bash, 100, "bash");
    fork2.child_pid = cat;
    out.push_back(fork2);
    process_event exec2 = proc(process_event_type::exec, next(), cat, bash, "cat");
    exec2.filename = "/bin/cat";
    exec2.argv = {"cat", path};
    out.push_back(exec2);
    process_event open = proc(process_event_type::file_open, next(), cat, bash, "cat");
    open.path = path;
    open.ret = 3;
    out.push_back(open);
    out.push_back(proc(process_event_type::exit, next(), cat, bash, "cat"));
    out.push_back(proc(process_event_type::exit, next(), bash, 100, "bash"));
    ts += 100 * k_ms;
}

const std::vector<event>& session_events() {
    static const std::vector<event> events = [] {
        std::vector<event> out;
        uint64_t ts = k_t0;
        json start = {{"type", "session_start"},
                      {"session_id", "s"},
                      {"pid", 100},
                      {"cwd", "/tmp"},
                      {"command", "claude"}};
        out.push_back(derived_event{"session_start", ts, std::move(start)});
        process_event agent = proc(process_event_type::exec, ts += k_ms, 100, 1, "claude");
        agent.filename = "/usr/bin/claude";
        agent.argv = {"claude"};
        out.push_back(agent);
        for (int i = 0; i < 2000; ++i) add_turn(out, i, ts);
        return out;
    }();
    return events;
}

uint64_t ts_of(const event& e) {
    return std::visit([](const auto& v) { return v.ts_ns; }, e);
}

void BM_correlate_tool_session(benchmark::State& state) {
    const auto& events = session_events();
    size_t emitted = 0;
    for (auto _ : state) {
        analyzers::correlator c(analyzers::default_rules(), "/tmp");
        emitted = 0;
        emit_fn emit = [&](event) { ++emitted; };
        uint64_t last_tick = 0;
        for (const auto& in : events) {
            event e = in;
            const uint64_t ts = ts_of(e);
            if (ts > last_tick + 1'000'000'000ULL) {
                c.on_tick(ts, emit);
                last_tick = ts;
            }
            c.on_event(e, emit);
        }
        c.finish(emit);
    }
    if (emitted == 0) state.SkipWithError("the correlator emitted nothing");
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(events.size()));
    state.counters["emitted"] = double(emitted);
}
BENCHMARK(BM_correlate_tool_session)->Unit(benchmark::kMillisecond);

void BM_otlp_spans_tool_session(benchmark::State& state) {
    const auto& events = session_events();
    // The tool_exec events the correlator would emit, so tool spans get their processes.
    std::vector<event> with_tools;
    {
        analyzers::correlator c(analyzers::default_rules(), "/tmp");
        emit_fn emit = [&](event e) { with_tools.push_back(std::move(e)); };
        for (const auto& in : events) {
            event e = in;
            c.on_event(e, emit);
            with_tools.push_back(std::move(e));
        }
        c.finish(emit);
    }
    size_t spans = 0;
    for (auto _ : state) {
        otlp_span_builder b({}, 42);
        std::vector<otlp_span> out;
        for (const auto& e : with_tools) {
            b.on_event(e, out);
            spans += out.size();
            out.clear();
        }
        b.finish(k_t0, out);
        spans += out.size();
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(with_tools.size()));
    state.counters["spans"] = double(spans) / double(state.iterations());
}
BENCHMARK(BM_otlp_spans_tool_session)->Unit(benchmark::kMillisecond);

}  // namespace
