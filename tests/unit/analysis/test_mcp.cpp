// SPDX-License-Identifier: Apache-2.0
// MCP over stdio: newline-delimited JSON-RPC on pipe streams, paired in the server's view.
#include "analysis/protocol/mcp_analyzer.h"
#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

// One write or read of a pipe by `pid` on stream `conn`.
tls_event io(int32_t pid, const std::string& conn, tls_direction dir, std::string data, uint64_t ts,
             const std::string& transport = "pipe") {
    tls_event t;
    t.ts_ns = ts;
    t.pid = pid;
    t.tid = pid;
    t.comm = pid == 10 ? "agent" : "mcp-server-fs";
    t.conn = conn;
    t.transport = transport;
    t.direction = dir;
    t.len = data.size();
    t.data = std::move(data);
    return t;
}

std::vector<json> mcp_calls(harness& h) {
    std::vector<json> out;
    for (const auto& d : h.derived())
        if (d.type == "mcp_call") out.push_back(d.body);
    return out;
}

// The agent (pid 10) writes requests into the server's stdin pipe and reads its stdout pipe;
// the server (pid 20) reads and writes the other ends. Both are traced, so each message is
// seen twice.
struct session {
    harness h;
    uint64_t ts = 1'000'000'000;
    void request(const std::string& line) {
        h.push(io(10, "10:pipe:501", tls_direction::write, line + "\n", ts += 1000));
        h.push(io(20, "20:pipe:501", tls_direction::read, line + "\n", ts += 1000));
    }
    void response(const std::string& line) {
        h.push(io(20, "20:pipe:502", tls_direction::write, line + "\n", ts += 1'000'000));
        h.push(io(10, "10:pipe:502", tls_direction::read, line + "\n", ts += 1000));
    }
};

TEST(mcp, stdio_session_yields_one_call_per_request) {
    session s;
    s.request(
        R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":)"
        R"("2025-06-18","capabilities":{},"clientInfo":{"name":"claude-code","version":"2"}}})");
    s.response(R"({"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18",)"
               R"("capabilities":{"tools":{}},"serverInfo":{"name":"secure-filesystem-server",)"
               R"("version":"0.2.0"}}})");
    s.request(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    s.request(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})");
    s.response(
        R"({"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"read_file"},{"name":"list_directory"}]}})");
    s.request(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"read_file",)"
              R"("arguments":{"path":"/tmp/x/hello.txt"}}})");
    s.response(R"({"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"hello"}]}})");
    s.request(R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"read_file",)"
              R"("arguments":{"path":"/etc/shadow"}}})");
    s.response(R"({"jsonrpc":"2.0","id":3,"error":{"code":-32603,"message":"Access denied"}})");
    s.h.finish();
    auto calls = mcp_calls(s.h);
    ASSERT_EQ(calls.size(), 4u) << s.h.derived_jsonl();
    EXPECT_EQ(calls[0]["method"], "initialize");
    EXPECT_EQ(calls[0]["protocol_version"], "2025-06-18");
    EXPECT_EQ(calls[0]["server_info"]["name"], "secure-filesystem-server");
    EXPECT_EQ(calls[0]["capabilities"]["tools"], json::object());
    EXPECT_EQ(calls[0]["client_info"]["name"], "claude-code");
    EXPECT_EQ(calls[1]["tools"], json::array({"read_file", "list_directory"}));
    const json& call = calls[2];
    EXPECT_EQ(call["pid"], 20);
    EXPECT_EQ(call["transport"], "stdio");
    EXPECT_EQ(call["server"]["name"], "secure-filesystem-server");
    EXPECT_EQ(call["server"]["version"], "0.2.0");
    EXPECT_EQ(call["tool"], "read_file");
    EXPECT_EQ(call["arguments"]["path"], "/tmp/x/hello.txt");
    EXPECT_EQ(call["result"]["content"][0]["text"], "hello");
    EXPECT_EQ(call["is_error"], false);
    EXPECT_NEAR(call["duration_ms"].get<double>(), 1.0, 0.01);
    EXPECT_FALSE(call.contains("incomplete"));
    EXPECT_EQ(calls[3]["is_error"], true);
    EXPECT_EQ(calls[3]["error"]["message"], "Access denied");
}

TEST(mcp, unix_socketpair_stdio_and_split_lines) {
    // Node's child_process gives its children unix socketpairs for stdio, and a line may
    // arrive in pieces.
    harness h;
    std::string req =
        R"({"jsonrpc":"2.0","id":"a","method":"resources/read","params":{"uri":"file:///x"}})"
        "\n";
    h.push(io(20, "20:unix:7", tls_direction::read, req.substr(0, 30), 1000, "unix"));
    h.push(io(20, "20:unix:7", tls_direction::read, req.substr(30), 2000, "unix"));
    h.push(io(20, "20:unix:8", tls_direction::write,
              R"({"jsonrpc":"2.0","id":"a","result":{"contents":[]}})"
              "\n",
              5000, "unix"));
    h.finish();
    auto calls = mcp_calls(h);
    ASSERT_EQ(calls.size(), 1u) << h.derived_jsonl();
    EXPECT_EQ(calls[0]["id"], "a");
    EXPECT_EQ(calls[0]["uri"], "file:///x");
}

TEST(mcp, unanswered_call_is_incomplete_after_the_server_exits) {
    harness h;
    h.push(io(20, "20:pipe:1", tls_direction::read,
              R"({"jsonrpc":"2.0","id":9,"method":"prompts/get","params":{"name":"review"}})"
              "\n",
              1000));
    process_event exit;
    exit.type = process_event_type::exit;
    exit.pid = 20;
    exit.ts_ns = 2000;
    h.push(exit);
    EXPECT_TRUE(mcp_calls(h).empty());  // the response may still be on its way
    h.tick(2000 + 2'000'000'000ULL);
    auto calls = mcp_calls(h);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0]["prompt"], "review");
    EXPECT_EQ(calls[0]["incomplete"], true);
}

TEST(mcp, non_json_streams_and_tcp_are_ignored) {
    harness h;
    h.push(io(20, "20:pipe:1", tls_direction::read, "hello from a shell pipeline\n", 1000));
    h.push(io(20, "20:pipe:1", tls_direction::read,
              R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}})"
              "\n",
              2000));
    h.push(io(20, "20:pipe:2", tls_direction::write,
              R"({"jsonrpc":"2.0","id":1,"result":{}})"
              "\n",
              3000));
    // Over TCP the same bytes are not stdio MCP (streamable HTTP is HTTP first).
    h.push(io(30, "30:tcp:1", tls_direction::read,
              R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}})"
              "\n",
              4000, "tcp"));
    h.push(io(30, "30:tcp:1", tls_direction::write,
              R"({"jsonrpc":"2.0","id":1,"result":{}})"
              "\n",
              5000, "tcp"));
    h.finish();
    EXPECT_TRUE(mcp_calls(h).empty()) << h.derived_jsonl();
}

}  // namespace
}  // namespace agentsight::analyzers::test
