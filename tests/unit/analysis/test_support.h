// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the analyzer tests: a tiny in-order runner with a collecting sink,
// capture loading, and the byte-boundary splitters the golden tests use.
#pragma once

#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/analysis.h"
#include "pipeline/event_json.h"

namespace agentsight::analyzers::test {

inline std::string data_path(const std::string& name) {
    return std::string(AGENTSIGHT_TEST_DATA) + "/analyzers/" + name;
}

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Runs events through the stages like pipeline::run and keeps what reaches the sinks.
struct harness {
    explicit harness(analysis_options opts = {}) : stages(make_analysis_stages(opts)) {}

    void push(event e) { run(std::move(e), 0); }
    void tick(uint64_t now) {
        for (size_t i = 0; i < stages.size(); ++i)
            stages[i]->on_tick(now, [&](event e) { run(std::move(e), i + 1); });
    }
    void finish() {
        for (size_t i = 0; i < stages.size(); ++i)
            stages[i]->finish([&](event e) { run(std::move(e), i + 1); });
    }
    std::vector<derived_event> derived() const {
        std::vector<derived_event> out;
        for (const auto& e : sunk)
            if (auto* d = std::get_if<derived_event>(&e)) out.push_back(*d);
        return out;
    }
    // Every derived event as JSON Lines: the golden form.
    std::string derived_jsonl() const {
        std::string out;
        for (const auto& e : sunk)
            if (std::holds_alternative<derived_event>(e)) out += event_to_json(e) + "\n";
        return out;
    }
    std::string all_jsonl() const {
        std::string out;
        for (const auto& e : sunk) out += event_to_json(e) + "\n";
        return out;
    }
    http_llm_analyzer& analyzer() { return *dynamic_cast<http_llm_analyzer*>(stages[0].get()); }

    std::vector<std::unique_ptr<stage>> stages;
    std::vector<event> sunk;

  private:
    void run(event e, size_t from) {
        for (size_t i = from; i < stages.size(); ++i)
            stages[i]->on_event(e, [&](event x) { run(std::move(x), i + 1); });
        sunk.push_back(std::move(e));
    }
};

inline std::vector<tls_event> load_capture(const std::string& name) {
    std::vector<tls_event> out;
    std::istringstream in(read_file(data_path(name)));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto r = parse_event_json(line);
        EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.message());
        if (r.ok()) out.push_back(std::get<tls_event>(*r));
    }
    EXPECT_FALSE(out.empty()) << "no records in " << name;
    return out;
}

inline std::string analyze(const std::vector<tls_event>& records, bool finish = true,
                           analysis_options opts = {}) {
    harness h(opts);
    for (const auto& r : records) h.push(r);
    if (finish) h.finish();
    return h.derived_jsonl();
}

inline tls_event piece(const tls_event& r, size_t from, size_t len) {
    tls_event t = r;
    t.data = r.data.substr(from, len);
    t.len = t.data.size();
    return t;
}

// Record `index` cut in two at `at`; both pieces keep the record's time, so the analysis
// must not change at all.
inline std::vector<tls_event> split_record(const std::vector<tls_event>& records, size_t index,
                                           size_t at) {
    std::vector<tls_event> out;
    for (size_t i = 0; i < records.size(); ++i) {
        if (i != index) {
            out.push_back(records[i]);
            continue;
        }
        out.push_back(piece(records[i], 0, at));
        out.push_back(piece(records[i], at, std::string::npos));
    }
    return out;
}

// Every record cut at random points (1 to 8 cuts each).
inline std::vector<tls_event> random_split(const std::vector<tls_event>& records,
                                           std::mt19937& rng) {
    std::vector<tls_event> out;
    for (const auto& r : records) {
        std::vector<size_t> cuts{0, r.data.size()};
        int n = std::uniform_int_distribution<int>(1, 8)(rng);
        for (int k = 0; k < n && r.data.size() > 1; ++k)
            cuts.push_back(std::uniform_int_distribution<size_t>(1, r.data.size() - 1)(rng));
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        for (size_t k = 0; k + 1 < cuts.size(); ++k)
            out.push_back(piece(r, cuts[k], cuts[k + 1] - cuts[k]));
    }
    return out;
}

// Checks that every single-cut and a few random multi-cut variants give `expected`.
inline void expect_split_invariant(const std::vector<tls_event>& records,
                                   const std::string& expected, bool finish = true) {
    for (size_t i = 0; i < records.size(); ++i)
        for (size_t at = 1; at < records[i].data.size(); ++at) {
            std::string got = analyze(split_record(records, i, at), finish);
            if (got != expected) {
                ADD_FAILURE() << "record " << i << " split at " << at << "\n got: " << got
                              << "\nwant: " << expected;
                return;
            }
        }
    std::mt19937 rng(12345);
    for (int k = 0; k < 25; ++k) {
        std::string got = analyze(random_split(records, rng), finish);
        if (got != expected) {
            ADD_FAILURE() << "random split " << k << "\n got: " << got << "\nwant: " << expected;
            return;
        }
    }
}

inline tls_event make_tls(const std::string& conn, tls_direction dir, std::string data, uint64_t ts,
                          int32_t pid = 100) {
    tls_event t;
    t.ts_ns = ts;
    t.pid = pid;
    t.tid = pid;
    t.comm = "test";
    t.conn = conn;
    t.direction = dir;
    t.data = std::move(data);
    t.len = t.data.size();
    return t;
}

inline json parse(const std::string& line) {
    return json::parse(line);
}

// The derived events of one kind, parsed.
inline std::vector<json> bodies(const std::string& jsonl, const std::string& type = "llm_call") {
    std::vector<json> out;
    std::istringstream in(jsonl);
    std::string line;
    while (std::getline(in, line)) {
        json j = json::parse(line);
        if (j["type"] == type) out.push_back(std::move(j));
    }
    return out;
}

}  // namespace agentsight::analyzers::test
