// The analysis chain for fuzz_llm and fuzz_analysis: analyze_streams
// (src/analyzers/analysis.cpp) with two per-input costs taken out, and nothing it checks.
//  - Records: at most fuzz::k_max_records per stream (see fuzz_input.h). The fuzzed record
//    size is kept unless a stream is long enough to need more: then ceil(size / 64).
//  - Rules: the correlator gets the built-in rules parsed once per process. analyze_streams
//    parses them (JSON) for every input, a fifth of fuzz_llm's time; they are the same rules.
// The stages themselves are built fresh for every input, by make_analysis_stages, so no
// state carries from one input to the next.
#pragma once

#include <algorithm>
#include <memory>
#include <string_view>
#include <vector>

#include "analyzers/analysis.h"
#include "analyzers/correlate.h"
#include "analyzers/rules.h"
#include "fuzz_input.h"

namespace agentsight::fuzz {

namespace chain_detail {

// What analyze_streams' runner does: each stage's output goes through the later stages.
inline void run(std::vector<std::unique_ptr<stage>>& stages, event e, size_t from,
                std::vector<derived_event>& out) {
    for (size_t i = from; i < stages.size(); ++i) {
        stages[i]->on_event(e, [&](event emitted) { run(stages, std::move(emitted), i + 1, out); });
    }
    if (auto* d = std::get_if<derived_event>(&e)) out.push_back(std::move(*d));
}

}  // namespace chain_detail

inline std::vector<derived_event> analyze_streams(std::string_view client_bytes,
                                                  std::string_view server_bytes, size_t record_size,
                                                  const analyzers::analysis_options& opts = {}) {
    static const analyzers::rule_set rules = analyzers::default_rules();
    auto stages = analyzers::make_analysis_stages(
        opts, std::make_unique<analyzers::correlator>(rules, std::string()));
    std::vector<derived_event> out;
    record_size =
        std::max({record_size, min_record(client_bytes.size()), min_record(server_bytes.size())});
    uint64_t ts = 1'700'000'000'000'000'000ULL;
    auto send = [&](std::string_view bytes, tls_direction dir) {
        for (size_t at = 0; at < bytes.size(); at += record_size) {
            tls_event t;
            t.ts_ns = ts += 1000;
            t.pid = 1;
            t.tid = 1;
            t.comm = "bench";  // as analyze_streams
            t.conn = "1:bench";
            t.direction = dir;
            t.data.assign(bytes.substr(at, record_size));
            t.len = t.data.size();
            chain_detail::run(stages, event(std::move(t)), 0, out);
        }
    };
    send(client_bytes, tls_direction::write);
    send(server_bytes, tls_direction::read);
    for (size_t i = 0; i < stages.size(); ++i)
        stages[i]->finish([&](event e) { chain_detail::run(stages, std::move(e), i + 1, out); });
    return out;
}

}  // namespace agentsight::fuzz
