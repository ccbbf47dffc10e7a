// SPDX-License-Identifier: Apache-2.0
// Analyzer and event-path throughput (Google Benchmark; see docs/benchmarks.md).
//
//   BM_analyze_anthropic_sse   HTTP/1.1 + chunked + SSE + Anthropic analysis of one captured
//                              streaming exchange (tests/data/analyzers/anthropic_stream.tls.jsonl)
//                              whose SSE body is replicated to ~1 MB. Reports bytes/s (MB/s
//                              per core: the analysis chain is single-threaded).
//   BM_decode_json_exec        decode_record(as_exec) + append_event_json: events/s
//   BM_decode_json_file_open   decode_record(as_file) + append_event_json: events/s
//   BM_jsonl_sink_file_open    the same, written through jsonl_sink to /dev/null
//   BM_decode_only_* / BM_json_only_*   the two halves, to see which dominates
//
// Run: build/bench/agentsight_bench [--benchmark_repetitions=N ...]
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/analysis.h"
#include "bpf/events.h"
#include "outputs/trace/jsonl_sink.h"
#include "pipeline/event_json.h"
#include "sources/record_decoder.h"

namespace {

using namespace agentsight;

// ---- the Anthropic streaming exchange -----------------------------------------------------

struct exchange {
    std::string client, server;
    size_t body_bytes = 0;  // SSE bytes (de-chunked) in the server stream
};

std::string hex(size_t n) {
    char b[32];
    std::snprintf(b, sizeof b, "%zx", n);
    return b;
}

// Client bytes as captured; server bytes = the captured response head, then the captured
// SSE events re-chunked one event per HTTP chunk (as the capture does), with the text and
// thinking deltas repeated until the SSE body reaches `target` bytes.
exchange build_exchange(size_t target) {
    std::ifstream in(std::string(AGENTSIGHT_TEST_DATA) + "/analyzers/anthropic_stream.tls.jsonl");
    if (!in) throw std::runtime_error("cannot open anthropic_stream.tls.jsonl");
    std::string line, server_raw;
    exchange x;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line);
        if (j["direction"] == "write")
            x.client += j["data"].get<std::string>();
        else
            server_raw += j["data"].get<std::string>();
    }
    size_t head_end = server_raw.find("\r\n\r\n");
    if (head_end == std::string::npos) throw std::runtime_error("no response head");
    std::string head = server_raw.substr(0, head_end + 4);
    // de-chunk the body
    std::string body;
    for (size_t at = head_end + 4; at < server_raw.size();) {
        size_t eol = server_raw.find("\r\n", at);
        size_t n = std::stoul(server_raw.substr(at, eol - at), nullptr, 16);
        if (n == 0) break;
        body += server_raw.substr(eol + 2, n);
        at = eol + 2 + n + 2;
    }
    // split into SSE events (blank-line separated), keep the separators
    std::vector<std::string> events;
    for (size_t at = 0; at < body.size();) {
        size_t end = body.find("\n\n", at);
        end = end == std::string::npos ? body.size() : end + 2;
        while (end < body.size() && body[end] == '\n') ++end;
        events.push_back(body.substr(at, end - at));
        at = end;
    }
    std::vector<std::string> deltas;
    for (auto& e : events)
        if (e.find("\"text_delta\"") != std::string::npos ||
            e.find("\"thinking_delta\"") != std::string::npos)
            deltas.push_back(e);
    size_t reps = 1;
    if (!deltas.empty()) {
        size_t dsz = 0;
        for (auto& d : deltas) dsz += d.size();
        reps = target > body.size() ? (target - body.size()) / dsz + 1 : 1;
    }
    std::string out = head;
    auto chunk = [&](const std::string& s) {
        out += hex(s.size()) + "\r\n" + s + "\r\n";
        x.body_bytes += s.size();
    };
    for (auto& e : events) {
        bool is_delta = false;
        for (auto& d : deltas) is_delta |= d == e;
        if (!is_delta) {
            chunk(e);
            continue;
        }
        for (size_t r = 0; r < reps; ++r) chunk(e);  // same block, same index: a longer stream
    }
    out += "0\r\n\r\n";
    x.server = std::move(out);
    return x;
}

void BM_analyze_anthropic_sse(benchmark::State& state) {
    static const exchange x = build_exchange(1 << 20);
    size_t record = size_t(state.range(0));
    analyzers::analysis_options opts;
    opts.redact = state.range(1) != 0;
    size_t events = 0;
    for (auto _ : state) {
        auto out = analyzers::analyze_streams(x.client, x.server, record, opts);
        events = out.size();
        benchmark::DoNotOptimize(out);
    }
    if (events == 0) state.SkipWithError("the analysis emitted no event");
    state.SetBytesProcessed(int64_t(state.iterations()) *
                            int64_t(x.client.size() + x.server.size()));
    state.counters["derived_events"] = double(events);
    state.counters["stream_bytes"] = double(x.client.size() + x.server.size());
}
// args: TLS read size (16 KiB = a full record per SSL_read; 1 KiB = small reads), redact
// (1 = the default chain, 0 = --no-redact, to see the secret scanner's share)
BENCHMARK(BM_analyze_anthropic_sse)
    ->ArgNames({"read", "redact"})
    ->Args({16 * 1024, 1})
    ->Args({1024, 1})
    ->Args({16 * 1024, 0})
    ->Unit(benchmark::kMillisecond);

