// SPDX-License-Identifier: Apache-2.0
// The MCP analysis stage: newline-delimited JSON-RPC on the pipe and unix-socket streams of the
// plaintext source (MCP over stdio), paired into mcp_call events.
//
// Calls are paired in the server's view: the process that reads a request and writes the
// response with the same id. Its stdin and stdout are two streams (two pipes), but one process
// serves one client there, so (server pid, id) names a call; the client's view of the same
// bytes would mix the ids of every server it started. A stream that does not open with JSON is
// dropped after its first line.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

#include "analysis/protocol/mcp_message.h"
#include "analysis/protocol/ndjson.h"
#include "pipeline/stage.h"

namespace agentsight::analyzers {

class mcp_analyzer final : public stage {
  public:
    static constexpr size_t k_max_streams = 16384;
    static constexpr size_t k_max_pending = 4096;
    static constexpr size_t k_max_line = 16 * 1024 * 1024;
    static constexpr uint64_t k_call_timeout_ns = 600'000'000'000ULL;  // then incomplete
    // The process and plaintext rings are drained separately: a server's last response may
    // arrive just after its exit, so its calls are closed a little later.
    static constexpr uint64_t k_exit_grace_ns = 1'000'000'000;

    std::string_view name() const override { return "mcp"; }
    void on_event(event& e, const emit_fn& emit) override;
    void on_tick(uint64_t now_ns, const emit_fn& emit) override;
    void finish(const emit_fn& emit) override;

  private:
    struct stream {
        ndjson_lines lines{k_max_line};
        bool ignored = false;  // its first line was not JSON: not JSON-RPC
        bool json_seen = false;
    };
    using call_key = std::pair<int32_t, std::string>;  // server pid, id as JSON text

    void on_data(const tls_event& t, const emit_fn& emit);
    void on_message(const tls_event& t, const json& m, const emit_fn& emit);
    void on_process_exit(int32_t pid, uint64_t ts, const emit_fn& emit);

    std::unordered_map<std::string, stream> streams_;  // conn + direction
    std::map<call_key, mcp_request> pending_;
    std::unordered_map<int32_t, mcp_server_info> servers_;  // by server pid
    std::unordered_map<int32_t, uint64_t> exited_;          // pid -> exit ts
};

}  // namespace agentsight::analyzers
