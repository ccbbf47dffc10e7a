// SPDX-License-Identifier: Apache-2.0
// `agentsight report TRACE`: a readable summary of one recorded session (or --json). A trace
// recorded without correlation (raw, or from an older build) is correlated here first.
#include <cstdio>

#include "analysis/analysis.h"
#include "analysis/correlate/correlate.h"
#include "app/commands.h"
#include "app/fail.h"
#include "app/read_redaction.h"
#include "replay/trace_reader.h"
#include "report/report.h"

namespace agentsight::cli {

namespace {

struct report_opts {
    std::string trace, pricing, rules, working_dir;
    bool json = false;
    bool redact = true;
};

struct loaded_trace {
    std::vector<event> events;
    bool has_llm = false, has_tls = false, has_correlation = false;
};

loaded_trace load(const std::string& path) {
    auto reader = must(open_trace(path));
    loaded_trace t;
    event e;
    while (reader->next(e)) {
        if (auto* d = std::get_if<derived_event>(&e)) {
            t.has_llm = t.has_llm || d->type == "llm_call" || d->type == "http_exchange";
            t.has_correlation = t.has_correlation || d->type == "tool_exec" || d->type == "alert";
        }
        t.has_tls = t.has_tls || std::holds_alternative<tls_event>(e);
        t.events.push_back(std::move(e));
    }
    if (reader->failure()) throw failure(reader->failure()->message);
    if (t.events.empty()) throw failure(path + ": no events in this trace");
    return t;
}

// Runs `stages` over the events in order, ticking on event time like `analyze` does.
std::vector<event> run_stages(std::vector<std::unique_ptr<stage>>& stages,
                              std::vector<event> input) {
    std::vector<event> out;
    std::function<void(event, size_t)> run = [&](event e, size_t from) {
        for (size_t i = from; i < stages.size(); ++i)
            stages[i]->on_event(e, [&](event x) { run(std::move(x), i + 1); });
        out.push_back(std::move(e));
    };
    uint64_t last_tick = 0;
    for (auto& e : input) {
        uint64_t ts = std::visit([](const auto& v) { return v.ts_ns; }, e);
        if (ts > last_tick + 1'000'000'000ULL) {
            for (size_t i = 0; i < stages.size(); ++i)
                stages[i]->on_tick(ts, [&](event x) { run(std::move(x), i + 1); });
            last_tick = ts;
        }
        run(std::move(e), 0);
    }
    for (size_t i = 0; i < stages.size(); ++i)
        stages[i]->finish([&](event x) { run(std::move(x), i + 1); });
    return out;
}

std::vector<event> correlated(loaded_trace t, const report_opts& o) {
    if (t.has_correlation && o.rules.empty()) return std::move(t.events);
    std::vector<std::unique_ptr<stage>> stages;
    std::vector<event> input;
    if (!t.has_llm && t.has_tls) {
        // A raw capture: derive the LLM calls too (redacted below, like every trace read).
        stages.push_back(std::make_unique<analyzers::http_llm_analyzer>(60'000'000'000ULL));
    }
    stages.push_back(must(analyzers::make_correlator({o.rules, o.working_dir})));
    for (auto& e : t.events) {
        // Re-correlating (--rules): earlier links and alerts are replaced, not doubled.
        if (auto* d = std::get_if<derived_event>(&e);
            d && (d->type == "tool_exec" || d->type == "alert"))
            continue;
        input.push_back(std::move(e));
    }
    return run_stages(stages, std::move(input));
}

}  // namespace

command_fn add_report_command(CLI::App& app) {
    auto o = std::make_shared<report_opts>();
    auto* cmd = app.add_subcommand("report", "Summarize a recorded session");
    cmd->add_option("trace", o->trace, "Trace file (.db or .jsonl, '-' = stdin)")->required();
    cmd->add_flag("--json", o->json, "Print the summary as one JSON document");
    cmd->add_option("--pricing", o->pricing,
                    "Token prices, JSON like data/pricing.json (default: built in)");
    cmd->add_option("--rules", o->rules,
                    "Alert rules merged over the built-in data/rules.json; re-correlates");
    cmd->add_option("--workdir", o->working_dir,
                    "The agent's working directory, for write_outside_workdir");
    cmd->add_flag(
        "--no-redact", [o](int64_t) { o->redact = false; },
        "Print secrets as the trace holds them (a trace recorded with --no-redact, or by an "
        "older build, is redacted here by default)");
    return [o]() -> int {
        auto prices = must(analyzers::load_pricing(o->pricing));
        auto events = correlated(load(o->trace), *o);
        redact_read_events(events, o->redact);
        analyzers::report_builder builder(std::move(prices));
        for (const auto& e : events) builder.add(e);
        json report = builder.build(o->trace);
        // ensure_ascii: JSON already escapes C0 controls; this also spells out DEL, the
        // UTF-8-encoded C1 controls and bidi overrides, so the JSON is safe on a terminal too.
        // replace: a comm or argv that is not UTF-8 (a raw 0x9b) becomes U+FFFD instead of
        // aborting the report.
        std::string text = o->json
                               ? report.dump(2, ' ', true, json::error_handler_t::replace) + "\n"
                               : analyzers::render_report(report, 80);
        fwrite(text.data(), 1, text.size(), stdout);
        return 0;
    };
}

}  // namespace agentsight::cli
