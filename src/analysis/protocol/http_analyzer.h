// SPDX-License-Identifier: Apache-2.0
// The HTTP + LLM analysis stage: tls_events in, llm_call / http_exchange events out.
// Per connection it detects the protocol from the first bytes (HTTP/2 preface or an
// HTTP/1.1 request line), and ignores anything else after at most a few bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/protocol/http1_session.h"
#include "analysis/protocol/http2_session.h"
#include "pipeline/stage.h"

namespace agentsight::analyzers {

struct analyzer_counters {
    uint64_t records = 0;  // tls data events seen
    uint64_t bytes = 0;    // plaintext bytes seen
    uint64_t gaps = 0;     // records with lost bytes
    uint64_t lost_bytes = 0;
    uint64_t connections = 0;  // connections opened (any protocol)
    uint64_t http1_connections = 0;
    uint64_t http2_connections = 0;
    uint64_t ignored_connections = 0;  // neither HTTP/1.1 nor HTTP/2
    uint64_t llm_calls = 0;
    uint64_t http_exchanges = 0;
    uint64_t incomplete = 0;  // of the two above, ended without a complete response
    uint64_t parse_errors = 0;
    uint64_t idle_flushes = 0;  // exchanges ended by the idle timeout
};

class http_llm_analyzer final : public stage {
  public:
    static constexpr size_t k_max_connections = 65536;
    static constexpr size_t k_probe_cap = 64 * 1024;  // bytes kept per side before detection

    explicit http_llm_analyzer(uint64_t idle_timeout_ns) : idle_timeout_ns_(idle_timeout_ns) {}

    std::string_view name() const override { return "http_llm"; }
    void on_event(event& e, const emit_fn& emit) override;
    void on_tick(uint64_t now_ns, const emit_fn& emit) override;
    void finish(const emit_fn& emit) override;

    const analyzer_counters& counters() const { return counters_; }

  private:
    enum class protocol { unknown, http1, http2, ignored };
    struct connection {
        conn_meta meta;
        protocol proto = protocol::unknown;
        bool client_writes = true;  // the write direction carries requests (we are the client)
        std::string probe[2];       // [is_write] bytes seen before detection
        uint64_t probe_lost[2] = {0, 0};
        uint64_t probe_ts[2] = {0, 0};  // time of each side's first byte
        bool side_failed[2] = {false, false};
        uint64_t last_ts = 0;
        std::unique_ptr<http1_session> h1;
        std::unique_ptr<http2_session> h2;
    };

    void on_tls(const tls_event& t);
    void detect(connection& c, bool write, uint64_t ts, int32_t tid);
    void start(connection& c, protocol p, bool client_writes, uint64_t ts, int32_t tid);
    void feed(connection& c, bool write, std::string_view data, uint64_t ts, int32_t tid);
    void lose(connection& c, bool write, uint64_t n);
    void close(connection& c, uint64_t ts);
    void drain(const emit_fn& emit);

    uint64_t idle_timeout_ns_;
    std::unordered_map<std::string, connection> conns_;
    static constexpr uint64_t k_exit_grace_ns = 1'000'000'000;
    std::unordered_map<int32_t, uint64_t> exited_;  // pid -> exit ts, until close_exited()
    // pid -> the comm its last exec gave it ("claude"), for `exe_comm` beside the comm of
    // the thread that made the call (Bun's "HTTP Client"). From events only: replay = live.
    std::unordered_map<int32_t, std::string> exe_comm_;
    std::vector<int32_t> forget_;  // exited pids whose exe_comm goes after the next drain
    std::string exe_comm_of(int32_t pid, int32_t tid, const std::string& comm) const;
    void close_exited(uint64_t now_ns);
    std::vector<derived_event> out_;  // reused between events
    analyzer_counters counters_;
};

}  // namespace agentsight::analyzers