// ---- process records: decode + JSON -------------------------------------------------------

as_header header(uint16_t type, uint32_t size) {
    as_header h{};
    h.type = type;
    h.abi = AS_ABI_VERSION;
    h.size = size;
    h.ts_ns = 123456789;
    h.pid = 4242;
    h.tid = 4242;
    h.ppid = 4241;
    h.uid = 1000;
    std::strcpy(h.comm, "node");
    return h;
}

std::vector<uint8_t> exec_record() {
    static as_exec rec{};
    const char fname[] = "/usr/bin/git";
    const char argv[] = "git\0status\0--porcelain=v1\0--untracked-files=all";
    rec.filename_len = sizeof(fname) - 1;
    rec.argv_len = sizeof(argv) - 1;
    std::memcpy(rec.payload, fname, rec.filename_len);
    std::memcpy(rec.payload + rec.filename_len, argv, rec.argv_len);
    uint32_t size = uint32_t(offsetof(as_exec, payload) + rec.filename_len + rec.argv_len);
    rec.h = header(AS_REC_EXEC, size);
    std::vector<uint8_t> b(size);
    std::memcpy(b.data(), &rec, size);
    return b;
}

std::vector<uint8_t> file_record() {
    static as_file rec{};
    const char path[] = "/home/user/project/src/components/Button.tsx";
    rec.op = AS_FILE_OPEN;
    rec.flags = 0x80000;  // O_CLOEXEC | O_RDONLY
    rec.ret = 23;
    rec.path_len = sizeof(path) - 1;
    std::memcpy(rec.payload, path, rec.path_len);
    uint32_t size = uint32_t(offsetof(as_file, payload) + rec.path_len);
    rec.h = header(AS_REC_FILE, size);
    std::vector<uint8_t> b(size);
    std::memcpy(b.data(), &rec, size);
    return b;
}

void decode_json(benchmark::State& state, const std::vector<uint8_t>& rec) {
    clock_offset clock{1'700'000'000'000'000'000LL};
    std::string out;
    for (auto _ : state) {
        auto r = decode_record(rec, clock);
        if (!r) {
            state.SkipWithError(r.message().c_str());
            return;
        }
        out.clear();
        append_event_json(event(std::get<process_event>(std::move(*r))), out);
        out += '\n';
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["json_bytes"] = double(out.size());
}
void BM_decode_json_exec(benchmark::State& s) {
    decode_json(s, exec_record());
}
void BM_decode_json_file_open(benchmark::State& s) {
    decode_json(s, file_record());
}
BENCHMARK(BM_decode_json_exec);
BENCHMARK(BM_decode_json_file_open);

void decode_only(benchmark::State& state, const std::vector<uint8_t>& rec) {
    clock_offset clock{};
    for (auto _ : state) {
        auto r = decode_record(rec, clock);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
void BM_decode_only_exec(benchmark::State& s) {
    decode_only(s, exec_record());
}
void BM_decode_only_file_open(benchmark::State& s) {
    decode_only(s, file_record());
}
BENCHMARK(BM_decode_only_exec);
BENCHMARK(BM_decode_only_file_open);

void json_only(benchmark::State& state, const std::vector<uint8_t>& rec) {
    auto r = decode_record(rec, clock_offset{});
    event e(std::get<process_event>(std::move(*r)));
    std::string out;
    for (auto _ : state) {
        out.clear();
        append_event_json(e, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
}
void BM_json_only_exec(benchmark::State& s) {
    json_only(s, exec_record());
}
void BM_json_only_file_open(benchmark::State& s) {
    json_only(s, file_record());
}
BENCHMARK(BM_json_only_exec);
BENCHMARK(BM_json_only_file_open);

void BM_jsonl_sink_file_open(benchmark::State& state) {
    auto rec = file_record();
    auto sink = jsonl_sink::open("/dev/null");
    if (!sink) {
        state.SkipWithError(sink.message().c_str());
        return;
    }
    clock_offset clock{};
    int n = 0;
    for (auto _ : state) {
        auto r = decode_record(rec, clock);
        (*sink)->write(event(std::get<process_event>(std::move(*r))));
        if (++n % 4096 == 0) (*sink)->flush();  // the analysis thread flushes ~every 100 ms
    }
    (*sink)->close();
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_jsonl_sink_file_open);

}  // namespace

BENCHMARK_MAIN();
