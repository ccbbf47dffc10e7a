// SPDX-License-Identifier: Apache-2.0
#include "analysis/analysis.h"

#include <algorithm>

#include "analysis/correlate/correlate.h"
#include "analysis/protocol/mcp_analyzer.h"

namespace agentsight::analyzers {

std::vector<std::unique_ptr<stage>> make_analysis_stages(const analysis_options& opts,
                                                         std::unique_ptr<stage> correlate) {
    std::vector<std::unique_ptr<stage>> stages;
    stages.push_back(std::make_unique<http_llm_analyzer>(opts.idle_timeout_ns));
    stages.push_back(std::make_unique<mcp_analyzer>());  // plaintext stdio streams only
    if (!correlate) correlate = std::make_unique<correlator>(default_rules(), std::string());
    stages.push_back(std::move(correlate));
    if (opts.redact) stages.push_back(std::make_unique<redact_stage>(redact_options{true}));
    return stages;
}

namespace {

// A minimal in-order runner: what pipeline::run does, without sinks or threads.
void run(std::vector<std::unique_ptr<stage>>& stages, event e, size_t from,
         std::vector<derived_event>& out) {
    for (size_t i = from; i < stages.size(); ++i) {
        stages[i]->on_event(e, [&](event emitted) { run(stages, std::move(emitted), i + 1, out); });
    }
    if (auto* d = std::get_if<derived_event>(&e)) out.push_back(std::move(*d));
}

}  // namespace

std::vector<derived_event> analyze_streams(std::string_view client_bytes,
                                           std::string_view server_bytes, size_t record_size,
                                           const analysis_options& opts) {
    auto stages = make_analysis_stages(opts);
    std::vector<derived_event> out;
    record_size = std::max<size_t>(record_size, 1);
    uint64_t ts = 1'700'000'000'000'000'000ULL;
    auto send = [&](std::string_view bytes, tls_direction dir) {
        for (size_t at = 0; at < bytes.size(); at += record_size) {
            tls_event t;
            t.ts_ns = ts += 1000;
            t.pid = 1;
            t.tid = 1;
            t.comm = "bench";
            t.conn = "1:bench";
            t.direction = dir;
            t.data.assign(bytes.substr(at, record_size));
            t.len = t.data.size();
            run(stages, event(std::move(t)), 0, out);
        }
    };
    send(client_bytes, tls_direction::write);
    send(server_bytes, tls_direction::read);
    for (size_t i = 0; i < stages.size(); ++i)
        stages[i]->finish([&](event e) { run(stages, std::move(e), i + 1, out); });
    return out;
}

}  // namespace agentsight::analyzers
