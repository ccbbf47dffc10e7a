// SPDX-License-Identifier: Apache-2.0
// Issue 22: MCP over stdio. A scripted client (python3, JSON-RPC lines on the server's stdin)
// drives the real @modelcontextprotocol/server-filesystem from npm (scripts/fetch-agents.sh)
// under `agentsight record --plaintext`: the trace has one mcp_call per request, with the
// server's identity, the tool, its arguments and its result, and the server's open of the file
// falls inside the call.
#include <fstream>

#include "e2e_harness.h"

namespace agentsight::test::e2e {
namespace {

constexpr const char* k_client = R"(import json, subprocess, sys
srv = subprocess.Popen([sys.argv[1], sys.argv[2]], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
def send(m):
    srv.stdin.write((json.dumps(m) + "\n").encode()); srv.stdin.flush()
def call(i, method, params=None):
    send({"jsonrpc": "2.0", "id": i, "method": method, **({"params": params} if params else {})})
    return json.loads(srv.stdout.readline())
call(0, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "e2e-client", "version": "1"}})
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
call(1, "tools/list")
call(2, "tools/call", {"name": "read_text_file", "arguments": {"path": sys.argv[2] + "/hello.txt"}})
call(3, "tools/call", {"name": "read_text_file", "arguments": {"path": "/etc/hostname"}})
srv.stdin.close(); srv.wait()
)";

std::string fs_server() {
    return agents_dir() + "/mcp-server-filesystem/node_modules/.bin/mcp-server-filesystem";
}

TEST(mcp_e2e, stdio_filesystem_server_calls_are_mcp_call_events) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(executable(fs_server()), fs_server() + " (scripts/fetch-agents.sh)");
    REQUIRE_PREREQ(have_program("python3"), "python3");
    temp_dir dir("mcp-stdio");
    std::string files = dir / "files";
    run("mkdir -p " + sq(files) + " && printf 'hello from mcp\\n' > " + sq(files + "/hello.txt"));
    std::ofstream(dir / "client.py") << k_client;
    std::string trace = dir / "trace.jsonl";
    cmd_result r =
        run("timeout -s INT 60 " + sq(agentsight_bin()) + " record --plaintext -q -o " + sq(trace) +
            " -- python3 " + sq(dir / "client.py") + " " + sq(fs_server()) + " " + sq(files));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto events = read_jsonl(trace);
    auto calls = of_type(events, "mcp_call");
    ASSERT_EQ(calls.size(), 4u) << "tls events: " << of_type(events, "tls").size();

    EXPECT_EQ(calls[0]["method"], "initialize");
    EXPECT_EQ(calls[0]["server_info"]["name"], "secure-filesystem-server");
    EXPECT_EQ(calls[0]["client_info"]["name"], "e2e-client");
    EXPECT_FALSE(calls[0]["protocol_version"].get<std::string>().empty());
    EXPECT_TRUE(calls[0]["capabilities"].contains("tools"));
    EXPECT_EQ(calls[1]["method"], "tools/list");
    const json& tools = calls[1]["tools"];
    EXPECT_NE(std::find(tools.begin(), tools.end(), "read_text_file"), tools.end());

    const json& read = calls[2];
    EXPECT_EQ(read["method"], "tools/call");
    EXPECT_EQ(read["transport"], "stdio");
    EXPECT_EQ(read["server"]["name"], "secure-filesystem-server");
    EXPECT_EQ(read["tool"], "read_text_file");
    EXPECT_EQ(read["arguments"]["path"], files + "/hello.txt");
    EXPECT_EQ(read["result"]["content"][0]["text"], "hello from mcp\n");
    EXPECT_EQ(read["is_error"], false);
    EXPECT_GT(read["duration_ms"].get<double>(), 0.0);
    // Outside the allowed directory: the server answers with a tool error.
    EXPECT_EQ(calls[3]["is_error"], true) << calls[3].dump();

    // The server's open of the file happened during the call, in the server process.
    bool opened_in_call = false;
    for (const auto& o : of_type(events, "file_open"))
        if (o["path"] == files + "/hello.txt" && o["pid"] == read["pid"] && o["ts"] >= read["ts"] &&
            o["ts"] <= read["end_ts"])
            opened_in_call = true;
    EXPECT_TRUE(opened_in_call);
}

// Claude Code native with --mcp-config: the mock LLM asks for mcp__fs__read_text_file, Claude
// Code starts the server and calls it over stdio, and the trace has that call.
TEST(mcp_e2e, claude_code_calls_a_stdio_mcp_server) {
    REQUIRE_E2E_ROOT();
    std::string claude = claude_bin("2.1.197");
    REQUIRE_PREREQ(executable(claude), claude);
    REQUIRE_PREREQ(executable(fs_server()), fs_server() + " (scripts/fetch-agents.sh)");
    temp_dir dir("mcp-claude");
    // Claude Code gives the server its working directory as the MCP root, and the server then
    // allows that directory only: the file lives there.
    std::string home = dir / "home", files = home + "/w";
    prepare_home(home, false);
    run("mkdir -p " + sq(files) + " && printf 'hello from mcp\\n' > " + sq(files + "/hello.txt"));
    mock_options o;
    o.tool_name = "mcp__fs__read_text_file";
    o.tool_input = json{{"path", files + "/hello.txt"}}.dump();
    o.final_text = "The file says hello.";
    mock_llm mock(dir / "requests.jsonl", o);
    ASSERT_TRUE(mock.ok());
    json config = {{"mcpServers", {{"fs", {{"command", fs_server()}, {"args", {files}}}}}}};
    std::string trace = dir / "trace.jsonl";
    cmd_result r = run("cd " + sq(home + "/w") + " && timeout -s INT 240 " + sq(agentsight_bin()) +
                       " record --plaintext -q -o " + sq(trace) + " -- " +
                       claude_command(claude, home, mock.url()) + " --mcp-config " +
                       sq(config.dump()) + " --allowedTools mcp__fs__read_text_file");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto events = read_jsonl(trace);
    json read;
    for (const auto& c : of_type(events, "mcp_call"))
        if (c["method"] == "tools/call") read = c;
    ASSERT_FALSE(read.is_null()) << "mcp_calls: " << of_type(events, "mcp_call").size();
    EXPECT_EQ(read["tool"], "read_text_file");
    EXPECT_EQ(read["arguments"]["path"], files + "/hello.txt");
    EXPECT_EQ(read["server"]["name"], "secure-filesystem-server");
    EXPECT_EQ(read["result"]["content"][0]["text"], "hello from mcp\n");
    bool asked = false;  // the LLM's tool_use that caused it
    for (const auto& c : of_type(events, "llm_call"))
        for (const auto& t : c["response"]["tool_calls"])
            if (t["name"] == "mcp__fs__read_text_file") asked = true;
    EXPECT_TRUE(asked);
}

}  // namespace
}  // namespace agentsight::test::e2e
